"""The placement module's entries for tests/test_isolation_matrix.py (merged there by the lead):

    from tests.placement import matrix as placement_matrix
    BUSINESS_ANSWERS.update(placement_matrix.BUSINESS)
    SETUPS["placement"] = placement_matrix.make_objects
    SAMPLES.update(placement_matrix.samples(_object))
    FOREIGN_BODIES.update(placement_matrix.FOREIGN_BODIES)

`make_objects` seeds the demo cases of both tenants through the services (their professionals and the
extra office holders are outside the matrix's ROLES, so no role signs or acts by accident), plus a
Kunming extension, and registers one object of each kind per tenant.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

# Object-level checks beyond the declared rule (403, never 404: the object is in the member's tenant).
BUSINESS: dict[tuple[str, str], set[int | str]] = {
    # A case is read by its applicant, whoever filed it, and offices whose scope covers its units.
    **{("placement_api." + view, "*"): {403} for view in (
        "PostingById", "ApplicationById", "ApplicationFile", "ApplicationSubmit", "ApplicationResubmit",
        "AgreementById", "AgreementSign", "PlacementById", "PlacementFacts", "ExtensionById", "DecisionById",
        # A returned chain is resubmitted by whoever started it only (the requester, the agreement's signer, the
        # posting's publisher for its demand report).
        "ExtensionResubmit", "DispatchResubmit", "PostingResubmit")},
    **{("placement." + view, "*"): {403} for view in (
        "posting", "application", "application_edit", "agreement", "agreement_terms", "agreement_sign", "placement",
        "placement_assess", "placement_extend", "extension", "extension_resubmit", "placement_dispatch_resubmit",
        "posting_resubmit", "decision")},
}

# Valid bodies for the foreign-object check, so that a hole in the wall would act on the other tenant's object.
FOREIGN_BODIES: dict[str, dict] = {
    "placement_api.ExtensionResubmit": {"reason": "isolation matrix"},
    "placement_api.DispatchResubmit": {"note": "isolation matrix"},
    "placement_api.PostingResubmit": {"note": "isolation matrix"},
    "placement_api.PostingClose": {"reason": "isolation matrix"},
    "placement.posting_close": {"reason": "isolation matrix"},
}


def make_objects(w, tenants: dict) -> None:
    """Per tenant: a published posting, an application, an agreement, a placement, an extension, a decision."""
    from grassroots.accounts.models import User
    from grassroots.db import db
    from grassroots.db.tenant_scope import tenant_context
    from grassroots.placement.demo import seed_cases
    from grassroots.placement.extensions import request_extension
    from grassroots.placement.models import (
        Agreement,
        Application,
        DecisionRecord,
        Extension,
        Placement,
        Posting,
    )

    seed_cases()
    for slug in ("lijiang", "kunming"):
        with tenant_context(tenants[slug].id, db.session):
            if db.session.execute(select(Extension.id)).first() is None:
                placement = db.session.execute(select(Placement).where(Placement.state == "serving")
                                               .order_by(Placement.id)).scalars().first()
                officer = db.session.execute(select(User).filter_by(username={"lijiang": "lj_city_hr", "kunming": "km_city_hr"}[slug])).scalar_one()
                request_extension(tenants[slug], officer, placement.id, 1, "isolation matrix")
            first = {
                "posting": select(Posting.id).where(Posting.state == "published"),
                "application": select(Application.id),
                "agreement": select(Agreement.id),
                "placement": select(Placement.id),
                "extension": select(Extension.id),
                "decision": select(DecisionRecord.id),
            }
            for kind, query in first.items():
                w.objects.setdefault(f"placement_{kind}", {})[slug] = [
                    db.session.execute(query.order_by(query.selected_columns[0]).limit(1)).scalar_one()]


def samples(object_sample: Callable[[str], object]) -> dict:
    """SAMPLES entries for the placement URL parameters (`object_sample` is the matrix's `_object`)."""
    from tests.test_isolation_matrix import Sample

    out = {f"{endpoint}:{param}": object_sample(f"placement_{kind}") for endpoint, param, kind in _PARAMS}
    out.update({f"{endpoint}:slot": Sample(own=lambda w, t, u: "id_card") for endpoint in ("placement_api.ApplicationFile",)})
    return out


_ENDPOINTS = {
    "posting_id": ("posting", ("placement_api.PostingById", "placement_api.PostingPublish",
                               "placement_api.PostingResubmit", "placement_api.PostingClose", "placement.posting",
                               "placement.posting_publish", "placement.posting_resubmit", "placement.posting_close")),
    "application_id": ("application", ("placement_api.ApplicationById", "placement_api.ApplicationFile",
                                       "placement_api.ApplicationSubmit", "placement_api.ApplicationResubmit",
                                       "placement.application", "placement.application_edit",
                                       "placement.application_match")),
    "agreement_id": ("agreement", ("placement_api.AgreementById", "placement_api.AgreementSign", "placement.agreement",
                                   "placement.agreement_terms", "placement.agreement_sign")),
    "placement_id": ("placement", ("placement_api.PlacementById", "placement_api.PlacementFacts",
                                   "placement_api.PlacementEnd", "placement_api.DispatchResubmit", "placement.placement",
                                   "placement.placement_assess", "placement.placement_extend", "placement.placement_end",
                                   "placement.placement_dispatch_resubmit")),
    "extension_id": ("extension", ("placement_api.ExtensionById", "placement_api.ExtensionResubmit", "placement.extension",
                                   "placement.extension_resubmit")),
    "decision_id": ("decision", ("placement_api.DecisionById", "placement.decision")),
}
_PARAMS = [(endpoint, param, kind) for param, (kind, endpoints) in _ENDPOINTS.items() for endpoint in endpoints]
