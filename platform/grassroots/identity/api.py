"""/api/v1/t/<tenant>/people: the register, masked; a reveal (audited); a lookup with the number in the body.

A resident ID number never travels in a URL (it would land in access logs and browser history):
lookups are POSTs. Answers that carry a full number are `Cache-Control: no-store`.
"""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from grassroots.api.views import ApiView
from grassroots.errors import UserError
from grassroots.identity import present, services
from grassroots.identity.idnumbers import check_id_number
from grassroots.identity.schemas import (
    LookupSchema,
    PageArgsSchema,
    PeoplePageSchema,
    PersonCreateSchema,
    PersonSchema,
    RevealedSchema,
    RevealSchema,
)
from grassroots.identity.services import REVEAL_PERMISSION, VIEW_PERMISSION
from grassroots.tenancy.access import requires

blp = Blueprint("identity_api", __name__, url_prefix="/api/v1/t/<tenant>",
                description="People register (人员名册): resident ID numbers masked; reveals and lookups audited")

NO_STORE = {"Cache-Control": "no-store"}


@blp.route("/people")
class People(ApiView):
    @requires(VIEW_PERMISSION)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, PeoplePageSchema)
    def get(self, args: dict):
        """One page of the register (50), newest first, ID numbers masked."""
        people, has_next = services.list_people(args["page"])
        return {"page": args["page"], "has_next": has_next, "people": [present.summary(p) for p in people]}

    @requires(VIEW_PERMISSION)
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema)
    @blp.alt_response(409, description="The number is already registered in this jurisdiction")
    def post(self, body: dict):
        """Register a person; 422 with every error at its path (`/id_number` for a bad number)."""
        person = services.register_person(body, current_user._get_current_object())
        return present.summary(person), 201


@blp.route("/people/lookup")
class Lookup(ApiView):
    @requires(VIEW_PERMISSION)
    @blp.arguments(LookupSchema)
    @blp.response(200, PersonSchema)
    def post(self, body: dict):
        """Find the person holding a number (in the body, never the URL); 404 if none here. Audited."""
        errors = check_id_number(body["id_number"])
        if errors:
            raise UserError(422, "invalid", None, errors)
        person = services.find_by_id_number(body["id_number"])
        services.record_lookup(person, current_user._get_current_object())
        if person is None:
            raise UserError(404, "not_found", {"zh": "本地区没有持该号码的人员", "en": "No one here holds that number"})
        return present.summary(services.get_person(person.id))


@blp.route("/people/<id:person_id>")
class PersonById(ApiView):
    @requires(VIEW_PERMISSION)
    @blp.response(200, PersonSchema)
    def get(self, person_id: int):
        """One person, ID number masked; another tenant's id answers 404."""
        return present.summary(services.get_person(person_id))


@blp.route("/people/<id:person_id>/reveal")
class Reveal(ApiView):
    @requires(REVEAL_PERMISSION)
    @blp.arguments(RevealSchema)
    @blp.response(200, RevealedSchema, headers={"Cache-Control": {"schema": {"type": "string"}}})
    def post(self, body: dict, person_id: int):
        """The full number and birth date; written to the audit log (who, when, which person) first."""
        person = services.get_person(person_id)
        number = services.reveal(person, current_user._get_current_object(), body.get("reason"))
        return {"id": person.id, "id_number": number, "birth_date": person.birth_date,
                "gender": person.gender}, 200, NO_STORE
