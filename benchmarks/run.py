"""Benchmark: read and check registers of 20k clients / 200k visits and 100k clients / 1M visits.

    make bench                      # both sizes
    .venv/bin/python benchmarks/run.py --sizes 20k          # one size
    .venv/bin/python benchmarks/run.py --sizes 20k,100k --repeat 3

Workbooks are generated once (seeded, with the demo's mess and planted findings) into benchmarks/data/ and
reused. Each size runs in a fresh process so that its peak memory (max RSS) is its own. Printed per size:
python-calamine's bare read of every cell, then our read (calamine + register), the time of each check,
the total ``check``, its ratio to the bare read (goal ≤ 2.5×) in wall and CPU time, and the peak memory
(goal < 1 GB at 100k/1M). Run it on a quiet machine: wall times stretch with anything else running.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SIZES = {"20k": (20_000, 200_000), "100k": (100_000, 1_000_000)}
AS_OF = date(2026, 11, 27)


def workbook(size: str) -> Path:
    from huimao_sheets.demo import DemoSpec, generate, write_workbook

    clients, visits = SIZES[size]
    path = DATA / f"register-{size}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        write_workbook(path, generate(DemoSpec.large(clients, visits, as_of=AS_OF)), constant_memory=True)
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return path


def bare_read(path: Path) -> tuple[float, float, int]:
    """python-calamine alone: every cell of every sheet as Python values. (wall s, CPU s, cells)"""
    from python_calamine import CalamineWorkbook

    started, cpu = time.perf_counter(), time.process_time()
    wb = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).iter_rows():
            cells += len(row)
    return time.perf_counter() - started, time.process_time() - cpu, cells


def measure(size: str, repeat: int) -> dict:
    """Runs in its own process: times and peak memory of one size."""
    from huimao_sheets.checks import CHECKS
    from huimao_sheets.config import Settings
    from huimao_sheets.register import build_register, gc_paused
    from huimao_sheets.sources.xlsx import XlsxSource

    path = workbook(size)
    settings = Settings()
    bares = [bare_read(path) for _ in range(repeat)]
    bare, bare_cpu, cells = min(b[0] for b in bares), min(b[1] for b in bares), bares[0][2]
    best: dict | None = None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        register = build_register(XlsxSource(path), settings, AS_OF)
        read = time.perf_counter() - started
        per_check, total_findings = {}, 0
        with gc_paused():  # as run_checks does
            for code, check in CHECKS.items():
                t = time.perf_counter()
                total_findings += len(check(register, AS_OF, settings))
                per_check[code] = time.perf_counter() - t
        total = time.perf_counter() - started
        run = {"read": read, "checks": per_check, "total": total, "cpu": time.process_time() - cpu,
               "findings": total_findings}
        if best is None or total < best["total"]:
            best = run
        del register
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"size": size, "clients": SIZES[size][0], "visits": SIZES[size][1], "cells": cells, "bare_read": bare,
            "bare_cpu": bare_cpu, **best, "ratio": best["total"] / bare, "cpu_ratio": best["cpu"] / bare_cpu,
            "peak_mb": peak_mb}


def report(r: dict) -> None:
    print(f"\n== {r['size']}: {r['clients']:,} clients, {r['visits']:,} visits, {r['cells']:,} cells ==")
    print(f"  python-calamine bare read      {r['bare_read']:8.2f} s")
    print(f"  read + register                {r['read']:8.2f} s")
    for code, seconds in r["checks"].items():
        print(f"    {code:<26} {seconds:8.3f} s")
    print(f"  check total                    {r['total']:8.2f} s   ({r['ratio']:.2f}× the bare read; goal ≤ 2.5×)")
    print(f"  CPU time: bare read {r['bare_cpu']:.2f} s, check {r['cpu']:.2f} s ({r['cpu_ratio']:.2f}×; "
          "steadier than wall time on a busy machine)")
    print(f"  findings                       {r['findings']:8,d}")
    print(f"  peak memory (max RSS)          {r['peak_mb']:8.0f} MB  (goal < 1024 MB at 100k/1M)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20k,100k")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one size in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return
    results = []
    for size in args.sizes.split(","):
        workbook(size)  # generate outside the measured process
        done = subprocess.run([sys.executable, __file__, "--one", size, "--repeat", str(args.repeat)],
                              capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        report(results[-1])
    if len(results) == 2:
        a, b = results
        growth = b["total"] / a["total"]
        print(f"\ngrowth {a['size']} → {b['size']}: ×{b['visits'] / a['visits']:.0f} rows, ×{growth:.2f} time (linear ≈ ×5)")


if __name__ == "__main__":
    main()
