"""The core checks against the ground truth of a messy staff register (tests/truth_register.py).

`huimao-sheets check --format json` runs on a register made the way staff sheets are, and every finding
of a core code is compared with the truth the generator computed on its own: precision and recall of at
least 0.98 per code, comparing (code, sheet, rows, column). On failure every mismatch is printed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from truth_register import CODES, write_register

TARGET = 0.98
CASES = [(1, date(2026, 11, 27)), (2, date(2027, 1, 6))]   # the second straddles a new year


def cli() -> str:
    beside = Path(sys.executable).with_name("huimao-sheets")
    return str(beside) if beside.exists() else shutil.which("huimao-sheets")


def run_check(path: Path, as_of: date, cwd: Path) -> dict:
    proc = subprocess.run([cli(), "check", "--source", str(path), "--as-of", as_of.isoformat(), "--format", "json"],
                          capture_output=True, text=True, cwd=cwd, timeout=120)
    assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}"
    return json.loads(proc.stdout)


def score(expected: Counter, got: Counter) -> dict[str, tuple[float, float, list, list]]:
    """Per code: precision, recall, the findings missed and the findings not in the truth."""
    out = {}
    for code in CODES:
        want = Counter({k: n for k, n in expected.items() if k[0] == code})
        have = Counter({k: n for k, n in got.items() if k[0] == code})
        hit = sum((want & have).values())
        precision = hit / sum(have.values()) if have else 1.0
        recall = hit / sum(want.values()) if want else 1.0
        out[code] = (precision, recall, sorted((want - have).elements()), sorted((have - want).elements()))
    return out


@pytest.fixture(scope="module", params=CASES, ids=[f"seed{seed}-{as_of}" for seed, as_of in CASES])
def checked(request, tmp_path_factory):
    """(truth, JSON document of `check`) for one generated register."""
    seed, as_of = request.param
    folder = tmp_path_factory.mktemp(f"truth{seed}")
    truth = write_register(folder, seed=seed, as_of=as_of)
    return truth, run_check(truth.path, as_of, folder)


def test_the_register_plants_every_core_code(checked):
    truth, _document = checked
    assert set(k[0] for k in truth.expected) == set(CODES)


def test_every_core_finding_matches_the_truth(checked):
    truth, document = checked
    got = Counter((f["code"], f["sheet"], tuple(f["rows"]), f["column"])
                  for f in document["findings"] if f["code"] in CODES)
    scores = score(Counter(truth.expected), got)
    report = []
    for code, (precision, recall, missed, extra) in scores.items():
        report.append(f"{code:18} precision {precision:.3f} recall {recall:.3f}")
        report += [f"    missed   {m}" for m in missed] + [f"    unwanted {e}" for e in extra]
    print("\n".join(report))
    failing = [code for code, (p, r, _m, _e) in scores.items() if p < TARGET or r < TARGET]
    assert not failing, f"below {TARGET} for {failing}:\n" + "\n".join(report)


def test_overdue_findings_name_the_due_date_and_days_late(checked):
    truth, document = checked
    got = {f["rows"][0]: (f["details"].get("due"), f["details"].get("days_late"))
           for f in document["findings"] if f["code"] == "overdue_followup"}
    want = {row: (due.isoformat(), late) for row, (due, late) in truth.overdue.items()}
    wrong = {row: (want[row], got[row]) for row in want.keys() & got.keys() if want[row] != got[row]}
    assert not wrong, "client row: (expected, got)\n" + "\n".join(f"{r}: {w}" for r, w in sorted(wrong.items()))


def test_the_counts_agree_with_the_findings(checked):
    _truth, document = checked
    assert document["counts"] == dict(Counter(f["code"] for f in document["findings"]))
