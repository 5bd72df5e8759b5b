"""No cell value makes a parser raise: whatever staff type becomes a value, a blank or Unreadable."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings, strategies as st

from huimao_sheets.layout import CHANNELS, RATINGS
from huimao_sheets.normalize import (
    Unreadable,
    clean_text,
    normalize_client_id,
    normalize_name,
    parse_choice,
    parse_date,
    parse_email,
    parse_mobile,
)
from huimao_sheets.register import register_from_tables
from huimao_sheets.config import Settings
from huimao_sheets.layout import CLIENTS, VISITS, STAFF
from huimao_sheets.sources import Table

cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet="0123456789-/.年月日 ：:０１２３４５６７８９＋+()（）", max_size=25),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
)
as_of_dates = st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31))


@settings(max_examples=400, deadline=None)
@given(cells, as_of_dates)
def test_date_parser_never_raises(cell, as_of):
    result = parse_date(cell, as_of)
    assert result is None or isinstance(result, (date, Unreadable))


@settings(max_examples=400, deadline=None)
@given(cells)
def test_other_parsers_never_raise(cell):
    assert parse_mobile(cell) is None or isinstance(parse_mobile(cell), (str, Unreadable))
    assert isinstance(parse_choice(cell, RATINGS), (str, Unreadable, type(None)))
    assert isinstance(parse_choice(cell, CHANNELS), (str, Unreadable, type(None)))
    assert isinstance(parse_email(cell), (str, Unreadable, type(None)))
    for f in (normalize_name, normalize_client_id, clean_text):
        assert isinstance(f(cell), (str, type(None)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cells, max_size=16), max_size=6))
def test_any_table_of_cells_reads_into_a_register(rows):
    tables = {
        "clients": Table(CLIENTS.title, [[f.header for f in CLIENTS.fields], *rows]),
        "visits": Table(VISITS.title, [[f.header for f in VISITS.fields], *rows]),
        "staff": Table(STAFF.title, [[f.header for f in STAFF.fields], *rows]),
    }
    register = register_from_tables("t.xlsx", tables, Settings(), date(2026, 11, 27))
    assert all(c.row >= 2 for c in register.clients)
