"""Valid resident ID numbers made on demand (the check character computed), and the documented examples."""

from __future__ import annotations

from grassroots.identity.idnumbers import check_char

EXAMPLES = ("11010519491231002X", "440524188001010014")  # SECURITY.md


def number(seq: int = 1, born: str = "19900101", region: str = "530702") -> str:
    """A valid number: region (530702 is Lijiang's Gucheng district), birth date, sequence, check char.
    An odd sequence is a man, an even one a woman."""
    first17 = f"{region}{born}{seq % 1000:03d}"
    return first17 + check_char(first17)
