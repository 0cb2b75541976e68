"""The version diff: what was added, removed and changed, by id, with the pointers of changed fields."""

from grassroots.policy import diff_packs
from tests.policy.helpers import make_pack, text


def test_identical_packs_have_no_diff():
    assert diff_packs(make_pack(), make_pack()) == {"sections": {}, "other": []}


def test_added_removed_and_changed_items_by_id():
    old, new = make_pack(), make_pack()
    new["subsidy_components"][0]["amount_per_year"] = "12000.00"
    new["payers"].append({"id": "county_finance", "name": text("县财政", "County finance"), "level": "county"})
    del new["calendar"][0]
    new["programs"].reverse()  # moving is not changing
    new["programs"][1]["eligibility"]["all"][0]["value"] = ["city", "province"]
    new["jurisdiction"]["locale"] = "en-GB"
    diff = diff_packs(old, new)
    assert diff["sections"]["payers"] == {"added": ["county_finance"], "removed": [], "changed": []}
    assert diff["sections"]["calendar"] == {"added": [], "removed": ["demand"], "changed": []}
    assert diff["sections"]["subsidy_components"]["changed"] == [{"id": "provincial_post_subsidy", "changes": [
        {"path": "/subsidy_components/0/amount_per_year", "op": "replace", "old": "10000.00", "new": "12000.00"}]}]
    (program,) = diff["sections"]["programs"]["changed"]
    assert program["id"] == "grassroots_service"
    # a list of plain values that changed length is replaced whole
    assert program["changes"] == [{"path": "/programs/1/eligibility/all/0/value", "op": "replace",
                                   "old": ["county", "city", "province"], "new": ["city", "province"]}]
    assert diff["other"] == [{"path": "/jurisdiction/locale", "op": "replace", "old": "zh-CN", "new": "en-GB"}]


def test_a_removed_rule_points_into_the_old_version():
    old, new = make_pack(), make_pack()
    del new["programs"][0]["eligibility"]["all"][3]
    (program,) = diff_packs(old, new)["sections"]["programs"]["changed"]
    assert [(c["path"], c["op"], c["old"]["id"]) for c in program["changes"]] == [("/programs/0/eligibility/all/3", "remove", "continuous")]
