"""/postings: demand postings (Lijiang 第三条) and the roll-up of child jurisdictions' postings."""

from __future__ import annotations

from flask import g

from grassroots.api.views import ApiView
from grassroots.db import db
from grassroots.placement import matching, postings
from grassroots.placement import schemas as s
from grassroots.placement.api.base import VIEW, blp, user
from grassroots.placement.errors import forbidden
from grassroots.placement.present import posting_dict
from grassroots.tenancy.access import requires


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
        return {"postings": [posting_dict(p) for p in rows], "rollup": rollup}

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
        """One posting with its open places."""
        posting = postings.get_posting(posting_id)
        if not postings.may_see(user(), g.tenant, posting):
            raise forbidden("draft", "该岗位需求尚未发布", "This posting is not published")
        return posting_dict(posting, matching.taken(posting.id))


@blp.route("/postings/<id:posting_id>/publish")
class PostingPublish(ApiView):
    @requires("posting.manage")
    @blp.arguments(s.Empty)
    @blp.response(200, s.PostingOut)
    def post(self, _body: dict, posting_id: int):
        """draft → published (Lijiang 第三条: 公布并上报)."""
        posting = postings.publish(g.tenant, user(), postings.get_posting(posting_id))
        db.session.commit()
        return posting_dict(posting)
