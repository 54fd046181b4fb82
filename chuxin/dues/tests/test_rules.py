"""The brackets at every edge, against amounts worked out by hand (the base times the bracket's rate, half up)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chuxin.dues.rules import Kind, monthly_amount

D = Decimal


@pytest.mark.parametrize(("kind", "base", "amount"), [
    ("employed", "0.00", "0.00"),
    ("employed", "2999.99", "15.00"),  # 14.99995 -> 15.00 half up
    ("employed", "3000.00", "15.00"),  # 0.5 %, the upper bound inclusive
    ("employed", "3000.01", "30.00"),  # 1 % on the whole base: 30.0001
    ("employed", "5000.00", "50.00"),
    ("employed", "5000.01", "75.00"),  # 1.5 %: 75.00015
    ("employed", "10000.00", "150.00"),
    ("employed", "10000.01", "200.00"),  # 2 %: 200.0002
    ("employed", "4321.50", "43.22"),  # 43.215 -> 43.22 half up
    ("retired", "5000.00", "25.00"),
    ("retired", "5000.01", "50.00"),  # 50.0001
    ("retired", "3333.30", "16.67"),  # 16.6665 -> 16.67
    ("student", "0", "0.20"),
    ("student", "8000", "0.20"),  # fixed whatever the base
    ("farmer", "0", "0.20"),
    ("farmer", "0.5", "0.50"),
    ("farmer", "3", "1.00"),
])
def test_amount_at_each_bracket_edge(kind, base, amount):
    assert monthly_amount(kind, D(base)) == D(amount)
    assert monthly_amount(kind, D(base)).as_tuple().exponent == -2  # to the fen


def test_a_negative_base_is_refused():
    with pytest.raises(ValueError):
        monthly_amount("employed", D("-0.01"))
    with pytest.raises(ValueError):
        monthly_amount("teacher", D("100"))


@given(kind=st.sampled_from(Kind.VALUES),
       a=st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False),
       b=st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False))
def test_the_amount_never_decreases_as_the_base_grows(kind, a, b):
    low, high = sorted((a, b))
    assert monthly_amount(kind, low) <= monthly_amount(kind, high)
