"""The week a report covers: the most recent complete ISO week (Monday–Sunday) before the as-of date."""

from datetime import date

import pytest

from huimao_sheets.errors import ConfigError
from huimao_sheets.timing import Week, parse_week, week_before


@pytest.mark.parametrize("as_of, week", [
    (date(2026, 11, 30), "2026-W48"),   # Monday: last week is complete
    (date(2026, 12, 6), "2026-W48"),    # Sunday: this week is not over yet
    (date(2026, 12, 7), "2026-W49"),
    (date(2026, 11, 27), "2026-W47"),   # a Friday
    (date(2026, 1, 5), "2026-W01"),     # 2026-W01 runs 2025-12-29 to 2026-01-04
    (date(2026, 1, 1), "2025-W52"),
])
def test_the_report_week_is_the_last_complete_iso_week(as_of, week):
    assert week_before(as_of).label == week


def test_a_week_knows_its_days_and_how_it_is_written():
    week = parse_week("2026-W48")
    assert (week.monday, week.sunday) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week.span() == "11/23–11/29" and week.label == "2026-W48"
    assert len(week.days) == 7 and week.contains(date(2026, 11, 29)) and not week.contains(date(2026, 11, 30))
    assert (week.shifted(-1).label, week.shifted(1).label) == ("2026-W47", "2026-W49")
    assert Week(2026, 1).monday == date(2025, 12, 29)


@pytest.mark.parametrize("text", ["2026W48", "2026-w48", " 2026-W8 "])
def test_week_spellings(text):
    assert parse_week(text).year == 2026


@pytest.mark.parametrize("text", ["2026-W54", "2026-W00", "2026-48", "W48", "", "2026-11-23"])
def test_a_bad_week_says_how_to_write_it(text):
    with pytest.raises(ConfigError, match="2026-W48"):
        parse_week(text)
