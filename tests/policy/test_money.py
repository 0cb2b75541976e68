"""Money: yuan strings in, Decimal and integer fen inside, never floats."""

from decimal import Decimal

import pytest

from grassroots.policy.money import (
    MoneyError,
    fen_to_str,
    format_money,
    from_fen,
    is_money,
    parse_money,
    to_fen,
)


@pytest.mark.parametrize(("text", "amount"), [("10000.00", "10000.00"), ("10000", "10000.00"), ("0.5", "0.50"), ("0", "0.00")])
def test_parse_money(text, amount):
    assert parse_money(text) == Decimal(amount)
    assert format_money(parse_money(text)) == amount


@pytest.mark.parametrize("value", [10000.0, 10000, True, None, "-1.00", "1.005", "1e4", " 10", "10,000", "１０"])
def test_parse_money_refuses_floats_numbers_negatives_and_fractions_of_a_fen(value):
    assert not is_money(value)
    with pytest.raises(MoneyError):
        parse_money(value)


def test_fen_round_trip():
    assert to_fen(Decimal("10000.00")) == 1_000_000
    assert to_fen(Decimal("0.01")) == 1
    assert from_fen(1_000_001) == Decimal("10000.01")
    assert fen_to_str(4_000_000) == "40000.00"
    assert fen_to_str(5) == "0.05"
    assert fen_to_str(-150) == "-1.50"


def test_to_fen_refuses_to_round_money_away():
    with pytest.raises(MoneyError):
        to_fen(Decimal("0.001"))
