"""Journeys through a real browser: sign-in, the wall between tenants, onboarding a child, the language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, sign_in

TENANTS = Path(__file__).resolve().parents[2] / "tenants"
pytestmark = pytest.mark.browser



def test_a_lijiang_officer_sees_lijiang_only_and_kunming_is_not_found(new_page):
    page = new_page()
    sign_in(page, "lj_city_hr")
    assert page.url.endswith("/t/lijiang/")
    assert page.inner_text("[data-testid=tenant-title]") == "丽江市"
    assert page.inner_text("[data-testid=current-tenant]") == "丽江市"
    assert "昆明" not in page.content()
    screenshot(page, "lijiang-home")

    response = page.goto("/t/kunming/")
    assert response.status == 404
    assert page.locator("section.error[data-status='404']").is_visible()
    assert "未找到" in page.inner_text("main")
    screenshot(page, "lijiang-officer-on-kunming-404")


def test_the_404_for_another_tenant_does_not_name_it(new_page):
    """It reads exactly like the 404 of a tenant that does not exist (it used to show 昆明市 in the header)."""
    page = new_page()
    sign_in(page, "lj_city_hr")
    page.goto("/t/kunming/")
    assert "昆明" not in page.content()
    assert page.locator("[data-testid=current-tenant]").count() == 0
    foreign = page.inner_text("body")
    page.goto("/t/no-such-tenant/")
    assert page.inner_text("body") == foreign


def test_the_province_onboards_dali_and_dali_staff_see_only_dali(new_page):
    manifest = (TENANTS / "dali.json").read_text(encoding="utf-8")
    staff = json.loads(manifest)["staff"]
    admin = new_page()
    sign_in(admin, "yn_admin")
    assert admin.url.endswith("/t/yunnan/")
    admin.click("nav.tenantnav >> text=下级地区")
    admin.wait_for_url("**/t/yunnan/children")
    assert admin.locator("[data-testid=children] tr[data-slug=lijiang]").is_visible()
    assert admin.locator("[data-testid=children] tr[data-slug=dali]").count() == 0
    screenshot(admin, "yunnan-children")

    admin.click("[data-testid=onboard-child]")
    admin.wait_for_url("**/t/yunnan/children/new")
    admin.fill("#manifest", manifest)
    with admin.expect_navigation():
        admin.click("main form button[type=submit]")
    assert admin.locator("[data-testid=onboarded][data-slug=dali]").is_visible(), admin.inner_text("main")
    logins = admin.inner_text("[data-testid=logins]")
    for member in staff:
        assert member["username"] in logins
    screenshot(admin, "dali-onboarded")

    dali = new_page()  # another browser context: nothing shared with the administrator's session
    sign_in(dali, "dl_city_hr", next(m["password"] for m in staff if m["username"] == "dl_city_hr"))
    assert dali.url.endswith("/t/dali/")
    assert "大理" in dali.inner_text("[data-testid=tenant-title]")
    assert "丽江" not in dali.content()
    screenshot(dali, "dali-home")
    response = dali.goto("/t/lijiang/")
    assert response.status == 404
    assert dali.locator("section.error[data-status='404']").is_visible()


def test_the_language_switch_shows_english_labels(new_page):
    page = new_page()
    sign_in(page, "lj_city_hr")
    assert page.inner_text("header .brand") == "基层人才服务平台"
    with page.expect_navigation():
        page.click("[data-testid=lang-switch]")
    assert page.url.endswith("/t/lijiang/")  # back where the switch was clicked
    assert page.inner_text("header .brand") == "Grassroots Talent Platform"
    assert page.inner_text("[data-testid=tenant-title]") == "Lijiang"
    assert page.locator("header >> text=Log out").is_visible()
    assert page.locator("[data-testid=lang-switch]").inner_text() == "中文"
    assert page.evaluate("document.documentElement.lang") == "en"
    screenshot(page, "lijiang-home-english")
