"""late_entry (DESIGN §5, discipline): the ledger remembers the day each visit was first seen, keyed by its
content; a visit first seen more than ``late_entry_days`` working days (default 2) after its 拜访日期 is late,
owner the 拜访人. The first run on a state folder records without flagging; no state folder, no finding."""

from datetime import date

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.ledger import Ledger
from workbooks import client, make_workbook, visit

FIRST, SECOND = date(2026, 11, 25), date(2026, 11, 27)   # Wednesday, then Friday


def late(path, as_of, settings, **kw):
    _register, result = check(str(path), as_of, settings, only=["late_entry"], **kw)
    return result.findings


def test_a_second_run_flags_the_visit_entered_a_week_late_and_not_yesterdays(tmp_path):
    settings = Settings(state_dir=str(tmp_path / "state"))
    old = visit(拜访日期=date(2026, 10, 9), 拜访人="李娜")    # already in the log at the first run
    path = make_workbook(tmp_path, visits=[old])
    assert late(path, FIRST, settings, use_state=True) == [], "the first run records without flagging"

    # two days later the workbook has gained a visit dated a week earlier (above the old one: rows move)
    # and one dated yesterday
    week_ago = visit(拜访日期=date(2026, 11, 20), 拜访方式="电话")
    yesterday = visit(拜访日期=date(2026, 11, 26))
    path = make_workbook(tmp_path, visits=[week_ago, old, yesterday])
    [found] = late(path, SECOND, settings, use_state=True)
    assert (found.sheet, found.rows, found.column, found.owner, found.client_ids) == (
        "拜访记录", [2], None, "张伟", ["KH0001"])
    assert found.message == "拜访记录第2行：2026-11-20的拜访到2026-11-27才录入，晚了5个工作日（应在2个工作日内录入）"
    assert found.details == {"visit_date": "2026-11-20", "first_seen": "2026-11-27", "working_days": 5}

    # the next run sees it as first seen on 11-27 still, and a week after that it is no longer reported
    assert [f.rows for f in late(path, date(2026, 11, 30), settings, use_state=True)] == [[2]]
    assert late(path, date(2026, 12, 5), settings, use_state=True) == []


def test_two_working_days_are_on_time_and_weekends_do_not_count(tmp_path):
    settings = Settings(state_dir=str(tmp_path / "state"))
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 1))])
    late(path, FIRST, settings, use_state=True)
    # Friday 11-20 entered on Tuesday 11-24 is 2 working days; Thursday 11-19 is 3
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 20)), visit(拜访日期=date(2026, 11, 19))])
    assert [f.rows for f in late(path, date(2026, 11, 24), settings, use_state=True)] == [[3]]


def test_without_a_state_folder_it_is_never_reported_and_nothing_is_written(tmp_path):
    settings = Settings(state_dir=str(tmp_path / "state"))
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 10, 1))])
    assert late(path, FIRST, settings) == [] and late(path, SECOND, settings) == []
    assert not (tmp_path / "state").exists()


def test_the_ledger_keys_visits_by_content(tmp_path):
    with Ledger(tmp_path / "l.sqlite3") as ledger:
        assert ledger.visits_seen() is None
        ledger.record_visits(["a"], FIRST)
        ledger.record_visits(["a", "b"], SECOND)
        ledger.record_visits(["b"], FIRST)   # a back-dated run moves the day earlier
        assert ledger.visits_seen() == {"a": None, "b": FIRST}


def test_run_records_the_visits_of_the_register(tmp_path):
    from huimao_sheets.jobs import load_jobs
    from huimao_sheets.runner import run_job
    from datetime import datetime
    from huimao_sheets.timing import TZ

    path = make_workbook(tmp_path, clients=[client()], visits=[visit(拜访日期=date(2026, 11, 1))])
    settings = Settings(source=str(path), state_dir=str(tmp_path / "state"), outbox_dir=str(tmp_path / "out"))
    job = next(j for j in load_jobs(settings) if j.name == "daily-check")
    run_job(job, settings, now=datetime(2026, 11, 25, 8, 0, tzinfo=TZ), as_of=FIRST, env={})
    path = make_workbook(tmp_path, clients=[client()], visits=[visit(拜访日期=date(2026, 11, 1)),
                                                                visit(拜访日期=date(2026, 11, 20))])
    run = run_job(job, settings, now=datetime(2026, 11, 27, 8, 0, tzinfo=TZ), as_of=SECOND, env={})
    assert [(f.rows, f.owner) for f in run.findings if f.code == "late_entry"] == [([3], "张伟")]
