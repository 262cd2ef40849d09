"""safe_cell(): no cell of an export can start a spreadsheet formula (property-based)."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.security.csvsafe import FORMULA_STARTS, HARMLESS, csv_text, safe_cell

# No time limit per example: a busy test machine must not turn a slow run into a failure.
untimed = settings(deadline=None, max_examples=300)

dangerous = st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text())


@untimed
@given(st.text())
def test_no_cell_starts_with_a_formula_character(value):
    cell = safe_cell(value)
    assert not cell.startswith(FORMULA_STARTS) or HARMLESS.fullmatch(cell)


@untimed
@given(st.text())
def test_the_value_is_kept_after_the_guard(value):
    cell = safe_cell(value)
    assert cell == value or cell == "'" + value


@untimed
@given(dangerous.filter(lambda v: not HARMLESS.fullmatch(v)))
def test_formula_like_values_get_a_leading_apostrophe(value):
    assert safe_cell(value) == "'" + value


@untimed
@given(st.from_regex(HARMLESS, fullmatch=True))
def test_phone_numbers_and_plain_numbers_are_left_alone(value):
    assert safe_cell(value) == value


@untimed
@given(st.text().filter(lambda v: not v.startswith(FORMULA_STARTS)))
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value


@untimed
@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), min_size=1, max_size=5))
def test_a_whole_csv_reads_back_with_every_cell_safe(rows):
    text = csv_text(["a"], rows, delimiter=",")
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert parsed[0] == ["a"]
    for cell in (cell for row in parsed[1:] for cell in row):
        assert not cell.startswith(FORMULA_STARTS) or HARMLESS.fullmatch(cell)


def test_examples():
    assert safe_cell("=1+2") == "'=1+2"
    assert safe_cell("+7 700 555 1000") == "+7 700 555 1000"  # a phone: no formula (B10)
    assert safe_cell("+7 (701) 014-16-83") == "+7 (701) 014-16-83"
    assert safe_cell("-1") == "-1"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("+7 701 cmd|' /C calc'!A0") == "'+7 701 cmd|' /C calc'!A0"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell("\rcmd") == "'\rcmd"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(None) == ""
    assert safe_cell(42) == "42"
