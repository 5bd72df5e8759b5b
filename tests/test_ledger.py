"""The ledger (SQLite in the state folder): a message goes out at most once per (kind, period, recipient),
a refused one is queued again or dead, one left sending by a process that is gone is queued again; first-seen dates of findings
survive runs and row insertions; job runs are recorded for the scheduler."""

import socket
import subprocess
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from huimao_sheets.findings import Finding
from huimao_sheets.ledger import LEDGER_FILE, Ledger, finding_fingerprint

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
KEY = ("weekly-person", "2026-W48", "zhangwei@huimao.cn")
OTHER = ("weekly-person", "2026-W48", "lina@huimao.cn")


def queue(ledger, key=KEY, body=b"first"):
    return ledger.enqueue(key, "report@huimao.cn", "subject", body, NOW)


def test_a_message_moves_from_queued_to_sending_to_sent(tmp_path):
    with Ledger.in_state_dir(tmp_path) as ledger:
        assert queue(ledger) == "queued"
        assert [r.key for r in ledger.queued()] == [KEY]
        assert ledger.claim(KEY) is True
        assert ledger.mail_status(KEY) == "sending" and ledger.queued() == []
        ledger.mark_sent(KEY, NOW)
        row = ledger.mail()[0]
        assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW.isoformat())
    assert (tmp_path / LEDGER_FILE).exists()


def test_queueing_a_sent_message_again_changes_nothing(tmp_path):
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger)
        ledger.claim(KEY)
        ledger.mark_sent(KEY, NOW)
        assert queue(ledger, body=b"second") == "sent"
        assert ledger.queued() == [] and ledger.mail()[0].message == b"first"


def test_a_message_still_queued_is_replaced_by_the_fresher_rendering(tmp_path):
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger)
        queue(ledger, body=b"second")
        assert [r.message for r in ledger.queued()] == [b"second"]


def test_only_one_process_can_claim_a_message(tmp_path):
    with Ledger.in_state_dir(tmp_path) as first, Ledger.in_state_dir(tmp_path) as second:
        queue(first)
        assert first.claim(KEY) is True
        assert second.claim(KEY) is False


def test_a_released_message_is_queued_again_with_the_reason(tmp_path):
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger)
        ledger.claim(KEY)
        ledger.release(KEY, "550 mailbox unavailable")
        [row] = ledger.queued()
        assert (row.status, row.attempts, row.last_error) == ("queued", 1, "550 mailbox unavailable")


def test_a_message_left_sending_by_a_process_that_is_gone_is_queued_again(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    host = socket.gethostname()
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger)
        queue(ledger, OTHER)
        ledger.claim(KEY, NOW, owner=f"{host}:{gone.pid}")   # the process died here, handing the message over
        ledger.claim(OTHER, NOW, owner=f"{host}:1")          # a live process is sending this one
    with Ledger.in_state_dir(tmp_path) as ledger:
        assert [r.key for r in ledger.recover(NOW)] == [KEY]
        assert [r.key for r in ledger.queued()] == [KEY] and [r.key for r in ledger.unconfirmed()] == [OTHER]
        assert [r.key for r in ledger.recover(NOW + timedelta(hours=2))] == [OTHER], "a claim an hour old is stale"


def test_a_dead_letter_is_never_queued_again_unless_an_admin_requeues_it(tmp_path):
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger)
        ledger.claim(KEY, NOW)
        ledger.bury(KEY, "550 no such user", NOW)
        assert queue(ledger, body=b"again") == "dead" and ledger.queued() == []
        [dead] = ledger.dead_letters()
        assert (dead.key, dead.last_error, dead.dead_at, dead.attempts) == (KEY, "550 no such user", NOW.isoformat(), 1)
        assert ledger.requeue(KEY) is True
        [row] = ledger.queued()
        assert (row.key, row.attempts, row.dead_at, row.message) == (KEY, 0, None, b"first")


def test_an_older_ledger_gets_the_new_columns_and_its_stuck_sending_message_goes_again(tmp_path):
    import sqlite3

    db = sqlite3.connect(tmp_path / LEDGER_FILE)
    db.execute("CREATE TABLE mail (kind TEXT NOT NULL, period TEXT NOT NULL, recipient TEXT NOT NULL, "
               "status TEXT NOT NULL, sender TEXT NOT NULL, subject TEXT NOT NULL, message BLOB NOT NULL, "
               "queued_at TEXT NOT NULL, sent_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, "
               "PRIMARY KEY (kind, period, recipient))")
    db.execute("INSERT INTO mail VALUES ('weekly-person', '2026-W48', 'zhangwei@huimao.cn', 'sending', 'r@h', 's', "
               "x'00', '2026-11-30T08:00:00+08:00', NULL, 1, NULL)")
    db.commit()
    db.close()
    with Ledger.in_state_dir(tmp_path) as ledger:
        assert [r.key for r in ledger.recover(NOW)] == [("weekly-person", "2026-W48", "zhangwei@huimao.cn")]
        assert [r.status for r in ledger.queued()] == ["queued"] and ledger.unconfirmed() == []


def test_a_readonly_ledger_never_creates_the_file(tmp_path):
    with Ledger.in_state_dir(tmp_path / "state", readonly=True) as ledger:
        assert ledger.queued() == [] and ledger.first_seen(["x"]) == {}
    assert not (tmp_path / "state").exists()


def finding(code="missing_required", rows=(5,), client_ids=("KH0001",), column="负责人手机", **details):
    return Finding(code=code, sheet="客户档案", rows=list(rows), column=column, message="m",
                   client_ids=list(client_ids), details=details)


def test_first_seen_dates_survive_runs(tmp_path):
    a, b = finding(rows=[5]), finding(rows=[9], client_ids=["KH0002"])
    with Ledger.in_state_dir(tmp_path) as ledger:
        assert ledger.observe([a], date(2026, 11, 23)) == {finding_fingerprint(a): date(2026, 11, 23)}
    with Ledger.in_state_dir(tmp_path) as ledger:
        seen = ledger.observe([a, b], date(2026, 11, 30))
    assert seen == {finding_fingerprint(a): date(2026, 11, 23), finding_fingerprint(b): date(2026, 11, 30)}


def test_a_fixed_finding_is_closed_and_counts_afresh_when_it_comes_back(tmp_path):
    a, b = finding(rows=[5]), finding(rows=[9])
    with Ledger.in_state_dir(tmp_path) as ledger:
        ledger.observe([a, b], date(2026, 11, 2))
        ledger.observe([b], date(2026, 11, 9))        # a was fixed
        assert ledger.first_seen([finding_fingerprint(a)]) == {}
        seen = ledger.observe([a, b], date(2026, 11, 16))
    assert seen[finding_fingerprint(a)] == date(2026, 11, 16)
    assert seen[finding_fingerprint(b)] == date(2026, 11, 2)


def test_a_back_dated_run_closes_nothing_that_a_later_run_saw(tmp_path):
    a, b = finding(rows=[5]), finding(rows=[9])
    with Ledger.in_state_dir(tmp_path) as ledger:
        ledger.observe([a, b], date(2026, 11, 30))
        ledger.observe([a], date(2026, 11, 20))
        assert set(ledger.first_seen([finding_fingerprint(a), finding_fingerprint(b)]).values()) == {
            date(2026, 11, 20), date(2026, 11, 30)}


def test_a_client_level_finding_keeps_its_identity_when_rows_move():
    before = finding("overdue_followup", rows=[12], column=None, due="2026-11-01")
    after = finding("overdue_followup", rows=[13], column=None, due="2026-11-01")
    new_episode = finding("overdue_followup", rows=[13], column=None, due="2026-12-01")
    assert finding_fingerprint(before) == finding_fingerprint(after)
    assert finding_fingerprint(before) != finding_fingerprint(new_episode)


def test_cell_findings_are_told_apart_by_row_and_column():
    assert finding_fingerprint(finding(rows=[5])) != finding_fingerprint(finding(rows=[6]))
    assert finding_fingerprint(finding(column="地址")) != finding_fingerprint(finding(column="行业"))
    assert finding_fingerprint(finding(code="invalid_phone")) != finding_fingerprint(finding())


def test_job_runs_are_recorded_for_the_scheduler(tmp_path):
    with Ledger.in_state_dir(tmp_path) as ledger:
        assert ledger.last_run("weekly-report", "2026-W48") is None
        run_id = ledger.start_run("weekly-report", "2026-W48", NOW)
        assert ledger.last_run("weekly-report", "2026-W48").status == "running"
        ledger.finish_run(run_id, "ok", NOW, "sent 9")
        other = ledger.start_run("daily-check", "2026-11-30", NOW)
        last = ledger.last_run("weekly-report")
        assert (last.id, last.period, last.status, last.summary) == (run_id, "2026-W48", "ok", "sent 9")
        assert [r.id for r in ledger.runs()] == [run_id, other]
