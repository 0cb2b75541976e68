"""Rosters as XLSX and CSV (with a BOM), a print view, and pages whose query count does not grow with rows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import event

from grassroots.db import db
from tests.subsidy.conftest import client_as, lijiang_placement

API = "/api/v1/t/lijiang/subsidy"


def _roster(app, people: int) -> dict:
    for n in range(people):
        lijiang_placement(name=f"导出{n}")
    response = client_as(app, "lj_city_hr").post(f"{API}/rosters/compile", json={"payer": "yunnan_finance", "year": 2025})
    return response.get_json()["rosters"][0]


def test_xlsx_opens_with_openpyxl_and_its_totals_match(seeded_app):
    roster = _roster(seeded_app, 3)
    response = client_as(seeded_app, "lj_city_finance").get(f"{API}/rosters/{roster['id']}/export?format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "云南省专业技术人员到基层服务期满人员名册（附件4）"
    header = rows[2]
    assert header[:4] == ["序号", "姓名", "性别", "身份证号码"]
    amount = header.index("申报金额（元）")
    body, total = rows[3:-1], rows[-1]
    assert [r[0] for r in body] == ["1", "2", "3"] and total[0] == "合计"
    assert all(isinstance(r[amount], str) for r in body + [total])  # yuan strings, never floats
    assert sum(Decimal(r[amount]) for r in body) == Decimal(total[amount]) == Decimal(roster["total"]) == Decimal("60000.00")
    ids = [r[header.index("身份证号码")] for r in body]
    assert all(len(i) == 18 and i[6:14] == "*" * 8 for i in ids)


def test_csv_has_a_bom_and_the_annex_columns(seeded_app):
    roster = _roster(seeded_app, 2)
    response = client_as(seeded_app, "lj_city_hr").get(f"{API}/rosters/{roster['id']}/export?format=csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "姓名", "性别"] and rows[-1][0] == "合计"
    amount = rows[0].index("申报金额（元）")
    assert rows[-1][amount] == "40000.00" == roster["total"]
    assert "attachment" in response.headers["Content-Disposition"]


def test_formula_like_names_are_kept_as_text(seeded_app):
    lijiang_placement(name="=1+2")
    roster = client_as(seeded_app, "lj_city_hr").post(f"{API}/rosters/compile",
                                                      json={"payer": "yunnan_finance", "year": 2025}).get_json()["rosters"][0]
    data = client_as(seeded_app, "lj_city_hr").get(f"{API}/rosters/{roster['id']}/export?format=csv").data
    assert "'=1+2" in data.decode("utf-8-sig")


def test_print_view_and_pages(seeded_app):
    roster = _roster(seeded_app, 1)
    client = client_as(seeded_app, "lj_city_hr")
    printed = client.get(f"/t/lijiang/subsidy/rosters/{roster['id']}/print")
    text = printed.get_data(as_text=True)
    assert printed.status_code == 200 and "云南省专业技术人员到基层服务期满人员名册" in text and "合计" in text
    assert "申报金额（元）" in text
    for url in ("/t/lijiang/subsidy/rosters", f"/t/lijiang/subsidy/rosters/{roster['id']}", "/t/lijiang/subsidy/batches"):
        page = client.get(url)
        assert page.status_code == 200, url
    assert client.get("/t/lijiang/subsidy/rosters?lang=en").status_code == 200


def _queries(app, client, url: str) -> int:
    count = 0

    def on_execute(*_args, **_kwargs):
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return count


def test_list_pages_cost_a_constant_number_of_queries(seeded_app):
    client = client_as(seeded_app, "lj_city_hr")
    small = _roster(seeded_app, 1)
    urls = ("/t/lijiang/subsidy/rosters", "/t/lijiang/subsidy/rosters/{id}", API + "/rosters/{id}", API + "/rosters",
            "/t/lijiang/subsidy/batches")
    few = [_queries(seeded_app, client, u.format(id=small["id"])) for u in urls]
    for n in range(6):
        lijiang_placement(name=f"多{n}", remote=False)
    big = client.post(f"{API}/rosters/compile", json={"payer": "yunnan_finance", "year": 2025}).get_json()["rosters"][0]
    assert big["line_count"] == 6
    many = [_queries(seeded_app, client, u.format(id=big["id"])) for u in urls]
    assert many == few
