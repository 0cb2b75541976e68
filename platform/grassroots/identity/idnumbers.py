"""Resident ID numbers (GB 11643-1999): checking, the facts they embed, and masking. Pure: no app, no DB.

A number is 6 digits of region (the first 2 a province code), 8 of birth date (YYYYMMDD), 3 of sequence
(the last odd for men) and a check character over the first 17 (weights below, "10X98765432"[sum % 11]).
`re.fullmatch`, never `re.match` with `$`, which accepts a trailing newline (SECURITY.md).

Errors are the platform's shape, `{"path", "code", "message": {"zh", "en"}}`, every one at once, and
never repeat the number itself (error bodies and logs must not carry it).
"""

from __future__ import annotations

import re
from datetime import date

from grassroots.china_time import china_today

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PATTERN = re.compile(r"\d{17}[\dX]", re.ASCII)
# Not 1900: GB 11643's own example (SECURITY.md) was born in 1880 and must pass. 1800 still refuses a
# mistyped century (0990, 1090).
EARLIEST_BIRTH = date(1800, 1, 1)
# GB/T 2260 province-level codes (71 Taiwan, 81 Hong Kong, 82 Macao).
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                       50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82})
MASK_FILL = "********"

MESSAGES: dict[str, tuple[str, str]] = {
    "id_format": ("身份证号码应为 18 位：前 17 位为数字，最后一位为数字或 X",
                  "An ID number has 18 characters: 17 digits, then a digit or X"),
    "id_checksum": ("身份证号码校验位不正确，请核对是否输错",
                    "The ID number's check character is wrong; please check for a typing error"),
    "id_birth_date": ("身份证号码中的出生日期无效（须为 1800 年以后、不晚于今天的真实日期）",
                      "The birth date in the ID number is not valid (a real date from 1800 to today)"),
    "id_region": ("身份证号码前两位不是有效的省级行政区划代码",
                  "The first two digits of the ID number are not a valid province code"),
}


def error(code: str, path: str = "/id_number") -> dict:
    zh, en = MESSAGES[code]
    return {"path": path, "code": code, "message": {"zh": zh, "en": en}}


def normalize(value: str) -> str:
    """Upper-case the check character (a lower-case x is common on forms); nothing else is changed."""
    return value.upper()


def _birth(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def check_id_number(value: object, path: str = "/id_number", today: date | None = None) -> list[dict]:
    """Every problem with `value` as a resident ID number ([] when valid). A lower-case x is accepted."""
    if not isinstance(value, str) or not PATTERN.fullmatch(normalize(value)):
        return [error("id_format", path)]
    number = normalize(value)
    errors = []
    if int(number[:2]) not in PROVINCES:
        errors.append(error("id_region", path))
    born = _birth(number)
    if born is None or born < EARLIEST_BIRTH or born > (today or china_today()):
        errors.append(error("id_birth_date", path))
    if number[17] != check_char(number[:17]):
        errors.append(error("id_checksum", path))
    return errors


def is_valid(value: object) -> bool:
    return not check_id_number(value)


def birth_date_of(number: str) -> date:
    """The embedded birth date; ValueError when there is none (check the number first)."""
    born = _birth(normalize(number)) if PATTERN.fullmatch(normalize(number)) else None
    if born is None:
        raise ValueError("not a resident ID number with a valid birth date")
    return born


def gender_of(number: str) -> str:
    """`male` when the 17th digit is odd, else `female` (the fact vocabulary's codes)."""
    if not PATTERN.fullmatch(normalize(number)):
        raise ValueError("not a resident ID number")
    return "male" if int(number[16]) % 2 else "female"


def mask(number: str) -> str:
    """First 6 and last 4 kept, the 8 birth-date digits hidden: 110105********002X.

    The hidden part is exactly the birth date, so a screen showing a masked number must not also show
    the full birth date (it would rebuild the number); ours show the age instead.
    """
    number = normalize(number)
    if len(number) != 18:
        return "*" * 18
    return number[:6] + MASK_FILL + number[-4:]
