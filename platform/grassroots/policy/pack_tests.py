"""Step 3 of checking a pack: its worked examples (`tests`) must pass before it can be published.

Each example is evaluated with the engine; every expected key present must match. A difference becomes a
`test_failed` error at /tests/<i> saying what differed; an input the engine refuses is reported at the
pointer inside the example's input.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .compiler import CompiledPack
from .engine import evaluate
from .errors import EvaluationInputError, PackError, error, join
from .money import is_money, parse_money
from .outcomes import neutral
from .spec import OUTCOME_COMBINE


def _amount(value: Any) -> Decimal | Any:
    return parse_money(value) if is_money(value) else value


def _normal_outcomes(outcomes: Any) -> Any:
    """Outcomes in a comparable form: union lists as sets, funding without cites, amounts as Decimals."""
    if not isinstance(outcomes, dict):
        return outcomes
    out = {}
    for key, value in outcomes.items():
        mode = OUTCOME_COMBINE.get(key)
        if mode == "union" and isinstance(value, list):
            out[key] = frozenset(v for v in value if isinstance(v, str | int | float | bool))
        elif mode == "list" and isinstance(value, list):
            out[key] = [{k: _amount(v) for k, v in item.items() if k != "cite"} if isinstance(item, dict) else item for item in value]
        else:
            out[key] = value
    return out


def _show(value: Any) -> str:
    if isinstance(value, frozenset | set):
        value = sorted(value, key=str)
    return str(value)


def differences(expect: dict, answer: dict) -> list[tuple[str, str]]:
    """(zh, en) for each expected key whose value the answer does not match."""
    out: list[tuple[str, str]] = []

    def differ(key: str, want: Any, got: Any) -> None:
        out.append((f"{key}：期望 {_show(want)}，实际 {_show(got)}", f"{key}: expected {_show(want)}, got {_show(got)}"))

    failed = answer["failed_rules"]
    if "eligible" in expect and expect["eligible"] != answer["eligible"]:
        differ("eligible", expect["eligible"], answer["eligible"])
        if failed:
            out.append((f"未满足的规则：{', '.join(failed)}", f"failed rules: {', '.join(failed)}"))
    if "full_years" in expect and expect["full_years"] != answer["service"]["full_years"]:
        differ("full_years", expect["full_years"], answer["service"]["full_years"])
    if "payments" in expect:
        want, got = expect["payments"], answer["payments"]
        same = len(want) == len(got) and all(
            all(_amount(w[k]) == _amount(g.get(k)) for k in w) for w, g in zip(want, got, strict=True)
        )
        if not same:
            differ("payments", want, [{k: g[k] for k in ("component", "years", "due", "amount")} for g in got])
    if "total" in expect and _amount(expect["total"]) != _amount(answer["total"]):
        differ("total", expect["total"], answer["total"])
    if isinstance(expect.get("outcomes"), dict):  # key by key; an absent key has its neutral value
        want, got = _normal_outcomes(expect["outcomes"]), _normal_outcomes(answer["outcomes"])
        for key in want:
            have = got.get(key, _normal_outcomes({key: neutral(key)})[key] if key in OUTCOME_COMBINE else None)
            if want[key] != have:
                differ(f"outcomes.{key}", expect["outcomes"][key], answer["outcomes"].get(key))
    if "failed_rules" in expect and set(expect["failed_rules"]) != set(failed):
        differ("failed_rules", sorted(expect["failed_rules"]), sorted(failed))
    if "pending" in expect and set(expect["pending"]) != set(answer["pending"]):
        differ("pending", sorted(expect["pending"]), sorted(answer["pending"]))
    return out


def run_tests(tests: Any, compiled: CompiledPack) -> list[PackError]:
    """Errors of the pack's worked examples (tests of unknown programs are left to the semantic check)."""
    errors: list[PackError] = []
    for n, test in enumerate(tests if isinstance(tests, list) else []):
        at = f"/tests/{n}"
        if not isinstance(test, dict) or test.get("program") not in compiled.programs:
            continue
        case = {**test.get("input", {}), "as_of": test.get("as_of")}
        try:
            answer = evaluate(compiled, test["program"], case)
        except EvaluationInputError as exc:
            for e in exc.errors:
                path = join(at, "as_of") if e.path == "/as_of" else at + "/input" + e.path
                errors.append(PackError(path, e.code, e.message))
            continue
        diffs = differences(test.get("expect", {}), answer)
        if diffs:
            name = test.get("name", "")
            errors.append(error(at, "test_failed", f"测试“{name}”未通过：" + "；".join(zh for zh, _ in diffs),
                                f"test {name!r} failed: " + "; ".join(en for _, en in diffs)))
    return errors
