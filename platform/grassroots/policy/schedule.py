"""When subsidy payments fall due and which service years they cover (pack-format.md § SUBSIDY).

With N full years served, nothing is due while N < F; the first payment covers years 1..F and falls due
on the F-th anniversary A(S, F); then one payment per further P full years (years k−P+1..k, due A(S, k)).
A year is paid only when some assessment of a `requires_passing` kind exists for it and none of them fails;
a year left out this way leaves its payment smaller, not void. A payment is void as a whole when an
assessment of a `void_on_failing` kind for its last year fails: Lijiang's term-end appraisal (期满考核鉴定)
judges the whole term, and 第十六条 gives 考核不合格者 no subsidy for it. Lijiang 第十四条、第十六条 are the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .coercion import AssessmentIndex, kinds_masks

# Full years a case can reach: dates run 1900–2199.
MAX_YEARS = 300


@dataclass(frozen=True, slots=True)
class Schedule:
    first_after: int  # F
    every: int  # P
    requires: frozenset[str]  # assessment kinds that must pass; empty: every full year is paid
    voids: frozenset[str] = frozenset()  # kinds whose failure at a payment's last year voids the payment
    blocks: tuple[tuple[tuple[int, ...], int], ...] = field(init=False, compare=False, repr=False)
    masks: tuple[int, int] = field(init=False, compare=False, repr=False)
    void_mask: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Every payment block once: (years 1..F, F), then (k−P+1..k, k); plans reuse these tuples."""
        ends = range(self.first_after + self.every, MAX_YEARS + 1, self.every)
        blocks = [(tuple(range(1, self.first_after + 1)), self.first_after)]
        blocks += [(tuple(range(k - self.every + 1, k + 1)), k) for k in ends]
        object.__setattr__(self, "blocks", tuple(blocks))
        object.__setattr__(self, "masks", kinds_masks(self.requires))
        object.__setattr__(self, "void_mask", kinds_masks(self.voids)[1])

    @classmethod
    def from_pack(cls, spec: dict) -> Schedule:
        return cls(
            spec["first_after_full_years"], spec.get("then_every_full_years", 1),
            frozenset(spec["requires_passing"]), frozenset(spec.get("void_on_failing", ())),
        )

    @property
    def reads_assessments(self) -> bool:
        return bool(self.requires or self.voids)

    def last_end(self, full_years: int) -> int:
        """The last service year covered by a payment due after `full_years` full years (0: none yet)."""
        if full_years < self.first_after:
            return 0
        return self.first_after + (full_years - self.first_after) // self.every * self.every


def passing_years(assessments: AssessmentIndex | None, schedule: Schedule) -> set[int]:
    """Years with at least one assessment of the schedule's kinds and no failing one among them."""
    passing, failing = schedule.masks
    return {year for year, bits in (assessments or {}).items() if bits & passing and not bits & failing}


def voided_ends(assessments: AssessmentIndex | None, schedule: Schedule) -> set[int]:
    """Years whose `void_on_failing` assessment failed: a payment ending in one of them is void."""
    mask = schedule.void_mask
    if not mask:
        return set()
    return {year for year, bits in (assessments or {}).items() if bits & mask}


def plan(
    schedule: Schedule, full_years: int, paid: set[int] | None, voided: set[int] | None = None
) -> list[tuple[tuple[int, ...], int]]:
    """The payments due after `full_years` full years: (years paid, the year whose anniversary is the due date).

    `paid`: the years that may be paid (passing_years of the schedule's kinds), or None when all may;
    `voided`: last years whose payment is void as a whole (voided_ends).
    """
    out = []
    for years, end in schedule.blocks:
        if end > full_years:
            break
        if voided and end in voided:
            continue
        if paid is not None:
            if len(years) == 1:
                if years[0] not in paid:
                    continue
            else:
                kept = [y for y in years if y in paid]
                if not kept:
                    continue
                if len(kept) < len(years):
                    years = tuple(kept)
        out.append((years, end))
    return out


def paid_years_count(schedule: Schedule, full_years: int, assessments: AssessmentIndex | None) -> int:
    """How many service years the payments due so far cover: what `plan` pays, counted without listing it."""
    last = schedule.last_end(full_years)
    if not schedule.reads_assessments or not last:
        return last
    if schedule.voids:
        paid = passing_years(assessments, schedule) if schedule.requires else None
        return sum(len(years) for years, _ in plan(schedule, full_years, paid, voided_ends(assessments, schedule)))
    passing, failing = schedule.masks
    return len([y for y, bits in (assessments or {}).items() if 0 < y <= last and bits & passing and not bits & failing])
