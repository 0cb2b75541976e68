"""The number leaves the server only in a reveal answer: not in other pages or answers, not in the audit
table, not in a log line, not in a cookie (SECURITY.md § Resident ID numbers)."""

from __future__ import annotations

import logging

from sqlalchemy import text

from tests.db.factories import owner_engine
from tests.identity.helpers import EXAMPLES

NUMBER = EXAMPLES[0]
FRAGMENTS = (NUMBER, NUMBER.lower(), NUMBER[:17], "19491231")


def _clean(text_: str) -> bool:
    return not any(fragment in text_ for fragment in FRAGMENTS)


def test_the_number_appears_only_in_reveal_answers(seeded_app, as_user, caplog):
    caplog.set_level(logging.DEBUG)
    client = as_user("lj_city_hr")
    api, pages = "/api/v1/t/lijiang/people", "/t/lijiang/people"
    quiet = [
        client.post(api, json={"name": "和医生", "id_number": NUMBER, "gender": "male"}),  # 422 mismatch
        client.post(api, json={"name": "和医生", "id_number": NUMBER[:-1] + "1"}),  # 422 checksum
        client.post(pages + "/new", data={"name": "和医生", "id_number": NUMBER, "birth_date": "1949-12-30"}),
    ]
    created = client.post(api, json={"name": "和医生", "id_number": NUMBER})
    person_id = created.get_json()["id"]
    quiet += [
        created,
        client.post(api, json={"name": "重复", "id_number": NUMBER}),  # 409
        client.post(pages + "/new", data={"name": "重复", "id_number": NUMBER}),  # 409 page
        client.get(api), client.get(f"{api}/{person_id}"),
        client.post(f"{api}/lookup", json={"id_number": NUMBER}),
        client.get(pages), client.get(f"{pages}/{person_id}"), client.get(f"{pages}/new"),
        client.get("/t/lijiang/audit"),
    ]
    revealed = [client.post(f"{api}/{person_id}/reveal", json={}), client.post(f"{pages}/{person_id}/reveal")]
    statuses = [r.status_code for r in quiet]
    assert statuses == [422, 422, 422, 201, 409, 409, 200, 200, 200, 200, 200, 200, 200]
    for response in quiet:
        assert _clean(response.get_data(as_text=True)), response.request.path
    for response in quiet + revealed:
        assert all(_clean(cookie) for cookie in response.headers.getlist("Set-Cookie"))
        assert _clean(response.request.url)
    assert all(NUMBER in r.get_data(as_text=True) for r in revealed)
    assert caplog.records and _clean(caplog.text)
    assert all(_clean(str(r.args)) for r in caplog.records)

    engine = owner_engine(seeded_app)
    with engine.connect() as conn:
        audit = " ".join(str(tuple(row)) for row in conn.execute(text("SELECT * FROM audit_entries")))
        people = " ".join(str(tuple(row)) for row in conn.execute(text("SELECT * FROM people")))
    engine.dispose()
    assert "id.reveal" in audit and _clean(audit) and NUMBER not in people
