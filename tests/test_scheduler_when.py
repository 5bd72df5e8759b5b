"""The ``when`` of a job as pure functions of a passed-in instant: parsing, slots on China's working days
(holidays, make-up working weekends, company days off), periods, and ``decide()`` — on time, caught up once
the same day until the limit, otherwise recorded as missed; never run twice for a period."""

from datetime import date, datetime, time, timedelta

import pytest

from huimao_sheets.ledger import Run
from huimao_sheets.scheduler import (
    BEFORE_FIRST_RUN,
    CATCH_UP,
    DONE,
    GAVE_UP,
    ON_TIME_RUN,
    RETRY,
    RETRY_LATER,
    RUN,
    SKIP,
    TOO_LATE,
    decide,
)
from huimao_sheets.ledger import MISSED
from huimao_sheets.timing import TZ, latest_slot, next_slot, parse_when, period_of, slots_on
from huimao_sheets.workdays import WorkCalendar

CN = WorkCalendar()
UNTIL = time(17, 30)
WORKDAYS = parse_when("workdays 08:00")
MONDAY = parse_when("monday 08:00")


def at(y, mo, d, h=8, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


# --- parsing --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind, at_, weekday, every, workdays_only", [
    ("workdays 08:00", "workdays", time(8), None, None, False),
    ("  Workdays   8:00 ", "workdays", time(8), None, None, False),
    ("工作日 08:00", "workdays", time(8), None, None, False),
    ("daily 07:30", "daily", time(7, 30), None, None, False),
    ("每天 07:30", "daily", time(7, 30), None, None, False),
    ("monday 08:00", "weekly", time(8), 0, None, False),
    ("Mon 08:00", "weekly", time(8), 0, None, False),
    ("周一 08:00", "weekly", time(8), 0, None, False),
    ("星期五 17:00", "weekly", time(17), 4, None, False),
    ("sunday 20:15", "weekly", time(20, 15), 6, None, False),
    ("every 2 hours", "interval", None, None, timedelta(hours=2), False),
    ("every 30 minutes", "interval", None, None, timedelta(minutes=30), False),
    ("workdays every 1 hour", "interval", None, None, timedelta(hours=1), True),
])
def test_the_forms_of_when(text, kind, at_, weekday, every, workdays_only):
    when = parse_when(text)
    assert (when.kind, when.at, when.weekday, when.every, when.workdays_only) == (kind, at_, weekday, every, workdays_only)


@pytest.mark.parametrize("text, message", [
    ("weekdays 08:00", "无法识别“weekdays 08:00”。可写成 \"workdays 08:00\"、\"monday 08:00\""),
    ("workdays 8am", "无法识别“workdays 8am”"),
    ("workdays 24:00", "“24:00”不是时刻，请写成 HH:MM"),
    ("monday 08:60", "“08:60”不是时刻"),
    ("every 2 minutes", "间隔“every 2 minutes”应在 5 分钟到 24 小时之间"),
    ("every 25 hours", "间隔“every 25 hours”应在 5 分钟到 24 小时之间"),
    ("", "无法识别“”"),
])
def test_a_bad_when_says_what_is_valid(text, message):
    with pytest.raises(ValueError) as exc:
        parse_when(text)
    assert message in str(exc.value)


def test_describe_reads_like_the_schedule():
    assert WORKDAYS.describe("zh") == "工作日 08:00"
    assert MONDAY.describe("en") == "Mondays 08:00 (on a day off, the week's next working day)"
    assert parse_when("every 30 minutes").describe("zh") == "每 30 分钟"
    assert parse_when("workdays every 2 hours").describe("en") == "every 2 hours on working days"


# --- slots on China's calendar ------------------------------------------------------------------------------

def test_nothing_is_scheduled_on_the_national_day_holiday():
    for day in range(1, 8):
        assert slots_on(WORKDAYS, date(2026, 10, day), CN) == []
        assert slots_on(MONDAY, date(2026, 10, day), CN) == []


def test_the_daily_job_runs_on_the_make_up_working_saturday():
    assert slots_on(WORKDAYS, date(2026, 10, 10), CN)[0].at == at(2026, 10, 10)   # 调休 Saturday
    assert slots_on(WORKDAYS, date(2026, 10, 11), CN) == []                     # an ordinary Sunday
    assert slots_on(WORKDAYS, date(2026, 9, 20), CN)[0].period == "2026-09-20"  # the Sunday before, also 调休


def test_a_holiday_monday_moves_the_weekly_run_to_the_weeks_first_working_day():
    # 2026-10-05 (Mon) to 10-07 are National Day holidays; Thursday 10-08 is the week's first working day.
    assert next_slot(MONDAY, at(2026, 10, 4, 12), CN).at == at(2026, 10, 8)
    assert next_slot(MONDAY, at(2026, 10, 4, 12), CN).period == "2026-W41"
    assert latest_slot(MONDAY, at(2026, 10, 7, 23), CN).at == at(2026, 9, 28)   # still the week before's
    # an ordinary week: Monday itself
    assert next_slot(MONDAY, at(2026, 11, 29, 12), CN).at == at(2026, 11, 30)


def test_a_week_whose_days_are_all_off_has_no_weekly_run():
    # Spring Festival 2026: Monday 02-16 to Sunday 02-22 are all off; the next run is Tuesday 02-24
    # (Monday 02-23 is still a holiday), in the following week.
    assert [s for d in range(16, 23) for s in slots_on(MONDAY, date(2026, 2, d), CN)] == []
    assert next_slot(MONDAY, at(2026, 2, 14), CN).at == at(2026, 2, 24)


def test_company_days_off_come_on_top_of_the_official_calendar():
    calendar = WorkCalendar([date(2026, 11, 30), date(2026, 12, 31)])
    assert slots_on(WORKDAYS, date(2026, 11, 30), calendar) == []
    assert next_slot(MONDAY, at(2026, 11, 29), calendar).at == at(2026, 12, 1)


def test_interval_slots_count_from_midnight():
    every = parse_when("every 7 hours")
    assert [s.at.hour for s in slots_on(every, date(2026, 11, 29), CN)] == [0, 7, 14, 21]
    assert latest_slot(every, at(2026, 11, 29, 13, 59), CN).period == "2026-11-29T07:00"
    on_workdays = parse_when("workdays every 2 hours")
    assert slots_on(on_workdays, date(2026, 11, 29), CN) == []                 # a Sunday
    assert len(slots_on(on_workdays, date(2026, 11, 30), CN)) == 12


def test_periods():
    assert period_of(WORKDAYS, at(2026, 11, 30, 14)) == "2026-11-30"
    assert period_of(MONDAY, at(2026, 12, 2, 9)) == "2026-W49"
    assert period_of(MONDAY, at(2027, 1, 1)) == "2026-W53"                     # ISO year
    assert period_of(parse_when("every 30 minutes"), at(2026, 11, 30, 10, 47)) == "2026-11-30T10:30"


# --- deciding ------------------------------------------------------------------------------------------------

def ran(runs: dict[str, str], started: dict[str, datetime] | None = None):
    """A ``last_run`` over a dict period → status (the ledger's answer, as plain data)."""
    started = started or {}

    def last_run(period):
        if period is None:
            if not runs:
                return None
            period = max(runs, key=lambda p: started.get(p, at(2026, 1, 1)))
        if period not in runs:
            return None
        when = started.get(period, at(2026, 1, 1))
        return Run(1, "job", period, when.isoformat(), None, runs[period], None)

    return last_run


def test_on_time_at_the_slot_and_within_a_quarter_of_an_hour():
    assert decide(WORKDAYS, at(2026, 11, 30, 8, 0), CN, ran({}), UNTIL).action == RUN
    d = decide(WORKDAYS, at(2026, 11, 30, 8, 15), CN, ran({}), UNTIL)
    assert (d.action, d.why, d.slot.period) == (RUN, ON_TIME_RUN, "2026-11-30")


def test_a_missed_monday_run_is_caught_up_that_afternoon_and_then_is_done():
    d = decide(MONDAY, at(2026, 11, 30, 14, 0), CN, ran({}), UNTIL)
    assert (d.action, d.why, d.slot.period) == (RUN, CATCH_UP, "2026-W49")
    d = decide(MONDAY, at(2026, 11, 30, 14, 1), CN, ran({"2026-W49": "ok"}), UNTIL)
    assert (d.action, d.why) == (SKIP, DONE)


def test_after_the_catch_up_limit_a_miss_is_recorded_not_run():
    d = decide(MONDAY, at(2026, 11, 30, 17, 31), CN, ran({}), UNTIL)
    assert (d.action, d.why, d.slot.period) == (MISSED, TOO_LATE, "2026-W49")
    assert decide(MONDAY, at(2026, 11, 30, 17, 30), CN, ran({}), UNTIL).action == RUN    # the limit itself
    assert decide(MONDAY, at(2026, 11, 30, 18, 0), CN, ran({}), time(19, 0)).action == RUN   # configured later
    since_november = date(2026, 11, 2)   # the ledger's first run (another job's): the scheduler was running
    d = decide(MONDAY, at(2026, 12, 1, 9, 0), CN, ran({}), UNTIL, since_november)         # the next day
    assert (d.action, d.slot.period) == (MISSED, "2026-W49")
    assert decide(MONDAY, at(2026, 12, 1, 9, 0), CN, ran({"2026-W49": "missed"}), UNTIL, since_november).why == DONE


def test_on_a_fresh_ledger_nothing_older_than_today_is_a_miss():
    # Monday 07:59, nothing recorded yet: Friday's daily slot and last Monday's weekly one are no misses.
    for when, period in ((WORKDAYS, "2026-11-27"), (MONDAY, "2026-W48")):
        d = decide(when, at(2026, 11, 30, 7, 59), CN, ran({}), UNTIL)
        assert (d.action, d.why, d.slot.period, d.older_missed) == (SKIP, BEFORE_FIRST_RUN, period, ())
    # Today's slot is still caught up until the limit, and missed after it.
    assert (decide(MONDAY, at(2026, 11, 30, 14, 0), CN, ran({}), UNTIL).why) == CATCH_UP
    assert (decide(MONDAY, at(2026, 11, 30, 18, 0), CN, ran({}), UNTIL).why) == TOO_LATE
    # First started on Tuesday: Monday's weekly slot stays no miss once the daily job has run that morning.
    d = decide(MONDAY, at(2026, 12, 1, 9, 0), CN, ran({}), UNTIL, first_day=date(2026, 12, 1))
    assert (d.action, d.why) == (SKIP, BEFORE_FIRST_RUN)


def test_nothing_is_due_on_the_national_day_holiday_once_the_day_before_ran():
    history = ran({"2026-09-30": "ok"})
    for day in range(1, 8):
        for hour in (8, 14):
            d = decide(WORKDAYS, at(2026, 10, day, hour), CN, history, UNTIL)
            assert (d.action, d.slot.period, d.older_missed) == (SKIP, "2026-09-30", ())


def test_days_the_scheduler_was_down_are_recorded_as_missed_not_replayed():
    # Last run Thursday 11-26; down until Monday 11-30 09:00: Friday's run is missed, Monday's caught up.
    history = ran({"2026-11-26": "ok"}, {"2026-11-26": at(2026, 11, 26, 8, 0)})
    d = decide(WORKDAYS, at(2026, 11, 30, 9, 0), CN, history, UNTIL)
    assert (d.action, d.slot.period) == (RUN, "2026-11-30")
    assert [s.period for s in d.older_missed] == ["2026-11-27"]


def test_a_job_that_never_ran_has_no_backlog():
    assert decide(WORKDAYS, at(2026, 11, 30, 9, 0), CN, ran({}), UNTIL).older_missed == ()


def test_a_failed_attempt_is_retried_half_an_hour_later_within_the_day():
    failed_at = {"2026-11-30": at(2026, 11, 30, 8, 0)}
    history = ran({"2026-11-30": "failed"}, failed_at)
    assert decide(WORKDAYS, at(2026, 11, 30, 8, 29), CN, history, UNTIL).why == RETRY_LATER
    d = decide(WORKDAYS, at(2026, 11, 30, 8, 30), CN, history, UNTIL)
    assert (d.action, d.why) == (RUN, RETRY)
    assert decide(WORKDAYS, at(2026, 11, 30, 18, 0), CN, history, UNTIL).why == GAVE_UP
    cut_off = ran({"2026-11-30": "running"}, failed_at)   # the process died in the middle
    assert decide(WORKDAYS, at(2026, 11, 30, 9, 0), CN, cut_off, UNTIL).why == RETRY


def test_an_interval_slot_is_caught_up_whatever_the_hour():
    every = parse_when("every 2 hours")
    d = decide(every, at(2026, 11, 30, 21, 50), CN, ran({}), UNTIL)
    assert (d.action, d.slot.period) == (RUN, "2026-11-30T20:00")
