"""Benchmark: the user's commands, timed as the user runs them, beside python-calamine's bare read.

    make bench                                           # 20k, 20k-shared and 100k, median of 3
    .venv/bin/python benchmarks/run.py --sizes 20k       # one size
    .venv/bin/python benchmarks/run.py --sizes 20k --repeat 5 --no-detail

Workbooks are generated once (seeded, with the demo's mess and planted findings) into benchmarks/data/ and
reused: 20k = 20,000 clients / 200,000 visits, 100k = 100,000 clients / 1,000,000 visits, each cell's text
written in the cell (inline strings, as streaming writers do); 20k-shared = the 20k register with its text in
the workbook's table of shared strings, as Excel, WPS and openpyxl save it (the bare read is faster there:
each distinct text is read once).

Per size, each of these runs as its own process, process start to exit, output written to a file, the
three taking turns ``--repeat`` times; the median wall time, CPU time (user + system) and peak memory
(max RSS) of each are printed with the ratios that DESIGN §9 sets:

  bare read   python-calamine reading every cell of every sheet into Python values, nothing else
  json        huimao-sheets check --source X --as-of D --format json > file     (goal ≤ 2.0× the bare read)
  table       huimao-sheets check --source X --as-of D > file                   (goal ≤ 1.25× the json run)

and at 100k the json run's peak memory (goal < 700 MB). Then, as detail, an in-process breakdown (CPU
seconds of read + register, each check, writing the JSON) of one run in a fresh process. Wall times
stretch with anything else running on the machine; CPU times are steadier.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SIZES = {"20k": (20_000, 200_000), "20k-shared": (20_000, 200_000), "100k": (100_000, 1_000_000)}
SHARED_STRINGS = {"20k-shared"}
AS_OF = date(2026, 11, 27)

BARE_READ = """
import sys
from python_calamine import CalamineWorkbook
workbook = CalamineWorkbook.from_path(sys.argv[1])
cells = 0
for name in workbook.sheet_names:
    for row in workbook.get_sheet_by_name(name).iter_rows():
        cells += len(row)
print(cells)
"""


def workbook(size: str) -> Path:
    from huimao_sheets.demo import DemoSpec, generate, write_workbook

    clients, visits = SIZES[size]
    path = DATA / f"register-{size}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        write_workbook(path, generate(DemoSpec.large(clients, visits, as_of=AS_OF)),
                       constant_memory=size not in SHARED_STRINGS)
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return path


def cli() -> list[str]:
    script = Path(sys.executable).parent / "huimao-sheets"
    return [str(script)] if script.exists() else [sys.executable, "-m", "huimao_sheets.cli"]


def commands(path: Path, out: Path) -> dict[str, tuple[list[str], Path]]:
    check = [*cli(), "check", "--source", str(path), "--as-of", AS_OF.isoformat()]
    return {
        "bare read": ([sys.executable, "-c", BARE_READ, str(path)], out / "bare.txt"),
        "json": ([*check, "--format", "json"], out / "findings.json"),
        "table": (check, out / "findings.txt"),
    }


def timed(argv: list[str], stdout: Path) -> dict:
    """One process, start to exit: wall seconds, CPU seconds (user + system), max RSS in MB."""
    with open(stdout, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # check exits 1 when it finds errors
        raise SystemExit(f"{' '.join(argv[:3])}… exited {code}: {process.stderr.read().decode()[-2000:]}")
    process.stderr.close()
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def measure_processes(size: str, repeat: int) -> dict:
    path = workbook(size)
    out = DATA / f"out-{size}"
    out.mkdir(exist_ok=True)
    runs: dict[str, list[dict]] = {}
    for _ in range(repeat):  # taking turns, so that a busy moment of the machine hits all three alike
        for name, (argv, stdout) in commands(path, out).items():
            runs.setdefault(name, []).append(timed(argv, stdout))
    result = {name: {key: statistics.median(r[key] for r in rs) for key in ("wall", "cpu", "peak_mb")}
              for name, rs in runs.items()}
    result["findings"] = len(json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"])
    result["table_lines"] = len((out / "findings.txt").read_text(encoding="utf-8").splitlines())
    return result


def report_processes(size: str, r: dict, repeat: int) -> None:
    clients, visits = SIZES[size]
    print(f"\n== {size}: {clients:,} clients, {visits:,} visits; {r['findings']:,} findings; "
          f"median of {repeat}, process start to exit ==")
    print(f"  {'':<10} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}")
    for name in ("bare read", "json", "table"):
        m = r[name]
        print(f"  {name:<10} {m['wall']:8.2f} {m['cpu']:8.2f} {m['peak_mb']:8.0f}")
    bare, js, table = r["bare read"], r["json"], r["table"]
    print(f"  json  / bare read: {js['wall'] / bare['wall']:.2f}× wall, {js['cpu'] / bare['cpu']:.2f}× CPU"
          "   (goal ≤ 2.0×)")
    print(f"  table / json:      {table['wall'] / js['wall']:.2f}× wall, {table['cpu'] / js['cpu']:.2f}× CPU"
          f"   (goal ≤ 1.25×; the table is {r['table_lines']:,} lines)")
    if size == "100k":
        print(f"  json peak memory:  {js['peak_mb']:.0f} MB   (goal < 700 MB)")


def measure_detail(size: str) -> dict:
    """Runs in its own process: where the time of one check goes, in-process."""
    from huimao_sheets.checks import CHECKS
    from huimao_sheets.config import Settings
    from huimao_sheets.findings import CheckResult
    from huimao_sheets.outputs.console import to_json
    from huimao_sheets.register import build_register, gc_paused
    from huimao_sheets.sources.xlsx import XlsxSource

    path = workbook(size)
    settings = Settings()
    started = time.process_time()
    with gc_paused():  # as the check command does
        register = build_register(XlsxSource(path), settings, AS_OF)
        read = time.process_time() - started
        per_check, findings = {}, []
        for code, check in CHECKS.items():
            t = time.process_time()
            findings += check(register, AS_OF, settings)
            per_check[code] = time.process_time() - t
        t = time.process_time()
        to_json(CheckResult(as_of=AS_OF, source=str(path), findings=findings))
        output = time.process_time() - t
    return {"read": read, "checks": per_check, "json": output, "total": time.process_time() - started}


def report_detail(r: dict) -> None:
    print("  in-process detail (one run):")
    print(f"    read + register            {r['read']:8.2f} s")
    for code, seconds in r["checks"].items():
        print(f"      {code:<24} {seconds:8.3f} s")
    print(f"    writing the JSON           {r['json']:8.3f} s")
    print(f"    total                      {r['total']:8.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20k,100k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-detail", action="store_true", help="only the processes, not the in-process breakdown")
    parser.add_argument("--detail-of", help=argparse.SUPPRESS)  # internal: the breakdown of one size
    args = parser.parse_args()
    if args.detail_of:
        print(json.dumps(measure_detail(args.detail_of)))
        return
    results = {}
    for size in args.sizes.split(","):
        results[size] = measure_processes(size, args.repeat)
        report_processes(size, results[size], args.repeat)
        if not args.no_detail:
            done = subprocess.run([sys.executable, __file__, "--detail-of", size], capture_output=True, text=True,
                                  check=True)
            report_detail(json.loads(done.stdout.strip().splitlines()[-1]))
    if "20k" in results and "100k" in results:
        (a, ra), (b, rb) = ("20k", results["20k"]), ("100k", results["100k"])
        growth = rb["json"]["cpu"] / ra["json"]["cpu"]
        print(f"\ngrowth {a} → {b}: ×{SIZES[b][1] / SIZES[a][1]:.0f} rows, ×{growth:.2f} CPU time of the json run "
              "(linear ≈ ×5)")


if __name__ == "__main__":
    main()
