"""Checks across rows: unknown clients and duplicate visit rows.

``unknown_client``  a visit or plan whose 客户编号 (when given) or 客户名称 matches no registered client
``duplicate_row``   the same visit entered more than once (identical after normalisation)
"""

from __future__ import annotations

import unicodedata
from datetime import date

from huimao_sheets.checks.common import header, record_owner
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import ERROR, Finding, join_rows
from huimao_sheets.layout import PLANS, VISITS
from huimao_sheets.model import Register


def unknown_client(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    findings = []
    for spec, records in ((VISITS, register.visits), (PLANS, register.plans)):
        sheet = register.sheet_titles[spec.key]
        for record in records:
            if record.client is not None or (record.client_id is None and record.client_name is None):
                continue  # resolved, or no client named at all (that is missing_required)
            key = "client_id" if record.client_id else "client_name"
            column = header(spec, key, settings)
            value = record.client_id or record.client_name
            findings.append(Finding(
                code="unknown_client", sheet=sheet, rows=[record.row], column=column,
                client_ids=[record.client_id] if record.client_id else [],
                staff=[record.visitor] if record.visitor else [],
                owner=record_owner(register, spec.key, record),
                message=UNKNOWN_CLIENT.text(settings.language, sheet=sheet, row=record.row,
                                column=column, value=value),
                details={"value": value},
            ))
    return findings


def _squash(text: str | None) -> str:
    """Free text as compared for duplicates: width folded (，and , are one), whitespace ignored."""
    return "".join(unicodedata.normalize("NFKC", text).split()) if text else ""


def visit_key(visit) -> tuple:
    """What makes two visit rows the same visit once normalised."""
    return (visit.visit_date, _client_key(visit), visit.visitor, visit.channel, _squash(visit.problems),
            _squash(visit.outcome), visit.next_followup)


def _client_key(visit) -> object:
    return visit.client.row if visit.client is not None else (visit.client_id, visit.client_name)


def _cheap_key(visit) -> tuple:
    """The part of ``visit_key`` that needs no text normalised: date, 拜访人, 拜访方式, 下次跟进日期."""
    return visit.visit_date, visit.visitor, visit.channel, visit.next_followup


def _same_day_groups(visits: list) -> list[list]:
    """Visits of one client alike in the cheap part of their identity (``_cheap_key``), in groups of two or
    more: the only ones whose full keys are worth making (a call and a visit on one day are common)."""
    keys = list(map(_cheap_key, visits))
    if len(set(keys)) == len(keys):
        return []  # the usual case: no two visits of this client alike so
    candidates: dict[tuple, list] = {}
    for key, visit in zip(keys, visits):
        candidates.setdefault(key, []).append(visit)
    return [group for group in candidates.values() if len(group) > 1]


def duplicate_row(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    # Client by client, only visits alike in date, 拜访人, 拜访方式 and 下次跟进日期 are compared in full.
    unresolved = [v for v in register.visits if v.client is None]
    candidates: dict[tuple, list] = {}
    for v in unresolved:
        candidates.setdefault((_client_key(v), *_cheap_key(v)), []).append(v)
    same_day = [g for g in candidates.values() if len(g) > 1]
    for visits in register.visits_by_client:
        if len(visits) > 1:
            same_day.extend(_same_day_groups(visits))
    groups: dict[tuple, list] = {}
    for group in same_day:
        for visit in group:
            if visit.visit_date is None and visit.visitor is None:
                continue  # too empty to call two rows the same visit
            groups.setdefault(visit_key(visit), []).append(visit)
    sheet = register.sheet_titles["visits"]
    findings = []
    for visits in groups.values():
        if len(visits) < 2:
            continue
        rows = [v.row for v in visits]
        first = visits[0]
        findings.append(Finding(
            code="duplicate_row", sheet=sheet, rows=rows, column=None,
            client_ids=[first.client.client_id] if first.client is not None and first.client.client_id else [],
            staff=[first.visitor] if first.visitor else [],
            owner=record_owner(register, "visits", first),
            message=DUPLICATE_ROW.text(settings.language, sheet=sheet, rows=join_rows(rows, settings.language),
                            count=len(rows)),
            details={"keep_row": rows[0]},
        ))
    return findings


UNKNOWN_CLIENT = Check(
    code="unknown_client", severity=ERROR, function=unknown_client,
    label={"zh": "客户不在档案中", "en": "Unknown client"},
    message={
        "zh": "{sheet}第{row}行的{column}“{value}”在客户档案中找不到",
        "en": "{sheet} row {row}: {column} “{value}” is not in the client register",
    },
)


DUPLICATE_ROW = Check(
    code="duplicate_row", severity=ERROR, function=duplicate_row,
    hygiene=True,
    label={"zh": "重复录入", "en": "Duplicate entry"},
    message={
        "zh": "{sheet}第{rows}行是同一条记录，重复录入了{count}次，请删除多余的行",
        "en": "{sheet} rows {rows} are the same record entered {count} times; delete the extra rows",
    },
)
