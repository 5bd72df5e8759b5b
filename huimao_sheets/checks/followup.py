"""``overdue_followup``: a client whose follow-up is late (DESIGN §5), one finding per client.

As of date D, a client's due date is the latest 下次跟进日期 set on its register row or on its most
recent visit; it is overdue when that date is before D and no visit happened on or after it. A client
rated A/B/C is also overdue when its last visit is older than the rating's cadence (A 14, B 30, C 60
days by default; D none). The earlier of the two reasons is reported, with its due date and days late.
Days are calendar days, or working days on China's official calendar when configured.
"""

from __future__ import annotations

from datetime import date

from huimao_sheets.checks.collisions import day_counter
from huimao_sheets.checks.common import client_label, client_owner
from huimao_sheets.config import Settings
from huimao_sheets.findings import Finding, message
from huimao_sheets.model import Register

REASONS = {
    "followup_date": {"zh": "下次跟进日期已过", "en": "the next follow-up date has passed"},
    "cadence": {"zh": "{rating}类客户应每{days}天跟进一次", "en": "rating {rating} clients are followed up every {days} days"},
}


def overdue_followup(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    counter = day_counter(settings)
    cadence = settings.checks.cadence_days
    sheet = register.sheet_titles["clients"]
    language = settings.language

    # Per client: the date of its last visit, and the latest 下次跟进日期 set by a visit on that date
    # (two visits on one day: the later follow-up date counts, whatever their row order).
    last_visit: dict[int, tuple[date, date | None]] = {}
    for v in register.visits:
        if v.client is None or not isinstance(v.visit_date, date) or v.visit_date > as_of:
            continue  # a visit dated after D has not happened yet
        key = id(v.client)
        follow = v.next_followup if isinstance(v.next_followup, date) else None
        current = last_visit.get(key)
        if current is None or v.visit_date > current[0]:
            last_visit[key] = (v.visit_date, follow)
        elif v.visit_date == current[0] and follow and (current[1] is None or follow > current[1]):
            last_visit[key] = (v.visit_date, follow)

    findings = []
    for client in register.clients:
        last_date, last_follow = last_visit.get(id(client), (None, None))
        reasons: list[tuple[date, str]] = []

        set_dates = [d for d in (client.next_followup, last_follow) if isinstance(d, date)]
        if set_dates:
            due = max(set_dates)
            if due < as_of and (last_date is None or last_date < due):
                reasons.append((due, "followup_date"))

        days = cadence.get(client.rating) if isinstance(client.rating, str) else None
        if days and last_date is not None:
            due = counter.add(last_date, days)
            if due < as_of:
                reasons.append((due, "cadence"))

        if not reasons:
            continue
        due, reason = min(reasons)
        late = counter.between(due, as_of)
        reason_text = REASONS[reason][language].format(rating=client.rating, days=days)
        findings.append(Finding(
            code="overdue_followup", sheet=sheet, rows=[client.row], column=None,
            client_ids=[client.client_id] if client.client_id else [],
            staff=[client.account_manager] if client.account_manager else [],
            owner=client_owner(register, client),
            message=message("overdue_followup", language, client=client_label(client), due=due.isoformat(),
                            days=late, reason=reason_text),
            details={"reason": reason, "due": due.isoformat(), "days_late": late,
                     "last_visit": last_date.isoformat() if last_date else None},
        ))
    return findings
