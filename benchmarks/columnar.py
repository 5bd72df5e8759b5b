"""Experiment: the columnar route to the register, measured against today's reader (README, Benchmark).

    .venv/bin/pip install fastexcel pyarrow numpy      # not dependencies of the product
    .venv/bin/python benchmarks/columnar.py            # benchmarks/data/register-20k.xlsx (make bench makes it)
    .venv/bin/python benchmarks/columnar.py --size 100k

Today: python-calamine hands every cell over as a Python object, and the register picks, parses (through
a cache) and stores them row chunk by row chunk. The columnar route: fastexcel reads each sheet into Arrow
columns (as text, so that nothing a person typed is lost to type inference); each column is
dictionary-encoded, each *distinct* value is parsed once with the product's own parsers, and the parsed
values are spread back to the rows with one numpy take; the records are then built as today, so the
product's checks run unchanged on them. The script prints the CPU time of each route's reading +
register, of the checks, and whether the findings are the same.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from itertools import repeat
from pathlib import Path

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from huimao_sheets import layout  # noqa: E402
from huimao_sheets.checks import run_checks  # noqa: E402
from huimao_sheets.config import Settings  # noqa: E402
from huimao_sheets.layout import SHEETS  # noqa: E402
from huimao_sheets.model import Register  # noqa: E402
from huimao_sheets.normalize import PLACEHOLDERS, is_blank  # noqa: E402
from huimao_sheets.register import (  # noqa: E402
    RECORD_TYPES, _index, _note_cells, _parser, build_register, find_sheets, gc_paused, locate_columns)
from huimao_sheets.sources.xlsx import XlsxSource  # noqa: E402

AS_OF = date(2026, 11, 27)
DATA = Path(__file__).resolve().parent / "data"


def parse_distinct(column: pa.ChunkedArray, parse) -> list:
    """``parse`` applied to each distinct value of ``column`` once, spread back to the rows."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    parsed = np.empty(len(encoded.dictionary) + 1, dtype=object)
    parsed[:-1] = [None if v is None or is_blank(v) else parse(v) for v in encoded.dictionary.to_pylist()]
    parsed[-1] = None  # a blank cell
    indices = encoded.indices.fill_null(len(parsed) - 1).to_numpy(zero_copy_only=False)
    return parsed[indices].tolist()


def columnar_register(path: Path, settings: Settings) -> Register:
    reader = fastexcel.read_excel(str(path))
    titles = find_sheets(reader.sheet_names, settings)
    register = Register(source=str(path), as_of=AS_OF)
    for spec in SHEETS:
        title = titles.get(spec.key)
        register.sheet_titles[spec.key] = title or spec.title
        if title is None:
            register.columns[spec.key] = set()
            continue
        # Header in row 1 here (today's reader also finds one lower down); cells as text.
        table = reader.load_sheet(title, dtypes="string").to_arrow()
        _header, mapping = locate_columns(spec, [table.column_names], settings)
        fields = [f for f in spec.fields if f.key in mapping]
        picked = {f.key: table.column(mapping[f.key]) for f in fields}
        # A row is a record when any mapped cell holds something other than blanks and placeholders (无, -).
        filled = None
        blanks = pa.array(["", *PLACEHOLDERS])
        for column in picked.values():
            has = pc.and_(pc.is_valid(column), pc.invert(pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(column)),
                                                                  value_set=blanks)))
            filled = has if filled is None else pc.or_(filled, has)
        keep = pc.fill_null(filled, False)
        numbers = (np.flatnonzero(keep.to_numpy(zero_copy_only=False)) + 2).tolist()
        columns = []
        for f in spec.fields:
            if f.key not in picked:
                columns.append(repeat(None, len(numbers)))
                continue
            column = pc.filter(picked[f.key], keep)
            parse = _parser(f, AS_OF)
            columns.append(parse_distinct(column, parse))
        records = list(map(RECORD_TYPES[spec.key], numbers, *columns))
        for f, values in zip(spec.fields, columns):
            if f.key in picked:
                _note_cells(register, (spec.key, f.key), records, values)
        setattr(register, spec.key, records)
        register.columns[spec.key] = set(mapping)
    _index(register)
    return register


def cpu(fn, *args):
    started = time.process_time()
    value = fn(*args)
    return value, time.process_time() - started


def key(findings) -> list:
    return [f.to_dict() for f in findings]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="20k")
    args = parser.parse_args()
    path = DATA / f"register-{args.size}.xlsx"
    settings = Settings()
    with gc_paused():
        today, today_read = cpu(build_register, XlsxSource(path), settings, AS_OF)
        today_findings, today_checks = cpu(run_checks, today, AS_OF, settings)
        del today
        columnar, columnar_read = cpu(columnar_register, path, settings)
        columnar_findings, columnar_checks = cpu(run_checks, columnar, AS_OF, settings)
    print(f"{path.name}, CPU seconds")
    print(f"  today (python-calamine, row chunks)      read + register {today_read:6.2f}   checks {today_checks:6.2f}")
    print(f"  columnar (fastexcel → Arrow, distinct)   read + register {columnar_read:6.2f}   checks {columnar_checks:6.2f}")
    same = key(today_findings) == key(columnar_findings)
    print(f"  findings: {len(today_findings):,} today, {len(columnar_findings):,} columnar; the same: {same}")
    if not same:
        a, b = key(today_findings), key(columnar_findings)
        only_today = [f for f in a if f not in b]
        only_columnar = [f for f in b if f not in a]
        print(f"  only today: {len(only_today)}, e.g. {only_today[:2]}")
        print(f"  only columnar: {len(only_columnar)}, e.g. {only_columnar[:2]}")


if __name__ == "__main__":
    main()
