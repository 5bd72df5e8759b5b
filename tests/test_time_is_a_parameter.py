"""Time is a parameter: only ``clock.py`` reads the wall clock, and only the command line calls it.

Below the command line every function takes ``now``/``as_of``, so the suite gives the same answers on any
date (CI runs it a second time under faketime, years away).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "huimao_sheets"
WALL_CLOCK = {("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"), ("date", "today"),
              ("time", "time"), ("time", "localtime"), ("time", "gmtime")}
CLOCK_CALLERS = {"cli.py", "commands"}   # the command line turns "no --now" into the clock's reading


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            yield node.func.value.id, node.func.attr, node.lineno


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE), ast.parse(path.read_text(encoding="utf-8"))


def test_only_clock_py_reads_the_wall_clock():
    offenders = [f"{rel}:{line} {a}.{b}()" for rel, tree in _modules() if rel.name != "clock.py"
                 for a, b, line in _calls(tree) if (a, b) in WALL_CLOCK]
    assert offenders == []


def test_only_the_command_line_asks_the_clock():
    offenders = []
    for rel, tree in _modules():
        if rel.parts[0] in CLOCK_CALLERS or rel.name == "clock.py":
            continue
        offenders += [f"{rel}:{line} clock.{b}()" for a, b, line in _calls(tree) if a == "clock" and b in ("now", "today")]
        offenders += [f"{rel}: imports the clock's now/today" for node in ast.walk(tree)
                      if isinstance(node, ast.ImportFrom) and node.module == "huimao_sheets.clock"
                      for alias in node.names if alias.name in ("now", "today")]
    assert offenders == []
