"""Who gets which weekly report, from the 员工 sheet (姓名, 邮箱, 角色, 所属部门, 上级).

- every 客户经理: their own week (``weekly-person``);
- every 部门经理: their department's roll-up followed by their own week, in one message
  (``weekly-department``; ``weekly-person`` for a 部门经理 without a 所属部门);
- the 市场总监 and each 市场总监助理: the company view (``weekly-company``).

So each person with an address gets exactly one message a week.

A person whose 邮箱 is blank, not one plain address, or the address of someone listed above them gets
nothing: that is the ``missing_email`` check (``checks.staff``), which shares this rule (``mail_roster``).
A person whose address the mail server refused for good (a dead letter) is a ``missing_email`` finding
too, for their 上级 (``bounced``); until the address on 员工 changes, the runner lists it in
``register.refused`` and that person is mailed as one without an address: they get nothing, and their
stand-in receives their mail on their behalf (``stand_ins``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from huimao_sheets.checks import sort_key
from huimao_sheets.checks.staff import mail_roster, missing_email_finding
from huimao_sheets.config import Settings
from huimao_sheets.findings import Finding
from huimao_sheets.layout import DEPARTMENT_MANAGER, DIRECTOR, DIRECTOR_ASSISTANT
from huimao_sheets.model import Register, Staff
from huimao_sheets.normalize import normalize_person, valid_address
from huimao_sheets.snapshot import Snapshot

PERSON, DEPARTMENT, COMPANY = "weekly-person", "weekly-department", "weekly-company"


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str
    role: str
    department: str | None
    row: int

    @property
    def kind(self) -> str:
        """The report this person receives."""
        if self.role == DEPARTMENT_MANAGER and self.department:
            return DEPARTMENT
        if self.role in (DIRECTOR, DIRECTOR_ASSISTANT):
            return COMPANY
        return PERSON


def _mailable(register: Register) -> tuple[list[tuple[Staff, str]], list[Staff]]:
    """``mail_roster``'s people with their own address whom the mail server has not refused for good
    (``register.refused``), and the others: those without an address, then those refused."""
    reachable, unreachable = mail_roster(register)
    refused = [member for member, address in reachable if address.lower() in register.refused]
    return ([(member, address) for member, address in reachable if address.lower() not in register.refused],
            [item.member for item in unreachable] + refused)


def recipients(register: Register) -> list[Recipient]:
    """The people who get a report, in sheet order: everyone of ``mail_roster`` with their own address that
    the mail server has not refused for good. The others are ``missing_email`` findings."""
    return [Recipient(member.name, address, member.role, member.department, member.row)
            for member, address in _mailable(register)[0]]


def stand_ins(register: Register) -> dict[str, str]:
    """Who receives the mail of a person nobody can mail (no valid 邮箱 of their own, or one the mail server
    refused for good): their 上级, else their department's 部门经理, else the 市场总监 — the first of them who
    can be mailed. Absent name → stand-in."""
    reachable, absent = _mailable(register)
    mailable = {member.name for member, _address in reachable}
    managers = {m.department: m.name for m, _a in reversed(reachable) if m.role == DEPARTMENT_MANAGER and m.department}
    director = next((m.name for m, _a in reachable if m.role == DIRECTOR), None)
    chosen = {}
    for member in absent:
        for candidate in (member.manager, managers.get(member.department), director):
            if candidate and candidate in mailable and candidate != member.name:
                chosen[member.name] = candidate
                break
    return chosen


def recipient_key(text: str) -> str:
    """A name as the register reads 员工 (``李　娜``, ``李娜 ``, ``張偉`` → ``李娜``, ``张伟``), an address case-folded."""
    text = text.strip()
    if "@" in text:
        return text.casefold()
    return normalize_person(text) or text
def bounced(register: Register, settings: Settings, letters: list) -> list[Finding]:
    """A ``missing_email`` finding, owned by their 上级, for each person whose current 邮箱 the mail server
    refused for good (``mail.dead_letters``: newest first): the address is probably mistyped or gone."""
    latest = {}
    for letter in letters:
        latest.setdefault(letter.address.lower(), letter)
    found = []
    for member in register.staff:
        address = valid_address(member.email)
        letter = latest.pop(address.lower(), None) if address else None
        if letter is None or not member.name:
            continue
        zh = settings.language == "zh"
        text = (f"员工第{member.row}行“{member.name}”的邮箱 {address} 被邮件服务器拒收（{letter.error}），"
                f"收不到邮件，请核对邮箱" if zh else
                f"Staff row {member.row}: the mail server refused “{member.name}”'s address {address} "
                f"({letter.error}); they get no mail, check the address")
        found.append(missing_email_finding(register, settings, member, text, {
            "value": address, "bounced": letter.error, "kind": letter.kind, "period": letter.period}))
    return found


def with_bounces(snapshot: Snapshot, settings: Settings, letters: list) -> Snapshot:
    """``snapshot`` as every run that mails sees it (the scheduler's jobs and ``report weekly`` alike): each
    person whose address bounced for good (``mail.dead_letters``) is a ``missing_email`` finding for their
    上级 (``bounced``; added when every check ran), and ``register.refused`` lists the address, so that they get
    no more mail — no run fails on it again — and their stand-in receives it until the address changes."""
    bounces = bounced(snapshot.register, settings, letters)
    snapshot.register.refused = frozenset(f.details["value"].lower() for f in bounces)
    if snapshot.complete and bounces:
        snapshot = replace(snapshot, findings=sorted(snapshot.findings + bounces, key=sort_key))
    return snapshot
