"""Evaluating a case against a program: the answer of the evaluation API (DESIGN § The evaluation API).

`evaluate` validates the input, traces every eligibility leaf with its citation and lays out the payments;
`evaluate_batch` runs the same compiled rules over many stored cases without building traces (impact of a
pack change on live cases, rosters), and a single case's full trace is recomputed with `evaluate`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from .compiler import CompiledPack, compile_pack
from .criteria import blamed
from .dates import china_today
from .errors import EvaluationInputError, PackError, error, pointer
from .money import fen_to_str
from .program import CompiledProgram, Payment
from .slots import CASE, PERSON, PLACEMENT

_EMPTY: dict = {}


class BatchResult(NamedTuple):
    """One case of a batch: eligible (True/False/None when pending), payments, total in fen."""

    eligible: bool | None
    payments: tuple[Payment, ...]
    total_fen: int


_new = tuple.__new__  # NamedTuples without their Python-level __new__: the batch path makes many
_NOTHING = {value: BatchResult(value, (), 0) for value in (True, False, None)}


def _program(compiled: CompiledPack, program_id: Any) -> CompiledProgram:
    program = compiled.programs.get(program_id) if isinstance(program_id, str) else None
    if program is None:
        raise EvaluationInputError([error("", "unknown_program", f"政策包中没有项目 {program_id!r}",
                                          f"the pack has no program {program_id!r}")])
    return program


def evaluate(pack: dict | CompiledPack, program_id: str, input: Any, pack_version: str | None = None,
             *, today: date | None = None) -> dict:
    """The full answer for one case: eligibility with every reason, service, payments, total, outcomes.

    `input` is `{"as_of", "person", "placement", "assessments", "attestations"}` (as_of defaults to
    `today`, else the current date). Raises EvaluationInputError (→ 422) listing every input problem, or
    for an unknown program; PackInvalidError when given a pack document that does not pass the checker.
    """
    compiled = compile_pack(pack)
    program = _program(compiled, program_id)
    facts = compiled.reader.read(input, today)
    row = program.row_of(facts)
    reasons: list[dict] = []
    trace = program.eligibility.traced(row, reasons)
    eligible = trace[0]
    payments, total = program.payments(row) if eligible is True else ([], 0)
    return {
        "program": program.id,
        "pack_version": pack_version or compiled.content_hash,
        "as_of": facts.as_of.isoformat(),
        "eligible": eligible,
        "failed_rules": blamed(trace),
        "pending": [r["rule"] for r in reasons if r["passed"] is None],
        "reasons": reasons,
        "service": {"full_years": row[program.full_years]},
        "payments": [
            {"component": p.component, "payer": sub.payer, "years": list(p.years), "due": p.due.isoformat(),
             "amount": fen_to_str(p.amount_fen), "currency": sub.currency, "cite": dict(sub.cite)}
            for p in payments for sub in (program.subsidy_of[p.component],)
        ],
        "total": fen_to_str(total),
        "currency": compiled.currency,
        "outcomes": program.outcomes_of(row) if eligible is True else {},
    }


def evaluate_batch(compiled: CompiledPack, program_id: str, inputs: Iterable[Any], *,
                   today: date | None = None, totals_only: bool = False) -> list[BatchResult]:
    """Eligibility, payments and total (in fen) for many cases, without traces.

    Facts are read lazily, only those the rules reach (a case failing its first criterion reads nothing
    else), so a stored case with a bad value in a fact the rules never read is not refused here, as it
    would be by `evaluate`. A case whose read facts are bad is re-read through the validating path and
    EvaluationInputError is raised with its errors, each path prefixed by the case's index
    (`/17/person/birth_date`). With `totals_only`, payments are not listed (always `()`), only totalled.
    """
    compiled = compile_pack(compiled)
    program = _program(compiled, program_id)
    eligibility, payments, total_of = program.eligibility.fast, program.payments, program.total
    has_subsidies = bool(program.subsidies)
    today = today or china_today()
    template = program.batch_template(today)
    out: list[BatchResult] = []
    append = out.append
    for n, case in enumerate(inputs):
        row = template.copy()
        try:
            row[CASE] = case
            person, placement = case.get("person"), case.get("placement")
            row[PERSON] = _EMPTY if person is None else person
            row[PLACEMENT] = _EMPTY if placement is None else placement
            eligible = eligibility(row)
            if eligible is True and has_subsidies and totals_only:
                append(_new(BatchResult, (True, (), total_of(row))))
            elif eligible is True and has_subsidies:
                due, total = payments(row)
                append(_new(BatchResult, (True, tuple(due), total)))
            else:
                append(_NOTHING[eligible])
        except Exception:  # a malformed case is reported through the validating path
            raise _batch_error(compiled, case, n, today) from None
    return out


def _batch_error(compiled: CompiledPack, case: Any, n: int, today: date) -> EvaluationInputError:
    try:
        compiled.reader.read(case, today)
    except EvaluationInputError as exc:
        errors = exc.errors
    else:  # the fast reader refused something the validating one accepts: say so rather than guess
        errors = [error("", "unreadable", "该案例无法批量读取", "this case cannot be read by the batch path")]
    return EvaluationInputError([PackError(pointer(n) + e.path, e.code, e.message) for e in errors])
