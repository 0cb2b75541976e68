"""Rules in words with their articles, for the program listing and the public program page."""

from grassroots.policy import describe_criterion, describe_program
from grassroots.policy.describe import Line
from tests.policy.helpers import make_pack

LAW = "《丽江市鼓励专业技术人员到基层服务暂行办法》第二条"


def test_eligibility_reads_as_nested_lines_with_citations():
    program = describe_program(make_pack(), "grassroots_service")
    lines = [Line(**line) for line in program["eligibility"]]
    assert [line.text("zh") for line in lines] == [
        "同时满足以下条件：",
        f"  须为县及县以上单位人员 — {LAW}",
        "  满足以下任一条件：",
        f"    须具有中级以上（含中级）职称 — {LAW}",
        f"    或具有执业医师资格 — {LAW}",
        f"  须到乡镇服务 — {LAW}",
        f"  须连续服务 — {LAW}",
    ]
    assert lines[3].text("en") == "    Must hold an intermediate or higher title — 丽江市鼓励专业技术人员到基层服务暂行办法, 第二条"
    assert lines[3].rule == "title"


def test_subsidies_in_words():
    (provincial, city) = describe_program(make_pack(), "grassroots_service")["subsidies"]
    assert (provincial["amount_per_year"], provincial["payer"], provincial["payer_name"]["zh"]) == ("10000.00", "province_finance", "省财政")
    assert provincial["schedule"]["zh"] == "服务满2周年后一次发放第1–2年，此后每满1周年发放一次；当年年度考核或期满考核合格方予发放"
    assert provincial["schedule"]["en"].startswith("after 2 full years, one payment for years 1–2, then one per further full year")
    assert provincial["when"] == []
    assert [line["zh"] for line in city["when"]] == ["到偏远乡（镇）服务"]


def test_unknown_program_and_a_bare_criterion():
    pack = make_pack()
    assert describe_program(pack, "nope") is None
    lines = describe_criterion(pack["programs"][1]["eligibility"], pack)
    assert [line.zh for line in lines] == ["同时满足以下条件：", "政治素质好", "年龄不超过45周岁"]


def test_schedule_text_says_a_failed_term_end_voids_the_payment():
    from grassroots.policy.describe import schedule_text

    zh, en = schedule_text({"first_after_full_years": 2, "requires_passing": ["annual", "term_end"],
                            "void_on_failing": ["term_end"]})
    assert "期满考核不合格的，该次补贴整体不予发放" in zh
    assert "voids that whole payment" in en
