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
        """The finding as the JSON contract orders it (DESIGN §4), written out field by field (a fraction of
        ``dataclasses.asdict``'s cost). The lists and ``details`` are the finding's own, not copies."""
        return {"code": self.code, "severity": self.severity, "sheet": self.sheet, "rows": self.rows,
                "column": self.column, "client_ids": self.client_ids, "staff": self.staff, "owner": self.owner,
                "notify": self.notify, "message": self.message, "details": self.details}


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
