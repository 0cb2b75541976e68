"""GB 11643 checking, the embedded facts and masking (pure: no app, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from grassroots.identity.idnumbers import (
    birth_date_of,
    check_id_number,
    gender_of,
    is_valid,
    mask,
)
from tests.identity.helpers import EXAMPLES, number

TODAY = date(2026, 11, 23)


def codes(value, today=TODAY) -> list[str]:
    return [e["code"] for e in check_id_number(value, today=today)]


@pytest.mark.parametrize("value", EXAMPLES)
def test_the_documented_examples_are_valid(value):
    assert check_id_number(value, today=TODAY) == []


def test_a_lower_case_x_is_accepted_and_normalised():
    assert codes("11010519491231002x") == []
    assert mask("11010519491231002x") == "110105********002X"


@pytest.mark.parametrize("position", range(17))
def test_changing_any_one_digit_breaks_the_checksum(position):
    value = EXAMPLES[1]
    digit = str((int(value[position]) + 1) % 10)
    corrupted = value[:position] + digit + value[position + 1:]
    assert "id_checksum" in codes(corrupted)


@pytest.mark.parametrize("wrong", "0123456789")
def test_a_wrong_check_character_is_refused(wrong):
    assert codes("11010519491231002" + wrong) == ["id_checksum"]
    assert codes("44052418800101001" + "X") == ["id_checksum"]


@pytest.mark.parametrize("value", [
    EXAMPLES[0] + "\n", "\n" + EXAMPLES[0], EXAMPLES[0] + " ", EXAMPLES[0][:-1], EXAMPLES[0] + "1",
    "1101051949123100X2", "11010519491231002Ｘ", "１１0105194912310020", "", None, 110105194912310020,
    "11010519491231002\n",
])
def test_anything_but_17_digits_and_a_digit_or_x_is_a_format_error(value):
    assert codes(value) == ["id_format"]


def test_a_bad_embedded_birth_date_is_refused():
    first17 = "110105" + "19491331" + "002"
    from grassroots.identity.idnumbers import check_char

    assert codes(first17 + check_char(first17)) == ["id_birth_date"]
    assert codes(number(born="19000229")) == ["id_birth_date"]  # 1900 was not a leap year
    assert codes(number(born="17991231")) == ["id_birth_date"]  # a mistyped century
    assert codes(number(born="09901231")) == ["id_birth_date"]
    assert codes(number(born="18800101")) == []  # GB 11643's own example was born in 1880
    assert codes(number(born="20000229")) == []


def test_a_birth_date_in_the_future_is_refused():
    assert codes(number(born="20261124")) == ["id_birth_date"]
    assert codes(number(born="20261123")) == []
    assert "id_birth_date" in codes(number(born="20991231"), today=None)  # against China's today


def test_the_first_two_digits_must_be_a_province():
    assert codes(number(region="990101")) == ["id_region"]
    assert codes(number(region="100101")) == ["id_region"]
    assert codes(number(region="820000")) == []


def test_every_problem_is_reported_at_once_in_both_languages_without_the_number():
    first17 = "990105" + "19491331" + "002"
    errors = check_id_number(first17 + "0", today=TODAY)
    assert sorted(e["code"] for e in errors) == ["id_birth_date", "id_checksum", "id_region"]
    for e in errors:
        assert e["path"] == "/id_number"
        assert e["message"]["zh"] and e["message"]["en"]
        assert first17 not in str(e)


def test_birth_date_and_gender_come_from_the_number():
    assert birth_date_of(EXAMPLES[0]) == date(1949, 12, 31)
    assert gender_of(EXAMPLES[0]) == "female"  # 17th digit 2
    assert birth_date_of(EXAMPLES[1]) == date(1880, 1, 1)
    assert gender_of(EXAMPLES[1]) == "male"  # 17th digit 1
    with pytest.raises(ValueError):
        birth_date_of("123")


def test_mask_keeps_the_first_six_and_last_four():
    masked = mask(EXAMPLES[1])
    assert masked == "440524********0014"
    assert len(masked) == 18 and masked.count("*") == 8
    assert "18800101" not in masked  # the hidden part is exactly the birth date


def test_is_valid():
    assert is_valid(EXAMPLES[0]) and not is_valid(EXAMPLES[0] + "\n")
