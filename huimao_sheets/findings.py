"""Findings: the contract every output is built from (DESIGN §4).

A ``Finding`` says what is wrong (``code``), where (``sheet``, 1-based ``rows``, ``column``), about whom
(``client_ids``, ``staff``), who must act (``owner``) and what to do (``message``, zh or en).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

ERROR, WARNING = "error", "warning"

# code → (severity, one finding per …). The order is the order of the report.
CODES: dict[str, str] = {
    "missing_required": ERROR,
    "invalid_phone": ERROR,
    "invalid_date": ERROR,
    "invalid_value": ERROR,
    "future_date": WARNING,
    "unknown_client": ERROR,
    "duplicate_row": ERROR,
    "visit_collision": WARNING,
    "plan_collision": WARNING,
    "duplicate_client": WARNING,
    "overdue_followup": WARNING,
    "missing_email": WARNING,  # found by the reports (a person who cannot get one), not by `check`
}

CODE_ORDER = {code: i for i, code in enumerate(CODES)}

MESSAGES: dict[str, dict[str, str]] = {
    "missing_required": {
        "zh": "{sheet}第{row}行缺少“{column}”",
        "en": "{sheet} row {row}: “{column}” ({column_en}) is missing",
    },
    "invalid_phone": {
        "zh": "{sheet}第{row}行“{column}”不是有效的大陆手机号码：“{value}”",
        "en": "{sheet} row {row}: “{column}” is not a valid mainland mobile number: “{value}”",
    },
    "invalid_date": {
        "zh": "{sheet}第{row}行“{column}”无法识别为日期：“{value}”（请写成 2026-11-03）",
        "en": "{sheet} row {row}: “{column}” is not a date: “{value}” (write it as 2026-11-03)",
    },
    "invalid_value": {
        "zh": "{sheet}第{row}行“{column}”的值“{value}”不在可选范围内（{choices}）",
        "en": "{sheet} row {row}: “{column}” value “{value}” is not one of {choices}",
    },
    "future_date": {
        "zh": "{sheet}第{row}行“{column}”为{value}，晚于检查日期{as_of}，年份是否写错？",
        "en": "{sheet} row {row}: “{column}” is {value}, after the as-of date {as_of}; is the year mistyped?",
    },
    "unknown_client": {
        "zh": "{sheet}第{row}行的{column}“{value}”在客户档案中找不到",
        "en": "{sheet} row {row}: {column} “{value}” is not in the client register",
    },
    "duplicate_row": {
        "zh": "{sheet}第{rows}行是同一条记录，重复录入了{count}次，请删除多余的行",
        "en": "{sheet} rows {rows} are the same record entered {count} times; delete the extra rows",
    },
    "visit_collision": {
        "zh": "客户“{client}”在{start}至{end}期间被{staff}先后拜访（撞车），请先互相沟通",
        "en": "Client “{client}” was visited by {staff} between {start} and {end} (collision); talk to each other first",
    },
    "plan_collision": {
        "zh": "客户“{client}”：{staff}的拜访计划与他人的计划或近期拜访相隔不超过{window}天（{start}至{end}），请先互相沟通",
        "en": "Client “{client}”: plans by {staff} fall within {window} days of another's plan or visit ({start} to {end}); agree who goes",
    },
    "duplicate_client": {
        "zh": "{sheet}第{rows}行可能是同一家公司重复登记（{evidence}），请核实后保留{keep}，其余行的记录并入后删除",
        "en": "{sheet} rows {rows} look like one company registered more than once ({evidence}); "
              "check, keep {keep} and merge the other rows into it",
    },
    "overdue_followup": {
        "zh": "客户“{client}”应于{due}跟进，已逾期{days}天（{reason}）",
        "en": "Client “{client}” was due for follow-up on {due}; {days} days late ({reason})",
    },
    "missing_email": {
        "zh": "员工第{row}行“{person}”没有有效邮箱，收不到周报",
        "en": "Staff row {row}: “{person}” has no valid email address and gets no report",
    },
}


def message(code: str, language: str, **params: Any) -> str:
    return MESSAGES[code][language].format(**params)


def join_rows(rows: list[int], language: str) -> str:
    return ("、" if language == "zh" else ", ").join(str(r) for r in rows)


@dataclass
class Finding:
    code: str
    sheet: str
    rows: list[int]
    column: str | None
    message: str
    owner: str | None = None
    client_ids: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    severity: str = ""

    def __post_init__(self) -> None:
        if not self.severity:
            self.severity = CODES[self.code]
        self.rows = sorted(set(self.rows))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: d[k] for k in (
            "code", "severity", "sheet", "rows", "column", "client_ids", "staff", "owner", "message", "details")}

    def sort_key(self) -> tuple:
        return (CODE_ORDER.get(self.code, len(CODE_ORDER)), self.sheet, self.rows, self.column or "")


@dataclass
class CheckResult:
    """The findings of one run, with what they were found in."""

    as_of: date
    source: str
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.code] = counts.get(f.code, 0) + 1
        return counts

    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "source": self.source,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
        }
