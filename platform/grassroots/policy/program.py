"""One program of a pack, compiled: its row layout, eligibility, subsidies, outcomes and batch extractor.

Everything a case needs beyond its own facts is decided here once per pack version, so evaluating a case
is a row fill plus closure calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from .coercion import Invalid
from .criteria import Compiled, CriteriaCompiler, Fast
from .dates import anniversary
from .derived import DERIVED
from .errors import join
from .inputs import Facts, InputReader
from .money import parse_money, to_fen
from .outcomes import CompiledOutcome, combine, compile_outcome
from .schedule import Schedule, paid_years_count, passing_years, plan, voided_ends
from .slots import AS_OF, ATTEST_PREFIX, CASE, PERSON, PLACEMENT, RESERVED, TODAY, UNSET, Slots, get

START, FULL_YEARS, ASSESSMENTS = "placement.start_date", "placement.full_years", "assessments"
_SECTIONS = {"person": PERSON, "placement": PLACEMENT, "assessments": CASE}
_EMPTY: Mapping = {}


@dataclass(frozen=True, slots=True)
class CompiledSubsidy:
    component: str
    payer: str
    currency: str
    fen_per_year: int
    cite: dict
    when: Fast | None
    schedule: Schedule


class Payment(NamedTuple):
    """One payment due: the component, the service years it covers, its due date and amount in fen."""

    component: str
    years: tuple[int, ...]
    due: date
    amount_fen: int


_new = tuple.__new__  # NamedTuples without their Python-level __new__: a batch makes many


class CompiledProgram:
    """A program ready to evaluate: a row (`row_of` validated facts, or a `batch_template` copy filled lazily
    from raw input) → eligibility, payments, outcomes."""

    def __init__(self, spec: dict, path: str, pack: dict, reader: InputReader, offices: Mapping[str, Mapping]):
        self.id: str = spec["id"]
        self.kind: str = spec["kind"]
        self.spec = spec
        self.path = path
        self.slots = Slots()
        criteria = CriteriaCompiler(reader.vocabulary, self.slots, offices, reader.coercers, reader.area_tags)
        self.eligibility: Compiled = criteria.compile(spec["eligibility"], join(path, "eligibility"))
        components = {c["id"]: c for c in pack.get("subsidy_components", [])}
        self.subsidies = tuple(
            self._subsidy(s, components[s["component"]], criteria, join(path, "subsidies", n))
            for n, s in enumerate(spec.get("subsidies", []))
        )
        self.outcomes: tuple[CompiledOutcome, ...] = tuple(
            compile_outcome(o, join(path, "outcomes", n), criteria, self.slots) for n, o in enumerate(spec.get("outcomes", []))
        )
        self.start = self.slots.fact(START)
        self.full_years = self.slots.fact(FULL_YEARS)
        self.assessments = self.slots.fact(ASSESSMENTS)
        for name in list(self.slots.names):
            for source in DERIVED.get(name, ((), None))[0]:
                self.slots.fact(source)
        self.slots.loads[:] = _loaders(self.slots, reader)
        self.subsidy_of = {sub.component: sub for sub in self.subsidies}
        self.order = {sub.component: n for n, sub in enumerate(self.subsidies)}
        groups: dict[Schedule, list[CompiledSubsidy]] = {}
        for sub in self.subsidies:  # usually one group: a program's subsidies share their schedule
            groups.setdefault(sub.schedule, []).append(sub)
        self.groups = tuple((schedule, tuple(subs)) for schedule, subs in groups.items())

    @staticmethod
    def _subsidy(spec: dict, component: dict, criteria: CriteriaCompiler, path: str) -> CompiledSubsidy:
        when = criteria.compile(spec["when"], join(path, "when")).fast if "when" in spec else None
        return CompiledSubsidy(
            component=component["id"], payer=component["payer"], currency=component["currency"],
            fen_per_year=to_fen(parse_money(component["amount_per_year"])), cite=spec["cite"],
            when=when, schedule=Schedule.from_pack(spec["schedule"]),
        )

    def row_of(self, facts: Facts) -> list:
        """The complete row of a validated input (no slot left UNSET)."""
        values, attestations = facts.values, facts.attestations
        row = [None] * len(self.slots)
        for i, name in enumerate(self.slots.names):
            if name.startswith(ATTEST_PREFIX):
                row[i] = attestations.get(name[len(ATTEST_PREFIX):])
            elif i >= len(RESERVED):
                row[i] = values.get(name)
        row[AS_OF] = facts.as_of
        return row

    def batch_template(self, today: date) -> list:
        """An empty batch row: every slot UNSET but today's date; copy it for each case."""
        row: list = [UNSET] * len(self.slots)
        row[TODAY] = today
        return row

    def payments(self, row: list) -> tuple[list[Payment], int]:
        """Payments due to an eligible case, in due order, and their total in fen."""
        loads = self.slots.loads
        n, start = row[self.full_years], row[self.start]
        n = loads[self.full_years](row) if n is UNSET else n
        start = loads[self.start](row) if start is UNSET else start
        if n is None or start is None:
            return [], 0
        out: list[Payment] = []
        append = out.append
        total = 0
        for schedule, subs in self.groups:
            applicable = [sub for sub in subs if sub.when is None or sub.when(row) is True]
            if not applicable:
                continue
            marks = get(row, self.assessments, loads) if schedule.reads_assessments else None
            paid = passing_years(marks, schedule) if schedule.requires else None
            for years, year in plan(schedule, n, paid, voided_ends(marks, schedule)):
                when, count = anniversary(start, year), len(years)
                for sub in applicable:
                    amount = sub.fen_per_year * count
                    append(_new(Payment, (sub.component, years, when, amount)))
                    total += amount
        if len(self.groups) > 1:
            out.sort(key=lambda p: (p.due, self.order[p.component]))
        return out, total

    def total(self, row: list) -> int:
        """The total in fen of `payments(row)`, without listing the payments."""
        loads = self.slots.loads
        n, start = row[self.full_years], row[self.start]
        n = loads[self.full_years](row) if n is UNSET else n
        start = loads[self.start](row) if start is UNSET else start
        if n is None or start is None:
            return 0
        total = 0
        for schedule, subs in self.groups:
            fen = 0
            for sub in subs:
                if sub.when is None or sub.when(row) is True:
                    fen += sub.fen_per_year
            if fen:
                assessments = get(row, self.assessments, loads) if schedule.reads_assessments else None
                total += fen * paid_years_count(schedule, n, assessments)
        return total

    def outcomes_of(self, row: list) -> dict:
        return combine(self.outcomes, row)


def _loaders(slots: Slots, reader: InputReader) -> list[Callable[[list], Any]]:
    """For each slot, the function filling it in a batch row from the raw input (see slots.py).

    A bad value raises (Invalid, or TypeError/AttributeError on a malformed shape); the batch path then
    re-reads that case through the validating path to report it properly.
    """
    loads = slots.loads
    _as_of_coercer = reader.as_of_coercer

    def as_of(row: list) -> date:
        raw = row[CASE].get("as_of")
        value = row[TODAY] if raw is None else _as_of_coercer(raw)
        row[AS_OF] = value
        return value

    def reserved(row: list) -> Any:  # CASE, PERSON, PLACEMENT are set when the row is made
        raise Invalid("internal", "", "")

    def base(i: int, section: int, key: str, coerce: Callable) -> Callable[[list], Any]:
        def load(row: list) -> Any:
            raw = row[section].get(key)
            value = row[i] = None if raw is None else coerce(raw)
            return value
        return load

    def derived(i: int, sources: tuple[int, ...], compute: Callable, section: int, key: str, coerce: Callable) -> Callable[[list], Any]:
        """Computed from its sources when any is given (`get` inline: this runs for every eligible case)."""
        direct = base(i, section, key, coerce)
        if len(sources) > 2:
            def general(row: list) -> Any:
                args = [get(row, s, loads) for s in sources]
                value = compute(*args, get(row, AS_OF, loads)) if args.count(None) < len(args) else None
                if value is None:
                    return direct(row)
                row[i] = value
                return value
            return general
        j, k = (sources[0], sources[1]) if len(sources) == 2 else (sources[0], None)

        def load(row: list) -> Any:
            a = row[j]
            if a is UNSET:
                a = loads[j](row)
            b = None
            if k is not None:
                b = row[k]
                if b is UNSET:
                    b = loads[k](row)
            if a is None and b is None:  # no sources: a derived value given directly stands
                return direct(row)
            as_of = row[AS_OF]
            if as_of is UNSET:
                as_of = loads[AS_OF](row)
            value = compute(a, b, as_of) if k is not None else compute(a, as_of)
            if value is None:
                return direct(row)
            row[i] = value
            return value
        return load

    def attestation(i: int, key: str) -> Callable[[list], Any]:
        def load(row: list) -> Any:
            given = row[CASE].get("attestations") or _EMPTY
            value = given.get(key)
            if value is not None and value is not True and value is not False:
                raise Invalid("type_mismatch", "", "")
            row[i] = value
            return value
        return load

    out: list[Callable[[list], Any]] = [as_of, reserved, reserved, reserved, reserved]
    for i, name in enumerate(slots.names[len(RESERVED):], start=len(RESERVED)):
        if name.startswith(ATTEST_PREFIX):
            out.append(attestation(i, name[len(ATTEST_PREFIX):]))
            continue
        section, _, key = name.partition(".")
        where = (_SECTIONS[section], key or section)
        if name in DERIVED:
            sources, compute = DERIVED[name]
            out.append(derived(i, tuple(slots.index[s] for s in sources), compute, *where, reader.coercers[name]))
        else:
            out.append(base(i, *where, reader.coercers[name]))
    return out
