"""Delivery is at least once, against real SMTP servers (aiosmtpd) that misbehave the ways real ones do:
a connection dropped after the server has the message but before its final reply to DATA (sent again with
the next delivery: at most one duplicate, never a loss), 451 (tried again after a backoff, dead after
``MAX_ATTEMPTS``), 421 (the server closes: the rest waits), 550 (a dead letter, never tried again, listed
with the recipient's name); and a ``resend`` of any message of the ledger."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from huimao_sheets.config import Settings
from huimao_sheets.ledger import MAX_ATTEMPTS, Ledger
from huimao_sheets.mail import Mail, DeadLetter, dead_letters, enqueue, open_transport, resend, send_queued
from reports_helpers import NOW, Handler, Received, SmtpServer

SETTINGS = Settings(mail_from="慧茂周报 <report@huimao.cn>")
NAMES = {"a@huimao.cn": "张伟", "b@huimao.cn": "李娜", "c@huimao.cn": "周敏"}


@dataclass
class Scripted(Handler):
    """Answers each DATA with the next of ``answers``: "drop" (takes the message, then closes the connection
    without a reply), an SMTP reply such as "451 4.3.0 busy", or None (250)."""

    answers: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        answer = self.answers.pop(0) if self.answers else None
        if answer == "drop":
            with self.lock:
                self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
            server.transport.abort()
            return "250 OK"
        if answer is not None:
            return answer
        return await super().handle_DATA(server, session, envelope)


def queue(ledger, *addresses, kind="daily-digest", period="2026-11-30"):
    mails = [Mail(kind, period, NAMES[a], a, f"日报 {a}", "text", "<p>html</p>") for a in addresses]
    enqueue(ledger, mails, SETTINGS, NOW)


def deliver(ledger, server, at=NOW):
    return send_queued(ledger, open_transport(Settings(smtp=server.url), {}), lambda: at)


def to(server) -> list[str]:
    return [r.recipients[0] for r in server.received]


@pytest.fixture
def scripted():
    server = SmtpServer(Scripted()).start()
    yield server
    server.stop()


def test_a_connection_dropped_before_the_final_reply_to_data_is_not_sent_and_goes_again_next_time(tmp_path, scripted):
    scripted.handler.answers = [None, "drop"]
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn", "b@huimao.cn", "c@huimao.cn")
        first = deliver(ledger, scripted)
        assert [r.recipient for r in first.sent] == ["a@huimao.cn"]
        assert [r.recipient for r in first.unconfirmed] == ["b@huimao.cn"]
        assert [r.recipient for r in first.waiting] == ["c@huimao.cn"]
        assert first.undelivered == 2 and not first.ok and "连接中断" in first.error
        assert [r.recipient for r in ledger.queued()] == ["b@huimao.cn", "c@huimao.cn"], "nothing is left sending"
        second = deliver(ledger, scripted)
        assert second.ok and [r.recipient for r in second.sent] == ["b@huimao.cn", "c@huimao.cn"]
        assert {m.status for m in ledger.mail()} == {"sent"}
    # The server had b's message when the connection dropped: it arrives twice (RFC 5321 §6.1), nothing is lost.
    assert to(scripted) == ["a@huimao.cn", "b@huimao.cn", "b@huimao.cn", "c@huimao.cn"]


def test_451_is_tried_again_after_a_growing_backoff_and_is_dead_after_the_attempt_cap(tmp_path, scripted):
    scripted.handler.answers = ["451 4.3.0 busy"] * MAX_ATTEMPTS
    key = ("daily-digest", "2026-11-30", "a@huimao.cn")
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn")
        first = deliver(ledger, scripted)
        assert [(r.recipient, why) for r, why in first.refused] == [("a@huimao.cn", "451 4.3.0 busy")]
        [row] = ledger.queued()
        assert (row.attempts, row.not_before, row.last_error) == (1, (NOW + timedelta(minutes=5)).isoformat(),
                                                                  "451 4.3.0 busy")
        sessions = scripted.handler.sessions
        early = deliver(ledger, scripted, NOW + timedelta(minutes=4))
        assert [r.recipient for r in early.deferred] == ["a@huimao.cn"] and early.undelivered == 1
        assert scripted.handler.sessions == sessions, "no connection while the only message waits"
        at, waits = NOW, []
        for _ in range(MAX_ATTEMPTS - 1):      # each try at the moment its backoff ends
            retry_at = datetime.fromisoformat(ledger.queued()[0].not_before)
            waits.append(retry_at - at)
            at = retry_at
            done = deliver(ledger, scripted, at)
        assert waits == [timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=45), timedelta(hours=2)]
        assert ledger.queued() == [] and ledger.mail_status(key) == "dead"
        assert [(r.recipient, why) for r, why in done.dead] == [("a@huimao.cn", f"451 4.3.0 busy（已尝试 {MAX_ATTEMPTS} 次）")]
        assert deliver(ledger, scripted, at + timedelta(days=1)).sent == []
    assert to(scripted) == []


def test_the_backoff_grows_5_15_45_minutes_then_two_hours():
    from huimao_sheets.ledger import backoff

    assert [backoff(n) for n in (1, 2, 3, 4, 5)] == [timedelta(minutes=5), timedelta(minutes=15),
                                                    timedelta(minutes=45), timedelta(hours=2), timedelta(hours=2)]


def test_421_closes_the_connection_and_the_rest_waits_for_the_next_delivery(tmp_path, scripted):
    scripted.handler.answers = ["421 4.3.2 shutting down"]
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn", "b@huimao.cn")
        first = deliver(ledger, scripted)
        assert [r.recipient for r, _ in first.refused] == ["a@huimao.cn"]
        assert [r.recipient for r in first.waiting] == ["b@huimao.cn"] and "421 4.3.2 shutting down" in first.error
        assert deliver(ledger, scripted).sent[0].recipient == "b@huimao.cn"
        later = deliver(ledger, scripted, NOW + timedelta(minutes=5))
        assert [r.recipient for r in later.sent] == ["a@huimao.cn"]
    assert sorted(to(scripted)) == ["a@huimao.cn", "b@huimao.cn"]


def test_550_to_data_is_a_dead_letter_listed_with_name_kind_period_and_error(tmp_path, scripted):
    scripted.handler.answers = ["550 5.7.1 message rejected"]
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn", "b@huimao.cn")
        first = deliver(ledger, scripted)
        assert [(r.recipient, why) for r, why in first.dead] == [("a@huimao.cn", "550 5.7.1 message rejected")]
        assert [r.recipient for r in first.sent] == ["b@huimao.cn"] and first.undelivered == 1
        [letter] = dead_letters(ledger)
        assert letter == DeadLetter("a@huimao.cn", "张伟", "daily-digest", "2026-11-30", "550 5.7.1 message rejected",
                                    NOW.isoformat())
        assert deliver(ledger, scripted, NOW + timedelta(days=1)).ok, "a later delivery does not fail on it"


def test_resend_sends_a_sent_daily_digest_again_and_a_dead_letter_once_the_server_takes_it(tmp_path, scripted):
    settings = Settings(smtp=scripted.url, state_dir=str(tmp_path), mail_from=SETTINGS.mail_from)
    scripted.handler.refuse = {"b@huimao.cn"}
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn", "b@huimao.cn")
        queue(ledger, "a@huimao.cn", period="2026-12-01")
        deliver(ledger, scripted)
    again = resend(settings, to="张伟", kind="daily-digest", period="2026-11-30", now=lambda: NOW, env={})
    assert again.ok and [r.key for r in again.delivery.sent] == [("daily-digest", "2026-11-30", "a@huimao.cn")]
    scripted.handler.refuse = set()
    revived = resend(settings, to="b@huimao.cn", now=lambda: NOW, env={})
    assert revived.ok and [r.recipient for r in revived.delivery.sent] == ["b@huimao.cn"]
    with Ledger.in_state_dir(tmp_path) as ledger:
        assert dead_letters(ledger) == []
    assert to(scripted) == ["a@huimao.cn", "a@huimao.cn", "a@huimao.cn", "b@huimao.cn"]


def test_resend_without_a_period_names_the_messages_to_choose_from(tmp_path, scripted):
    settings = Settings(smtp=scripted.url, state_dir=str(tmp_path), mail_from=SETTINGS.mail_from)
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn")
        queue(ledger, "a@huimao.cn", period="2026-12-01")
    from huimao_sheets.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        resend(settings, to="张伟", now=lambda: NOW, env={})
    assert str(caught.value).startswith("发给 张伟 的邮件有 2 封，请用 --period（和 --kind）指定要重发哪一封。")
    with pytest.raises(ConfigError, match="状态库中没有发给 王经理 的邮件"):
        resend(settings, to="王经理", now=lambda: NOW, env={})
    assert to(scripted) == []
