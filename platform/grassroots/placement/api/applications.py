"""/applications, /matches, /agreements: applying, the eligibility decisions, matching, signing."""

from __future__ import annotations

from flask import g

from grassroots.api.views import ApiView
from grassroots.db import db
from grassroots.placement import agreements, applications, matching, placements
from grassroots.placement import program as packs
from grassroots.placement import schemas as s
from grassroots.placement.api.base import VIEW, blp, user
from grassroots.placement.decisions import decisions_for
from grassroots.placement.present import agreement_dict, application_dict, decision_view
from grassroots.placement.returns import rejected_step, returned_step
from grassroots.tenancy.access import requires


def _application_out(app) -> dict:
    effective = packs.pinned(g.tenant, app)
    out = application_dict(app, packs.sources(effective))
    agreement = agreements.agreement_of(app.id)
    out["agreement"] = agreement_dict(agreement) if agreement else None
    placement = db.session.execute(db.select(placements.Placement.id).where(
        placements.Placement.application_id == app.id)).scalar_one_or_none()
    out["placement_id"] = placement
    out["decisions"] = [decision_view(d, effective) for d in decisions_for(applications.SUBJECT, [app.id])]
    out["returned"] = returned_step(app.chain_instance_id) if app.state == "returned" else None
    out["rejected"] = rejected_step(app.chain_instance_id) if app.state == "rejected" else None
    return out


@blp.route("/applications")
class Applications(ApiView):
    @requires(VIEW)
    @blp.arguments(s.ApplicationQuery, location="query")
    @blp.response(200, s.ApplicationList)
    def get(self, args: dict):
        """Applications you reach: your own, those you filed, those within your offices' scope (50 a page)."""
        rows, has_next = applications.list_applications(user(), g.tenant, state=args.get("state"),
                                                         program=args.get("program"), page=args["page"])
        return {"applications": [application_dict(a) for a in rows], "page": args["page"], "has_next": has_next}

    @requires(VIEW)
    @blp.arguments(s.ApplicationCreate)
    @blp.response(201, s.ApplicationDetail)
    def post(self, body: dict):
        """Open an application (draft) on the program's application form: your own, or as HR for someone."""
        app = applications.create(g.tenant, user(), body["program"], body["data"], None, body.get("unit_code"),
                                  submit=body.get("submit", False))
        return _application_out(applications.get_application(app.id)), 201


@blp.route("/applications/<id:application_id>")
class ApplicationById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.ApplicationDetail)
    def get(self, application_id: int):
        """One application with its decisions (reasons and cites), agreement and placement."""
        app = applications.readable(user(), g.tenant, applications.get_application(application_id))
        return _application_out(app)

    @requires(VIEW)
    @blp.arguments(s.ApplicationData)
    @blp.response(200, s.ApplicationDetail)
    def put(self, body: dict, application_id: int):
        """New form data for a draft or returned application (by whoever filed it)."""
        app = applications.get_application(application_id)
        applications.update_draft(g.tenant, app, user(), body.get("data"))
        return _application_out(applications.get_application(application_id))


@blp.route("/applications/<id:application_id>/files/<slot>")
class ApplicationFile(ApiView):
    @requires(VIEW)
    @blp.arguments(s.FileUpload, location="files")
    @blp.response(200, s.ApplicationDetail)
    def post(self, files: dict, application_id: int, slot: str):
        """Upload one required attachment (the form's attachment id: id_card, ...): type and size checked."""
        app = applications.get_application(application_id)
        applications.update_draft(g.tenant, app, user(), None, {slot: files["file"]})
        return _application_out(applications.get_application(application_id))


@blp.route("/applications/<id:application_id>/submit")
class ApplicationSubmit(ApiView):
    @requires(VIEW)
    @blp.arguments(s.ApplicationData)
    @blp.response(200, s.ApplicationDetail)
    @blp.alt_response(422, description="Invalid form, or not eligible: each reason with its cite (code `ineligible`)")
    def post(self, body: dict, application_id: int):
        """Submit: the form in full, the applicant's eligibility (stored as a decision), the approval chain."""
        app = applications.get_application(application_id)
        applications.submit_application(g.tenant, app, user(), body.get("data"))
        return _application_out(applications.get_application(application_id))


@blp.route("/applications/<id:application_id>/resubmit")
class ApplicationResubmit(ApiView):
    @requires(VIEW)
    @blp.arguments(s.ApplicationData)
    @blp.response(200, s.ApplicationDetail)
    def post(self, body: dict, application_id: int):
        """Resubmit a returned application (corrected data); the chain starts again from its first step."""
        app = applications.get_application(application_id)
        applications.resubmit_application(g.tenant, app, user(), body.get("data"))
        return _application_out(applications.get_application(application_id))


# --- Matching and agreements --------------------------------------------------------------------------------


@blp.route("/matches")
class Matches(ApiView):
    @requires("placement.manage")
    @blp.arguments(s.MatchCreate)
    @blp.response(201, s.AgreementOut)
    @blp.alt_response(409, description="The application is not approved or already matched, or the posting is not "
                                       "published (`posting_not_published`), closed (`posting_closed`) or full "
                                       "(`posting_full`), read after its row is locked")
    def post(self, body: dict):
        """Match an approved application to a published posting: the agreement is drafted."""
        agreement = matching.match(g.tenant, user(), body["application_id"], body["posting_id"], body.get("post_name"))
        return agreement_dict(agreement), 201


def _agreement_out(agreement, **extra) -> dict:
    out = agreement_dict(agreement)
    out["placement_id"] = db.session.execute(db.select(placements.Placement.id).where(
        placements.Placement.agreement_id == agreement.id)).scalar_one_or_none()
    out.update(extra)
    return out


def _readable_agreement(agreement_id: int):
    agreement = agreements.get_agreement(agreement_id)
    applications.readable(user(), g.tenant, applications.get_application(agreement.application_id))
    return agreement


@blp.route("/agreements/<id:agreement_id>")
class AgreementById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.AgreementOut)
    def get(self, agreement_id: int):
        """The agreement: terms, state, signatures so far (its chain), the placement it started."""
        return _agreement_out(_readable_agreement(agreement_id))

    @requires(VIEW)
    @blp.arguments(s.AgreementTerms)
    @blp.response(200, s.AgreementOut)
    def put(self, body: dict, agreement_id: int):
        """Set the terms (start and end dates, duties, ...) before signing, or after a return."""
        agreement = _readable_agreement(agreement_id)
        return _agreement_out(agreements.update_terms(g.tenant, user(), agreement, body))


@blp.route("/agreements/<id:agreement_id>/sign")
class AgreementSign(ApiView):
    @requires(VIEW)
    @blp.arguments(s.Empty)
    @blp.response(200, s.AgreementOut)
    def post(self, _body: dict, agreement_id: int):
        """Sign as the party you are: the professional submits it; the county HR bureau and the service unit
        sign (or file) their step of its chain. The last signature starts the placement."""
        agreement = _readable_agreement(agreement_id)
        signature = agreements.sign(g.tenant, user(), agreement)
        return _agreement_out(agreements.get_agreement(agreement_id), signature=signature)
