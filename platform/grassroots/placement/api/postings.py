"""/postings: demand postings (Lijiang 第三条) and the roll-up of child jurisdictions' postings."""

from __future__ import annotations

from flask import g

from grassroots.api.views import ApiView
from grassroots.db import db
from grassroots.placement import demand, matching, postings
from grassroots.placement import program as packs
from grassroots.placement import schemas as s
from grassroots.placement.api.base import VIEW, blp, user
from grassroots.placement.errors import forbidden
from grassroots.placement.present import posting_dict
from grassroots.tenancy.access import can, requires


def posting_out(posting, with_places: bool = True) -> dict:
    """One posting with its open places and its demand report's progress (who and why to HR and overseers)."""
    report = None
    if posting.chain_instance_id is not None:
        offices = packs.office_names(postings.pack_of(g.tenant, posting))
        report = demand.report_detail(posting, offices, staff=staff())
    return posting_dict(posting, matching.taken(posting.id) if with_places else None, report=report, staff=staff())


def staff() -> bool:
    """HR offices and overseers see who acted on a report and why, and who closed a posting and why."""
    return any(can(p) for p in demand.HANDLERS)


@blp.route("/postings")
class Postings(ApiView):
    @requires(VIEW)
    @blp.arguments(s.PostingQuery, location="query")
    @blp.response(200, s.PostingList)
    def get(self, args: dict):
        """This jurisdiction's postings (drafts to their managers), and its child jurisdictions' published ones."""
        rows = postings.list_postings(user(), g.tenant, state=args.get("state"), year=args.get("year"),
                                      program=args.get("program"))
        rollup = [{"tenant": child.slug, "name": {"zh": child.name_zh, "en": child.name_en},
                   "postings": [posting_dict(p, tenant_slug=child.slug) for p in found]}
                  for child, found in postings.rollup(g.tenant, year=args.get("year"), program=args.get("program"))]
        return {"postings": [posting_dict(p, staff=staff()) for p in rows], "rollup": rollup}

    @requires("posting.manage")
    @blp.arguments(s.PostingCreate)
    @blp.response(201, s.PostingOut)
    def post(self, body: dict):
        """A draft posting on the program's demand form (需求信息表), for a unit in your scope."""
        posting = postings.create_posting(g.tenant, user(), body["program"], body["unit_code"], body["data"],
                                          body.get("year"))
        db.session.commit()
        return posting_dict(postings.get_posting(posting.id)), 201


@blp.route("/postings/<id:posting_id>")
class PostingById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.PostingOut)
    def get(self, posting_id: int):
        """One posting with its open places and its demand report (each step: state, when, cite; who acted and
        why to HR offices and overseers)."""
        posting = postings.get_posting(posting_id)
        if not postings.may_see(user(), g.tenant, posting):
            raise forbidden("draft", "该岗位需求尚未发布", "This posting is not published")
        return posting_out(posting)


@blp.route("/postings/<id:posting_id>/publish")
class PostingPublish(ApiView):
    @requires("posting.manage")
    @blp.arguments(s.Empty)
    @blp.response(200, s.PostingOut)
    @blp.alt_response(409, description="Not a draft (published already: a second publish never starts a second report)")
    @blp.alt_response(422, description="The program's demand chain cannot be routed for the posting's unit (every "
                                       "problem listed); nothing is published")
    def post(self, _body: dict, posting_id: int):
        """draft → published (Lijiang 第三条: 公布并上报). With a demand chain in the pack (`chains.demand`), the same
        act reports the posting up it (the publisher is its submitter)."""
        postings.publish(g.tenant, user(), postings.get_posting(posting_id))
        db.session.commit()
        return posting_out(postings.get_posting(posting_id), with_places=False)


@blp.route("/postings/<id:posting_id>/close")
class PostingClose(ApiView):
    @requires("posting.manage")
    @blp.arguments(s.PostingClose)
    @blp.response(200, s.PostingOut)
    @blp.alt_response(403, description="The posting's unit is outside your scope")
    @blp.alt_response(404, description="No such posting in this jurisdiction")
    @blp.alt_response(409, description="Not published (`posting_not_published`: a draft is simply left, a closed "
                                       "posting stays closed), or its demand report is still under review and you "
                                       "did not report it (`demand_report_in_progress`); nothing changes")
    @blp.alt_response(422, description="No reason (blank), or one over 500 characters, at `/reason`; nothing changes")
    def post(self, body: dict, posting_id: int):
        """published → closed, its posts filled or no longer needed, with the reason: no new matches (agreements
        already made stand). A demand report still under review is withdrawn by the same act when you reported
        it (you published the posting); otherwise the close is refused."""
        posting = postings.close(g.tenant, user(), postings.get_posting(posting_id), body["reason"])
        return posting_out(posting, with_places=False)


@blp.route("/postings/<id:posting_id>/resubmit")
class PostingResubmit(ApiView):
    @requires("posting.manage")
    @blp.arguments(s.PostingResubmit)
    @blp.response(200, s.PostingOut)
    @blp.alt_response(403, description="Only whoever published (and so reported) the posting resubmits its report")
    @blp.alt_response(404, description="No such posting in this jurisdiction")
    @blp.alt_response(409, description="No demand report, or it is not returned for revision (or moved meanwhile), "
                                       "or the posting is no longer published")
    @blp.alt_response(422, description="Invalid body or demand form: each error at its path (`/data/...`)")
    def post(self, body: dict, posting_id: int):
        """Resubmit a returned demand report (Lijiang 第三条), optionally with the corrected 需求信息表: its chain
        starts again from the first step (Lijiang: the city's compilation)."""
        posting = demand.resubmit_report(g.tenant, user(), posting_id, body.get("data"), body.get("note"))
        return posting_out(posting)
