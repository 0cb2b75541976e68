"""Benchmark: the compiled policy engine's batch path against a hand-written function, in one run.

    .venv/bin/python tests/benchmarks/bench_evaluate.py [--cases 100000] [--seed 7] [--embedded]

Generates synthetic Lijiang `grassroots_service` cases (random dates, titles, licences, unit levels and
types, remote or not, failed or missing assessment years) and evaluates them two ways in the same run:
with `evaluate_batch` and with plain Python functions written by hand for this one rule (丽江 000 第二条、
第十四条、第十六条). Two pairs are timed: the payments (component, years, due date, amount — what a roster
needs) and the totals only (`totals_only=True`). Each pair must agree case by case; the script prints
cases/second (CPU time) for each side and the ratio. The goal is to stay within 2× of the hand-written code.
Uses policy_packs/lijiang.json (which extends yunnan.json) when it checks clean, else an equivalent pack
embedded below. Not a pytest test (pytest collects test_*.py only).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "platform"))

from grassroots.policy import check_pack, compile_pack, evaluate, evaluate_batch, load_pack  # noqa: E402

PROGRAM = "grassroots_service"
CHUNK = 5_000

# -- the rule, written by hand ----------------------------------------------------------------------------

UNIT_OK = frozenset({"county", "city", "province"})
TITLE_OK = frozenset({"intermediate", "deputy_senior", "senior"})
SERVICE_UNIT_TYPES = frozenset({"school", "health_center", "hospital", "enterprise", "institution", "research_institute"})
PASSING = frozenset({"excellent", "qualified"})
CHECKED_KINDS = frozenset({"annual", "term_end"})
FEN_PER_YEAR = 1_000_000  # 10,000.00 yuan


def hand_anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February → 1 March
        return date(start.year + years, 3, 1)


def hand_full_years(start: date, end: date) -> int:
    after = end + timedelta(days=1)
    n = after.year - start.year
    if hand_anniversary(start, n) > after:
        n -= 1
    return max(n, 0)


def hand_eligible(person: dict, placement: dict) -> bool:
    return (
        person.get("unit_level") in UNIT_OK
        and (person.get("title_level") in TITLE_OK or "practising_physician" in person.get("licenses", ()))
        and placement.get("unit_level") == "township"
        and placement.get("unit_type") in SERVICE_UNIT_TYPES
        and placement.get("professional_post") is True
        and placement.get("continuous") is True
    )


def hand_service(case: dict) -> tuple[date, int, set[int]]:
    """Start date, full years served by as_of (or the end date), and the years that may be paid.

    A failed term-end appraisal voids the whole payment ending in its year (第十六条): for the 2-year lump
    both years go; from year 3 each payment is one year, which is already out as a failing year.
    """
    placement = case["placement"]
    as_of = date.fromisoformat(case["as_of"])
    start = date.fromisoformat(placement["start_date"])
    end = placement.get("end_date")
    end = min(date.fromisoformat(end), as_of) if end else as_of
    passed, failed = set(), set()
    for a in case["assessments"]:
        if a["kind"] in CHECKED_KINDS:
            (passed if a["grade"] in PASSING else failed).add(a["year_no"])
            if a["kind"] == "term_end" and a["year_no"] == 2 and a["grade"] not in PASSING:
                failed.add(1)
    return start, hand_full_years(start, end), passed - failed


def hand_totals(case: dict) -> tuple[bool, int]:
    """(eligible, total fen), as a programmer would write it for Lijiang alone."""
    placement = case["placement"]
    if not hand_eligible(case["person"], placement):
        return False, 0
    _, n, ok = hand_service(case)
    if n < 2:
        return True, 0
    per_year = FEN_PER_YEAR * (2 if "remote" in placement.get("area_tags", ()) else 1)
    return True, per_year * sum(1 for k in ok if 1 <= k <= n)


def hand_payments(case: dict) -> tuple[bool, list[tuple], int]:
    """(eligible, [(component, years, due, fen)] in due order, total fen): what a roster needs, by hand."""
    placement = case["placement"]
    if not hand_eligible(case["person"], placement):
        return False, [], 0
    start, n, ok = hand_service(case)
    if n < 2:
        return True, [], 0
    components = ["provincial_post_subsidy"] + (["lijiang_remote_subsidy"] if "remote" in placement.get("area_tags", ()) else [])
    first = tuple(y for y in (1, 2) if y in ok)
    blocks = ([(first, 2)] if first else []) + [((k,), k) for k in range(3, n + 1) if k in ok]
    payments, total = [], 0
    for years, last in blocks:
        due, amount = hand_anniversary(start, last), FEN_PER_YEAR * len(years)
        for component in components:
            payments.append((component, years, due, amount))
            total += amount
    return True, payments, total


# -- an equivalent pack, for when policy_packs/lijiang.json is not there ----------------------------------

def _t(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


_C = {"doc": "lijiang-2017", "article": "第二条"}
_SCHEDULE = {"first_after_full_years": 2, "then_every_full_years": 1, "requires_passing": ["annual", "term_end"],
             "void_on_failing": ["term_end"]}


def _leaf(rule: str, fact: str, op: str, value, zh: str) -> dict:
    return {"id": rule, "fact": fact, "op": op, "value": value, "cite": _C, "message": _t(zh, rule)}


EMBEDDED = {
    "format": 1,
    "jurisdiction": {"slug": "lijiang", "name": _t("丽江市", "Lijiang"), "level": "city", "parent": None, "currency": "CNY",
                     "locale": "zh-CN", "sources": [{"id": "lijiang-2017", "title": "丽江市鼓励专业技术人员到基层服务暂行办法",
                                                     "number": None, "issuer": "丽江市人力资源和社会保障局", "issued": None,
                                                     "effective": None, "status": "暂行", "file": "000_42c67b067206fc79.txt"}]},
    "vocabulary": {
        "grades": [{"id": g, "label": _t(g, g), "passes": g in PASSING, "cite": _C}
                   for g in ("excellent", "qualified", "basically_qualified", "unqualified")],
        "area_tags": [{"id": "remote", "label": _t("偏远乡（镇）", "remote"), "cite": _C}],
        "offices": [],
    },
    "payers": [{"id": "yunnan_finance", "name": _t("省财政", "Yunnan finance"), "level": "province"},
               {"id": "lijiang_finance", "name": _t("市财政", "Lijiang finance"), "level": "city"}],
    "subsidy_components": [
        {"id": "provincial_post_subsidy", "name": _t("省级岗位补贴", "provincial"), "amount_per_year": "10000.00",
         "currency": "CNY", "payer": "yunnan_finance", "cite": _C},
        {"id": "lijiang_remote_subsidy", "name": _t("市级偏远补贴", "city remote"), "amount_per_year": "10000.00",
         "currency": "CNY", "payer": "lijiang_finance", "cite": _C},
    ],
    "forms": [{"id": "application_form", "title": _t("申请登记表", "application"), "cite": _C, "schema": {
        "type": "object", "properties": {
            "unit_level": {"title": "单位层级", "x-fact": "person.unit_level"},
            "title_level": {"title": "职称", "x-fact": "person.title_level"},
            "licenses": {"title": "执业资格", "x-fact": "person.licenses"}}}}],
    "programs": [{
        "id": PROGRAM, "name": _t("到基层服务", "grassroots service"), "kind": "secondment", "cite": _C,
        "active": {"from": "2017-01-01", "to": None},
        "eligibility": {"all": [
            _leaf("unit_county_or_above", "person.unit_level", "in", ["county", "city", "province"], "县及县以上单位"),
            {"any": [_leaf("title_intermediate_or_above", "person.title_level", "gte", "intermediate", "中级以上职称"),
                     _leaf("practising_physician", "person.licenses", "contains", "practising_physician", "执业医师")]},
            _leaf("township_placement", "placement.unit_level", "eq", "township", "到乡镇服务"),
            _leaf("enterprise_or_institution", "placement.unit_type", "in", sorted(SERVICE_UNIT_TYPES), "乡镇企事业单位"),
            _leaf("professional_post", "placement.professional_post", "eq", True, "专业技术岗位"),
            _leaf("continuous_service", "placement.continuous", "eq", True, "连续服务"),
        ]},
        "subsidies": [
            {"component": "provincial_post_subsidy", "cite": _C, "schedule": _SCHEDULE},
            {"component": "lijiang_remote_subsidy", "cite": _C, "schedule": _SCHEDULE,
             "when": _leaf("remote_township", "placement.area_tags", "contains", "remote", "偏远乡镇")},
        ],
        "forms": {"application": "application_form"},
    }],
}


# -- cases ------------------------------------------------------------------------------------------------

def make_cases(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    choice, rand = rng.choice, rng.random
    base = date(2014, 1, 1).toordinal()
    grades = ["qualified"] * 17 + ["excellent"] * 2 + ["basically_qualified", "unqualified"]
    cases = []
    for _ in range(count):
        start = date.fromordinal(base + rng.randrange(3650))
        as_of = date.fromordinal(start.toordinal() + rng.randrange(30, 3000))
        placement = {
            "start_date": start.isoformat(),
            "unit_level": "township" if rand() < 0.8 else choice(["county", "city"]),
            "unit_type": choice(["school", "health_center", "hospital", "enterprise", "institution", "health_center", "government"]),
            "professional_post": rand() < 0.95,
            "continuous": rand() < 0.95,
            "area_tags": ["remote"] if rand() < 0.4 else [],
        }
        if rand() < 0.3:
            placement["end_date"] = date.fromordinal(start.toordinal() + rng.randrange(700, 2500)).isoformat()
        years = (as_of.year - start.year) + 1
        assessments = [{"kind": "annual", "year_no": k, "grade": choice(grades)} for k in range(1, years + 1) if rand() < 0.95]
        if rand() < 0.3:
            assessments.append({"kind": "term_end", "year_no": max(years - 1, 1), "grade": choice(grades)})
        cases.append({
            "as_of": as_of.isoformat(),
            "person": {
                "unit_level": choice(["township", "county", "county", "city", "province"]),
                "title_level": choice(["none", "junior", "intermediate", "intermediate", "deputy_senior", "senior"]),
                "licenses": choice([[], [], ["practising_physician"], ["nurse"], ["teacher_certificate"]]),
            },
            "placement": placement,
            "assessments": assessments,
        })
    return cases


def load_lijiang(embedded: bool):
    path = ROOT / "policy_packs" / "lijiang.json"
    if not embedded and path.is_file():
        loaded = load_pack(path)
        errors = check_pack(loaded.pack, run_tests=False) if loaded.pack is not None else loaded.errors
        if not errors and PROGRAM in {p["id"] for p in loaded.pack.get("programs", [])}:
            return compile_pack(loaded.pack), str(path.relative_to(ROOT))
        print(f"policy_packs/lijiang.json does not check ({len(errors)} errors); using the embedded pack", file=sys.stderr)
    return compile_pack(EMBEDDED), "embedded pack"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--embedded", action="store_true", help="use the embedded pack even if lijiang.json exists")
    args = parser.parse_args(argv)

    compiled, source = load_lijiang(args.embedded)
    cases = make_cases(args.cases, args.seed)
    gc.collect()
    gc.freeze()  # the 100,000 input dicts are not garbage: keep the collector from rescanning them on either side

    # Time each pair over the same chunks, alternating, in CPU time of this process, so that the machine's
    # other load weighs on both alike; each pair is checked to agree case by case.
    runs = {
        "payments": (lambda chunk: evaluate_batch(compiled, PROGRAM, chunk), hand_payments),
        "totals": (lambda chunk: evaluate_batch(compiled, PROGRAM, chunk, totals_only=True), hand_totals),
    }
    clock = time.process_time
    seconds = {name: [0.0, 0.0] for name in runs}
    mismatches = 0
    for name, (engine, hand) in runs.items():
        engine(cases[:100])  # warm up
        [hand(c) for c in cases[:100]]
        for lo in range(0, len(cases), CHUNK):
            chunk = cases[lo:lo + CHUNK]
            t0 = clock()
            got = engine(chunk)
            t1 = clock()
            want = [hand(c) for c in chunk]
            t2 = clock()
            seconds[name][0] += t1 - t0
            seconds[name][1] += t2 - t1
            for n, (g, w) in enumerate(zip(got, want, strict=True)):
                if _as_hand(name, g) != w:
                    mismatches += 1
                    if mismatches <= 3:
                        print(f"{name}: case {lo + n} differs: engine {g}; hand-written {w}", file=sys.stderr)
                        print(f"  why not: {evaluate(compiled, PROGRAM, chunk[n])['failed_rules']}", file=sys.stderr)

    totals = [hand_totals(c) for c in cases]
    print(f"pack: {source}; {len(cases)} cases, {sum(t[0] for t in totals)} eligible, "
          f"{sum(t[1] for t in totals) / 100:,.2f} yuan in total")
    for name, (engine_s, hand_s) in seconds.items():
        engine_rate, hand_rate = len(cases) / engine_s, len(cases) / hand_s
        print(f"{name:>8}: engine {engine_rate:10,.0f} cases/s ({engine_s:.2f} s CPU)   "
              f"hand-written {hand_rate:10,.0f} cases/s ({hand_s:.2f} s CPU)   ratio {hand_rate / engine_rate:.2f}× (goal ≤ 2×)")
    assert mismatches == 0, f"{mismatches} cases differ between the engine and the hand-written rule"
    return 0


def _as_hand(name: str, result) -> tuple:
    """An engine result in the shape of the hand-written function's."""
    if name == "payments":
        return result.eligible is True, [tuple(p) for p in result.payments], result.total_fen
    return result.eligible is True, result.total_fen


if __name__ == "__main__":
    sys.exit(main())
