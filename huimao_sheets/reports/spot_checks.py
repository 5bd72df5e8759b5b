"""Spot checks (抽查): a sample of the week's visits that staff cannot predict.

The handbook asks managers to check visit records at random (不定期抽查). The 市场总监's weekly mail (the
company report) carries a company-wide sample of the visits dated in the report's week, for the director to
verify by phoning the client; each 部门经理's mail carries a sample of the team's visits, drawn the same way.
The draw:

- **weighted** towards visits with no 客户反映问题 recorded — a visit made up to fill the log is the one
  whose problems are left blank — each such visit ``no_problem_weight`` times as likely to be drawn as one
  with a problem (``[spot_check]`` settings, default 3), ``sample_size`` visits (default 5);
- **without replacement**, by the keys of Efraimidis and Spirakis (2006): each visit draws ``u`` uniform in
  [0, 1) and the ``sample_size`` largest ``u ** (1 / weight)`` are the sample;
- **unpredictable from the data alone, reproducible for a week and an install**: the random numbers come
  from ``random.Random`` seeded with HMAC-SHA256(secret, ISO week label), or of ``label/department`` for a
  department manager's sample of the team's visits (``scope``). The secret is a random key kept in
  the state folder (read by ``reports.weekly``, never here): the same week drawn again on the same install
  gives the same sample; another week, department or install, another sample;
- **independent of the sheet's row order**: visits draw their numbers in the order of a key made of their
  content — date, client, visitor, type (the ledger's ``checks.late_entry.visit_key``), then the problems,
  outcome and next follow-up — and a visit entered twice (``duplicate_row``) is one visit.

Pure functions: no I/O, no clock.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import date
from typing import Any

from huimao_sheets.checks.late_entry import visit_key
from huimao_sheets.checks.relations import visit_key as same_visit
from huimao_sheets.config import SpotCheckSettings
from huimao_sheets.model import Visit
from huimao_sheets.reports.activity import visit_row
from huimao_sheets.timing import Week


def seed(secret: bytes, week: Week, scope: str | None = None) -> int:
    """The seed of a week's draw: HMAC-SHA256 of the week's label (``2026-W48``), or of ``2026-W48/市场一部``
    for a department's draw (``scope``), under the install's secret."""
    message = week.label if scope is None else f"{week.label}/{scope}"
    return int.from_bytes(hmac.new(secret, message.encode("utf-8"), hashlib.sha256).digest(), "big")


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


def stable_key(visit: Visit) -> tuple[str, ...]:
    """A visit's place in the draw, from its content only (never its row number)."""
    return (visit_key(visit) or "", _text(visit.problems), _text(visit.outcome), _text(visit.next_followup))


def weight(visit: Visit, settings: SpotCheckSettings) -> int:
    """How likely a visit is to be drawn, relative to one with a problem recorded."""
    return 1 if visit.problems else settings.no_problem_weight


def week_visits(visits: list[Visit], week: Week) -> list[Visit]:
    """The visits dated in ``week``, each once, in the order of ``stable_key``."""
    dated = sorted((v for v in visits if isinstance(v.visit_date, date) and week.contains(v.visit_date)),
                   key=lambda v: (stable_key(v), v.row))
    seen: set[tuple] = set()
    found = []
    for v in dated:
        key = same_visit(v)
        if key not in seen:
            seen.add(key)
            found.append(v)
    return found


def draw(visits: list[Visit], week: Week, secret: bytes, settings: SpotCheckSettings,
         scope: str | None = None) -> list[Visit]:
    """The spot-check sample of ``week``: up to ``settings.sample_size`` of its visits (all of them when there
    are no more), in date order. ``scope``: the department whose team's visits these are (None: the company)."""
    population = week_visits(visits, week)
    rng = random.Random(seed(secret, week, scope))
    keyed = [(rng.random() ** (1 / weight(v, settings)), i) for i, v in enumerate(population)]
    chosen = sorted(keyed, reverse=True)[:settings.sample_size]
    return sorted((population[i] for _key, i in chosen), key=lambda v: (v.visit_date, stable_key(v)))


def spot_check_section(visits: list[Visit], week: Week, secret: bytes | None,
                       settings: SpotCheckSettings, scope: str | None = None) -> dict[str, Any]:
    """A report's spot-check section as plain data: the company's (``scope`` None) or a department's, drawn
    from the visits given (the company's, or the team's).

    ``drawn`` is False when there is no secret (a preview or dry run on a state folder that has none yet:
    no sample rather than a predictable one); ``rows`` are the sampled visits (``activity.visit_row``);
    ``visits`` and ``no_problems`` count the week's visits and those with no problem recorded.
    """
    population = week_visits(visits, week)
    rows = [visit_row(v) for v in draw(visits, week, secret, settings, scope)] if secret is not None else []
    return {"enabled": settings.sample_size > 0, "drawn": secret is not None, "rows": rows,
            "visits": len(population), "no_problems": sum(1 for v in population if not v.problems),
            "sample_size": settings.sample_size, "weight": settings.no_problem_weight}
