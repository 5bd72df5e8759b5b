"""Findings: the contract every output is built from (DESIGN §4).

A ``Finding`` says what is wrong (``code``), where (``sheet``, 1-based ``rows``, ``column``), about whom
(``client_ids``, ``staff``), who must act (``owner``), who else must know (``notify``: the colleagues of a
collision, the other account managers of a duplicate registration) and what to do (``message``, zh or en).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

ERROR, WARNING = "error", "warning"


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
    severity: str = ""                                # set by the check's descriptor (checks.spec)
    notify: list[str] = field(default_factory=list)   # everyone else who must know (not the owner)

    def __post_init__(self) -> None:
        self.rows = sorted(set(self.rows))

    def to_dict(self) -> dict[str, Any]:
        """The finding as the JSON contract orders it (DESIGN §4). Written out field by field: lists and
        ``details`` are copied, so the result may be changed freely, at a fraction of ``asdict``'s cost."""
        return {"code": self.code, "severity": self.severity, "sheet": self.sheet, "rows": list(self.rows),
                "column": self.column, "client_ids": list(self.client_ids), "staff": list(self.staff),
                "owner": self.owner, "notify": list(self.notify), "message": self.message,
                "details": _plain(self.details)}


def _plain(value: Any) -> Any:
    """A deep copy of JSON-shaped ``details`` (dicts, lists, tuples as lists, scalars)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


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
