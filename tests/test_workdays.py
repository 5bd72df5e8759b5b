"""Working days on China's official calendar, as python ``holidays`` knows it."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from huimao_sheets.workdays import WorkCalendar, china_calendar


@pytest.mark.parametrize("year", range(2020, 2031))
def test_chinas_calendar_loaded_from_its_own_module_is_holidays_own(year):
    ours, theirs = china_calendar()(years=year), holidays.country_holidays("CN", years=year)
    assert dict(ours) == dict(theirs)
    assert set(ours.weekend_workdays) == set(theirs.weekend_workdays)


def test_national_day_is_off_and_its_saturday_make_up_day_is_worked():
    calendar = WorkCalendar()
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert calendar.is_working_day(date(2026, 10, 10))        # a Saturday: 调休上班
    assert not calendar.is_working_day(date(2026, 10, 17))    # an ordinary Saturday
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 9)) == 2   # 10-08 and 10-09: the holiday ends 10-07


def test_a_company_day_off_is_no_working_day():
    assert not WorkCalendar(days_off=[date(2026, 12, 4)]).is_working_day(date(2026, 12, 4))
