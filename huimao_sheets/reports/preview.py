"""Previews: each message of a run as ``NNN-kind-name.html`` and ``.txt`` plus an ``index.html`` that links
them, in the configured language. Nothing is sent or recorded. Used by ``report weekly --preview DIR`` and
``run JOB --preview DIR`` (the daily digest)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from huimao_sheets.config import Settings
from huimao_sheets.mail import Mail
from huimao_sheets.reports.render import Renderer
from huimao_sheets.reports.strings import strings

TO_SEND = "to_send"


def _slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "_", text).strip("_")[:40] or "x"


def write_preview(mails: list[Mail], folder: Path, settings: Settings, heading: str, as_of: date,
                  statuses: dict[tuple[str, str, str], str] | None = None) -> Path:
    """Write each of ``mails`` and the index page titled ``heading`` into ``folder``; returns the index."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, mail in enumerate(mails, start=1):
        stem = f"{i:03d}-{mail.kind}-{_slug(mail.to_name)}"
        (folder / f"{stem}.html").write_text(mail.html, encoding="utf-8")
        (folder / f"{stem}.txt").write_text(f"Subject: {mail.subject}\n\n{mail.text}", encoding="utf-8")
        entries.append({"html": f"{stem}.html", "txt": f"{stem}.txt", "to_name": mail.to_name,
                        "to_address": mail.to_address, "subject": mail.subject, "kind": mail.kind,
                        "status": (statuses or {}).get(mail.key, TO_SEND)})
    index = folder / "index.html"
    index.write_text(Renderer(settings).page("preview-index.html.j2", {
        "t": strings(settings.language), "lang": settings.language, "heading": heading,
        "as_of": as_of.isoformat(), "entries": entries,
    }), encoding="utf-8")
    return index
