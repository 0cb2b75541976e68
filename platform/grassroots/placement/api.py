"""/api/v1/t/<tenant>/: postings, applications, matches, agreements, placements, assessments, extensions,
decisions and a person's timeline. Each handler loads (404 for another tenant's id, exactly like a missing
one), checks access (the decorator's permission, then the object: 403), then acts; services commit."""

from __future__ import annotations

from flask import g
from flask_login import current_user
from flask_smorest import Blueprint

from grassroots.api.views import ApiView
from grassroots.db import db
from grassroots.packs.versions import china_today
from grassroots.placement import (
    agreements,
    applications,
    assessments,
    extensions,
    matching,
    placements,
    postings,
)
from grassroots.placement import program as packs
from grassroots.placement import schemas as s
from grassroots.placement.decisions import decisions_for, get_decision
from grassroots.placement.errors import forbidden
from grassroots.placement.facts import facts_for
from grassroots.placement.present import (
    agreement_dict,
    application_dict,
    assessment_dict,
    decision_dict,
    extension_dict,
    placement_dict,
    posting_dict,
)
from grassroots.placement.timeline import person_timeline
from grassroots.tenancy.access import requires

blp = Blueprint("placement_api", __name__, url_prefix="/api/v1/t/<tenant>",
                description="Secondment programs: postings, applications, agreements, placements, assessments, "
                            "extensions, decision records and timelines")

VIEW = "program.view"


def _user():
    return current_user._get_current_object()


def _sources_of(case) -> dict:
    return packs.sources(packs.pinned(g.tenant, case))


# --- Postings ---------------------------------------------------------------------------------------------


@blp.route("/postings")
class Postings(ApiView):
    @requires(VIEW)
    @blp.arguments(s.PostingQuery, location="query")
    @blp.response(200, s.PostingList)
    def get(self, args: dict):
        """This jurisdiction's postings (drafts to their managers), and its child jurisdictions' published ones."""
        rows = postings.list_postings(_user(), g.tenant, state=args.get("state"), year=args.get("year"),
                                      program=args.get("program"))
        rollup = [{"tenant": child.slug, "name": {"zh": child.name_zh, "en": child.name_en},
                   "postings": [posting_dict(p, tenant_slug=child.slug) for p in found]}
                  for child, found in postings.rollup(g.tenant, year=args.get("year"), program=args.get("program"))]
        return {"postings": [posting_dict(p) for p in rows], "rollup": rollup}

    @requires("posting.manage")
    @blp.arguments(s.PostingCreate)
    @blp.response(201, s.PostingOut)
    def post(self, body: dict):
        """A draft posting on the program's demand form (需求信息表), for a unit in your scope."""
        posting = postings.create_posting(g.tenant, _user(), body["program"], body["unit_code"], body["data"],
                                          body.get("year"))
        db.session.commit()
        return posting_dict(postings.get_posting(posting.id)), 201


@blp.route("/postings/<int(max=2147483647):posting_id>")
class PostingById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.PostingOut)
    def get(self, posting_id: int):
        """One posting with its open places."""
        posting = postings.get_posting(posting_id)
        if not postings.may_see(_user(), g.tenant, posting):
            raise forbidden("draft", "该岗位需求尚未发布", "This posting is not published")
        return posting_dict(posting, matching.taken(posting.id))


@blp.route("/postings/<int(max=2147483647):posting_id>/publish")
class PostingPublish(ApiView):
    @requires("posting.manage")
    @blp.arguments(s.Empty)
    @blp.response(200, s.PostingOut)
    def post(self, _body: dict, posting_id: int):
        """draft → published (Lijiang 第三条: 公布并上报)."""
        posting = postings.publish(g.tenant, _user(), postings.get_posting(posting_id))
        db.session.commit()
        return posting_dict(posting)


# --- Applications -----------------------------------------------------------------------------------------


def _application_out(app) -> dict:
    sources = _sources_of(app)
    out = application_dict(app, sources)
    agreement = agreements.agreement_of(app.id)
    out["agreement"] = agreement_dict(agreement) if agreement else None
    placement = db.session.execute(db.select(placements.Placement.id).where(
        placements.Placement.application_id == app.id)).scalar_one_or_none()
    out["placement_id"] = placement
    out["decisions"] = [decision_dict(d, sources) for d in decisions_for(applications.SUBJECT, [app.id])]
    return out


@blp.route("/applications")
class Applications(ApiView):
    @requires(VIEW)
    @blp.arguments(s.ApplicationQuery, location="query")
    @blp.response(200, s.ApplicationList)
    def get(self, args: dict):
        """Applications you reach: your own, those you filed, those within your offices' scope."""
        rows = applications.list_applications(_user(), g.tenant, state=args.get("state"), program=args.get("program"))
        return {"applications": [application_dict(a) for a in rows]}

    @requires(VIEW)
    @blp.arguments(s.ApplicationCreate)
    @blp.response(201, s.ApplicationOut)
    def post(self, body: dict):
        """Open an application (draft) on the program's application form: your own, or as HR for someone."""
        app = applications.create(g.tenant, _user(), body["program"], body["data"], None, body.get("unit_code"),
                                  submit=body.get("submit", False))
        return _application_out(applications.get_application(app.id)), 201


@blp.route("/applications/<int(max=2147483647):application_id>")
class ApplicationById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.ApplicationOut)
    def get(self, application_id: int):
        """One application with its decisions (reasons and cites), agreement and placement."""
        app = applications.readable(_user(), g.tenant, applications.get_application(application_id))
        return _application_out(app)

    @requires(VIEW)
    @blp.arguments(s.ApplicationData)
    @blp.response(200, s.ApplicationOut)
    def put(self, body: dict, application_id: int):
        """New form data for a draft or returned application (by whoever filed it)."""
        app = applications.get_application(application_id)
        applications.update_draft(g.tenant, app, _user(), body.get("data"))
        return _application_out(applications.get_application(application_id))


@blp.route("/applications/<int(max=2147483647):application_id>/files/<slot>")
class ApplicationFile(ApiView):
    @requires(VIEW)
    @blp.arguments(s.FileUpload, location="files")
    @blp.response(200, s.ApplicationOut)
    def post(self, files: dict, application_id: int, slot: str):
        """Upload one required attachment (the form's attachment id: id_card, ...): type and size checked."""
        app = applications.get_application(application_id)
        applications.update_draft(g.tenant, app, _user(), None, {slot: files["file"]})
        return _application_out(applications.get_application(application_id))


@blp.route("/applications/<int(max=2147483647):application_id>/submit")
class ApplicationSubmit(ApiView):
    @requires(VIEW)
    @blp.arguments(s.ApplicationData)
    @blp.response(200, s.ApplicationOut)
    @blp.alt_response(422, description="Invalid form, or not eligible: each reason with its cite (code `ineligible`)")
    def post(self, body: dict, application_id: int):
        """Submit: the form in full, the applicant's eligibility (stored as a decision), the approval chain."""
        app = applications.get_application(application_id)
        applications.submit_application(g.tenant, app, _user(), body.get("data"))
        return _application_out(applications.get_application(application_id))


@blp.route("/applications/<int(max=2147483647):application_id>/resubmit")
class ApplicationResubmit(ApiView):
    @requires(VIEW)
    @blp.arguments(s.ApplicationData)
    @blp.response(200, s.ApplicationOut)
    def post(self, body: dict, application_id: int):
        """Resubmit a returned application (corrected data); the chain starts again from its first step."""
        app = applications.get_application(application_id)
        applications.resubmit_application(g.tenant, app, _user(), body.get("data"))
        return _application_out(applications.get_application(application_id))


# --- Matching and agreements --------------------------------------------------------------------------------


@blp.route("/matches")
class Matches(ApiView):
    @requires("placement.manage")
    @blp.arguments(s.MatchCreate)
    @blp.response(201, s.AgreementOut)
    def post(self, body: dict):
        """Match an approved application to a published posting: the agreement is drafted."""
        agreement = matching.match(g.tenant, _user(), body["application_id"], body["posting_id"], body.get("post_name"))
        return agreement_dict(agreement), 201


def _agreement_out(agreement, **extra) -> dict:
    out = agreement_dict(agreement)
    out["placement_id"] = db.session.execute(db.select(placements.Placement.id).where(
        placements.Placement.agreement_id == agreement.id)).scalar_one_or_none()
    out.update(extra)
    return out


def _readable_agreement(agreement_id: int):
    agreement = agreements.get_agreement(agreement_id)
    applications.readable(_user(), g.tenant, applications.get_application(agreement.application_id))
    return agreement


@blp.route("/agreements/<int(max=2147483647):agreement_id>")
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
        return _agreement_out(agreements.update_terms(g.tenant, _user(), agreement, body))


@blp.route("/agreements/<int(max=2147483647):agreement_id>/sign")
class AgreementSign(ApiView):
    @requires(VIEW)
    @blp.arguments(s.Empty)
    @blp.response(200, s.AgreementOut)
    def post(self, _body: dict, agreement_id: int):
        """Sign as the party you are: the professional submits it; the county HR bureau and the service unit
        sign (or file) their step of its chain. The last signature starts the placement."""
        agreement = _readable_agreement(agreement_id)
        signature = agreements.sign(g.tenant, _user(), agreement)
        return _agreement_out(agreements.get_agreement(agreement_id), signature=signature)


# --- Placements, assessments, extensions -------------------------------------------------------------------


def _placement_out(placement, full: bool = True) -> dict:
    effective = packs.pinned(g.tenant, placement)
    program = packs.program_of(effective, placement.program_id)
    done = placements.assessments_of([placement.id])[placement.id]
    today = china_today()
    out = placement_dict(placement, assessments=done, extensions=extensions.extensions_of([placement.id])[placement.id],
                         due=placements.due_assessments(program, placement, done, today),
                         served=placements.served_full_years(placement, today), effective=effective)
    if full:
        out["decisions"] = [decision_dict(d, packs.sources(effective)) for d in decisions_for(placements.SUBJECT, [placement.id])]
    return out


@blp.route("/placements")
class Placements(ApiView):
    @requires(VIEW)
    @blp.arguments(s.PlacementQuery, location="query")
    @blp.response(200, s.PlacementList)
    def get(self, args: dict):
        """Placements you reach, with their assessments and what is due (a constant number of queries)."""
        rows = placements.list_placements(_user(), g.tenant, state=args.get("state"), program=args.get("program"))
        ids = [p.id for p in rows]
        done, exts = placements.assessments_of(ids), extensions.extensions_of(ids)
        today = china_today()
        out = []
        programs: dict = {}
        for p in rows:
            key = (p.pack_version_id, p.program_id)
            if key not in programs:
                effective = packs.pinned(g.tenant, p)
                programs[key] = (effective, packs.program_of(effective, p.program_id))
            effective, program = programs[key]
            out.append(placement_dict(p, assessments=done[p.id], extensions=exts[p.id], effective=effective,
                                      due=placements.due_assessments(program, p, done[p.id], today),
                                      served=placements.served_full_years(p, today)))
        return {"placements": out}


@blp.route("/placements/<int(max=2147483647):placement_id>")
class PlacementById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.PlacementOut)
    def get(self, placement_id: int):
        """A placement: dates, service unit and tags, recognition, assessments, extensions, decisions."""
        return _placement_out(placements.readable(_user(), g.tenant, placements.get_placement(placement_id)))


@blp.route("/placements/<int(max=2147483647):placement_id>/facts")
class PlacementFacts(ApiView):
    @requires(VIEW)
    @blp.arguments(s.FactsQuery, location="query")
    @blp.response(200, s.FactsOut)
    def get(self, args: dict, placement_id: int):
        """The evaluation input of this placement on `as_of` (default today): what the subsidy rules read."""
        placement = placements.readable(_user(), g.tenant, placements.get_placement(placement_id))
        as_of = args.get("as_of") or china_today()
        return {"placement_id": placement.id, "as_of": as_of.isoformat(), "facts": facts_for(placement, as_of)}


@blp.route("/placements/<int(max=2147483647):placement_id>/end")
class PlacementEnd(ApiView):
    @requires("placement.manage")
    @blp.arguments(s.PlacementEnd)
    @blp.response(200, s.PlacementOut)
    def post(self, body: dict, placement_id: int):
        """End the service on its last day served (a manager covering the service unit)."""
        placement = placements.get_placement(placement_id)
        placements.end_placement(g.tenant, _user(), placement, body["end_date"], body.get("reason", ""),
                                 body.get("continuous", True))
        return _placement_out(placements.get_placement(placement_id))


@blp.route("/assessments")
class Assessments(ApiView):
    @requires(VIEW)
    @blp.arguments(s.AssessmentQuery, location="query")
    @blp.response(200, s.AssessmentList)
    def get(self, args: dict):
        """Assessments of the placements you reach (of one, with `placement_id`)."""
        rows = placements.list_placements(_user(), g.tenant)
        ids = [p.id for p in rows if args.get("placement_id") in (None, p.id)]
        done = placements.assessments_of(ids)
        effective = packs.pinned(g.tenant, rows[0]) if rows else None
        return {"assessments": [assessment_dict(a, effective) for i in ids for a in done[i]]}

    @requires("assessment.record")
    @blp.arguments(s.AssessmentCreate)
    @blp.response(201, s.AssessmentOut)
    def post(self, body: dict):
        """Record an annual (service unit, 第十条) or term-end (county HR, 第十一条) assessment on the pack's scale."""
        row = assessments.record_assessment(g.tenant, _user(), body["placement_id"], body["kind"], body["year_no"],
                                            body["grade"], body["assessed_on"], body.get("note", ""), body.get("form"))
        placement = placements.get_placement(row.placement_id)
        return assessment_dict(row, packs.pinned(g.tenant, placement)), 201


@blp.route("/extensions")
class Extensions(ApiView):
    @requires(VIEW)
    @blp.arguments(s.ExtensionCreate)
    @blp.response(201, s.ExtensionOut)
    def post(self, body: dict):
        """Ask to extend a placement (延期申请表, 第十一条); it goes through the program's extension chain."""
        ext = extensions.request_extension(g.tenant, _user(), body["placement_id"], body["extension_years"],
                                           body.get("reason", ""), body.get("form"))
        return extension_dict(ext), 201


@blp.route("/extensions/<int(max=2147483647):extension_id>")
class ExtensionById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.ExtensionOut)
    def get(self, extension_id: int):
        """One extension request and its state."""
        ext = extensions.get_extension(extension_id)
        placements.readable(_user(), g.tenant, placements.get_placement(ext.placement_id))
        return extension_dict(ext)


# --- Decisions and timelines -----------------------------------------------------------------------------


@blp.route("/decisions/<int(max=2147483647):decision_id>")
class DecisionById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.DecisionOut)
    def get(self, decision_id: int):
        """A decision record: pack version and hash, the input as evaluated, the answer with every reason."""
        record = get_decision(decision_id)
        case = _decision_case(record)
        return decision_dict(record, _sources_of(case), full=True)


def _decision_case(record):
    if record.subject_type == placements.SUBJECT:
        return placements.readable(_user(), g.tenant, placements.get_placement(record.subject_id))
    if record.subject_type == applications.SUBJECT:
        return applications.readable(_user(), g.tenant, applications.get_application(record.subject_id))
    if not _reaches_everything():
        raise forbidden("not_a_reader", "您无权查看该决定", "You may not view this decision")
    return record


def _reaches_everything() -> bool:
    from grassroots.placement.access import reach_of

    return reach_of(_user(), g.tenant, reading=True).everywhere


@blp.route("/people/<int(max=2147483647):person_id>/timeline")
class Timeline(ApiView):
    @requires(VIEW)
    @blp.response(200, s.TimelineOut)
    def get(self, person_id: int):
        """Every step, assessment and decision of a person, with who, when, the outcome and the article."""
        return person_timeline(g.tenant, _user(), person_id)
