"""The row: one case's facts in a flat list, so compiled rules read `row[i]` instead of looking names up.

Each program numbers the facts it reads; the first slots are fixed (as_of, today, the raw input and its
sections). The traced path (`evaluate`) fills every slot from validated facts. The batch path starts every
fact slot UNSET and fills it on first read through `loads[i]`, so a case that fails its first criterion
never pays for parsing dates or assessments, just as hand-written code would not.
"""

from __future__ import annotations

from collections.abc import Callable

AS_OF, TODAY, CASE, PERSON, PLACEMENT = range(5)
RESERVED = ("@as_of", "@today", "@case", "@person", "@placement")
ATTEST_PREFIX = "@attest:"


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def get(row: list, i: int, loads: list) -> object:
    """Slot `i` of a row, loading it first if it is still UNSET."""
    value = row[i]
    return loads[i](row) if value is UNSET else value


class Slots:
    """Allocates row positions for fact names and attestation keys, in first-use order.

    `loads[i]` (filled once the program is compiled) computes slot i of a batch row from the raw input,
    stores it in the row and returns it.
    """

    def __init__(self) -> None:
        self.names: list[str] = list(RESERVED)
        self.index: dict[str, int] = {name: i for i, name in enumerate(RESERVED)}
        self.loads: list[Callable[[list], object]] = []

    def fact(self, name: str) -> int:
        if name not in self.index:
            self.index[name] = len(self.names)
            self.names.append(name)
        return self.index[name]

    def attestation(self, key: str) -> int:
        return self.fact(ATTEST_PREFIX + key)

    def __len__(self) -> int:
        return len(self.names)
