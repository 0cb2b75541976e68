"""/placements, /assessments, /extensions: the service period and what happens during it."""

from __future__ import annotations

from flask import g

from grassroots.api.views import ApiView
from grassroots.packs.versions import china_today
from grassroots.placement import assessments, extensions, placements
from grassroots.placement import program as packs
from grassroots.placement import schemas as s
from grassroots.placement.api.base import VIEW, blp, user
from grassroots.placement.decisions import decisions_for
from grassroots.placement.facts import facts_for
from grassroots.placement.present import assessment_dict, decision_view, extension_dict, placement_dict
from grassroots.placement.returns import returned_step
from grassroots.tenancy.access import requires


def _placement_out(placement, full: bool = True) -> dict:
    effective = packs.pinned(g.tenant, placement)
    program = packs.program_of(effective, placement.program_id)
    done = placements.assessments_of([placement.id])[placement.id]
    today = china_today()
    out = placement_dict(placement, assessments=done, extensions=extensions.extensions_of([placement.id])[placement.id],
                         due=placements.due_assessments(program, placement, done, today),
                         served=placements.served_full_years(placement, today), effective=effective)
    if full:
        out["decisions"] = [decision_view(d, effective) for d in decisions_for(placements.SUBJECT, [placement.id])]
        out["dispatch_returned"] = (returned_step(placement.dispatch_instance_id)
                                    if placement.dispatch_state == "returned" else None)
    return out


def _extension_out(ext) -> dict:
    return {**extension_dict(ext), "returned": returned_step(ext.chain_instance_id) if ext.state == "returned" else None}


@blp.route("/placements")
class Placements(ApiView):
    @requires(VIEW)
    @blp.arguments(s.PlacementQuery, location="query")
    @blp.response(200, s.PlacementList)
    def get(self, args: dict):
        """Placements you reach, with their assessments and what is due (50 a page; a constant number of queries)."""
        rows, has_next = placements.list_placements(user(), g.tenant, state=args.get("state"),
                                                    program=args.get("program"), page=args["page"])
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
        return {"placements": out, "page": args["page"], "has_next": has_next}


@blp.route("/placements/<id:placement_id>")
class PlacementById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.PlacementOut)
    def get(self, placement_id: int):
        """A placement: dates, service unit and tags, recognition, assessments, extensions, decisions."""
        return _placement_out(placements.readable(user(), g.tenant, placements.get_placement(placement_id)))


@blp.route("/placements/<id:placement_id>/facts")
class PlacementFacts(ApiView):
    @requires(VIEW)
    @blp.arguments(s.FactsQuery, location="query")
    @blp.response(200, s.FactsOut)
    def get(self, args: dict, placement_id: int):
        """The evaluation input of this placement on `as_of` (default today): what the subsidy rules read."""
        placement = placements.readable(user(), g.tenant, placements.get_placement(placement_id))
        as_of = args.get("as_of") or china_today()
        return {"placement_id": placement.id, "as_of": as_of.isoformat(), "facts": facts_for(placement, as_of)}


@blp.route("/placements/<id:placement_id>/end")
class PlacementEnd(ApiView):
    @requires("placement.manage")
    @blp.arguments(s.PlacementEnd)
    @blp.response(200, s.PlacementOut)
    def post(self, body: dict, placement_id: int):
        """End the service on its last day served (a manager covering the service unit)."""
        placement = placements.get_placement(placement_id)
        placements.end_placement(g.tenant, user(), placement, body["end_date"], body.get("reason", ""),
                                 body.get("continuous", True))
        return _placement_out(placements.get_placement(placement_id))


@blp.route("/placements/<id:placement_id>/dispatch/resubmit")
class DispatchResubmit(ApiView):
    @requires(VIEW)
    @blp.arguments(s.DispatchResubmit)
    @blp.response(200, s.PlacementOut)
    @blp.alt_response(403, description="Only whoever started the recognition (the agreement's signer) resubmits it")
    @blp.alt_response(404, description="No such placement in this jurisdiction")
    @blp.alt_response(409, description="No dispatch recognition, or it is not returned for revision (or moved meanwhile)")
    @blp.alt_response(422, description="Invalid body (a note over 2000 characters, an unknown field)")
    def post(self, body: dict, placement_id: int):
        """Resubmit a returned dispatch recognition (全职选派认可, Kunming 八): its chain starts again from the
        sending unit; the note says what was corrected."""
        placement = placements.get_placement(placement_id)
        placements.resubmit_dispatch(g.tenant, user(), placement, body.get("note"))
        return _placement_out(placements.get_placement(placement_id))


@blp.route("/assessments")
class Assessments(ApiView):
    @requires(VIEW)
    @blp.arguments(s.AssessmentQuery, location="query")
    @blp.response(200, s.AssessmentList)
    def get(self, args: dict):
        """Assessments of the placements you reach (of one, with `placement_id`), 200 a page."""
        rows, has_next = placements.list_assessments(user(), g.tenant, placement_id=args.get("placement_id"),
                                                     page=args["page"])
        packs_by_version: dict = {}
        out = []
        for assessment, placement in rows:
            key = (placement.pack_version_id, repr(placement.ancestors or []))
            if key not in packs_by_version:
                packs_by_version[key] = packs.pinned(g.tenant, placement)
            out.append(assessment_dict(assessment, packs_by_version[key]))
        return {"assessments": out, "page": args["page"], "has_next": has_next}

    @requires("assessment.record")
    @blp.arguments(s.AssessmentCreate)
    @blp.response(201, s.AssessmentOut)
    def post(self, body: dict):
        """Record an annual (service unit, 第十条) or term-end (county HR, 第十一条) assessment on the pack's scale."""
        row = assessments.record_assessment(g.tenant, user(), body["placement_id"], body["kind"], body["year_no"],
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
        ext = extensions.request_extension(g.tenant, user(), body["placement_id"], body["extension_years"],
                                           body.get("reason", ""), body.get("form"))
        return extension_dict(ext), 201


@blp.route("/extensions/<id:extension_id>")
class ExtensionById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.ExtensionOut)
    def get(self, extension_id: int):
        """One extension request and its state."""
        ext = extensions.get_extension(extension_id)
        placements.readable(user(), g.tenant, placements.get_placement(ext.placement_id))
        return _extension_out(ext)


@blp.route("/extensions/<id:extension_id>/resubmit")
class ExtensionResubmit(ApiView):
    @requires(VIEW)
    @blp.arguments(s.ExtensionResubmit)
    @blp.response(200, s.ExtensionOut)
    @blp.alt_response(403, description="Only whoever requested the extension resubmits it")
    @blp.alt_response(404, description="No such extension request in this jurisdiction")
    @blp.alt_response(409, description="Not returned for revision (or moved meanwhile), or the placement changed")
    @blp.alt_response(422, description="Invalid term or extension form: each error at its path (`/form/...`)")
    def post(self, body: dict, extension_id: int):
        """Resubmit a returned extension request (延期申请表), optionally with a new term, reason or form fields;
        its chain starts again from the first step."""
        ext = extensions.resubmit_extension(g.tenant, user(), extension_id, body.get("extension_years"),
                                            body.get("reason"), body.get("form"))
        return _extension_out(ext)
