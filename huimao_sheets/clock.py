"""The one place the wall clock is read. Everything else takes ``now``/``as_of`` as an argument, so tests
pass time in; commands and the scheduler loop default to these. Dates are Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(SHANGHAI)


def today() -> date:
    return now().date()
