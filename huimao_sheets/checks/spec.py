"""One descriptor per check: its code, severity, labels and message in both languages, and its function.

Everything that lists the checks derives from these — the codes table of ``check``, the order of a
report, the labels of the mails and of the 数据检查 sheet, the ledger's client-level codes — so a new check
is one module (its function and its ``Check``), its test, and the README's row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping

from huimao_sheets.config import Settings
from huimao_sheets.findings import Finding
from huimao_sheets.model import Register

CheckFunction = Callable[[Register, date, Settings], list[Finding]]


@dataclass(frozen=True)
class Check:
    code: str
    severity: str                      # findings.ERROR or findings.WARNING
    label: Mapping[str, str]           # a short name per language, for reports and counts: {"zh": …, "en": …}
    message: Mapping[str, str]         # the message template per language (str.format fields)
    function: CheckFunction
    client_level: bool = False         # the ledger follows it by client, not by rows (rows move)
    hygiene: bool = False              # a cell to correct (grouped in mails), not business a person must act on

    def text(self, language: str, **params: Any) -> str:
        """The finding's message in ``language`` (zh or en)."""
        return self.message[language].format(**params)

    def __call__(self, register: Register, as_of: date, settings: Settings) -> list[Finding]:
        found = self.function(register, as_of, settings)
        for finding in found:
            finding.severity = self.severity
        return found
