"""``huimao-sheets``: every subcommand parses its options, calls one library function, and turns
library errors into a message and exit code 2 (DESIGN §7, §8).

Global options (``--config``, ``--state``, ``--source``, ``--credentials``, ``--smtp``, ``--lang``) may be
given before or after the subcommand's name: decorate a command with ``@global_options`` (under
``@app.command()``) and read them with ``settings_for(ctx)``.

Imports inside commands: each command imports the library it runs inside its body, on purpose. Importing
every command's library up front (gspread and google-auth, openpyxl, jinja2, the scheduler…) takes 1.7 s
and 135 MB before any command starts, against 0.6 s and 38 MB for the CLI alone — a cost that ``check``,
``--help`` and every scheduled run would pay for libraries they do not use. These are the only imports inside
functions besides the heavy optional backends in ``sources`` and ``setup_sheet`` (each says why), and
tests/test_import_graph.py counts them in its cycle check.
"""

from __future__ import annotations

import atexit
import functools
import gc
import importlib
import inspect
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer
from rich.console import Console

from huimao_sheets import clock
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError, HuimaoError
from huimao_sheets.redact import redact

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="慧茂客户登记表检查与周报 — checks the shared client register and mails each person what concerns them.",
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="huimao.toml (default ./huimao.toml when present)")]
StateOpt = Annotated[Optional[Path], typer.Option("--state", help="state folder: ledger, sent mail, first-seen dates (default .huimao/)")]
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="an .xlsx path, a Google Sheets URL or gsheet:KEY (default: source in huimao.toml, else 客户登记.xlsx in the current folder)")]
CredsOpt = Annotated[Optional[Path], typer.Option("--credentials", help="Google service-account JSON file")]
SmtpOpt = Annotated[Optional[str], typer.Option("--smtp", help="smtp://[user@]host:port or smtps://[user@]host:465 (default: smtp in huimao.toml, else .eml files in ./outbox/)")]
LangOpt = Annotated[Optional[str], typer.Option("--lang", help="zh (default) or en")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="the date to check as of, e.g. 2026-11-27 (default today, Asia/Shanghai)")]
DemoAsOfOpt = Annotated[str, typer.Option("--as-of", help="the date the demo's data and checks are as of")]

SOURCE_NOTE = {
    "zh": {"config": "读取工作簿 {spec}（未给 --source，用的是 {config} 中的 source）",
           "default": "读取工作簿 {spec}（未给 --source，用的是默认文件：当前文件夹中的 {spec}）"},
    "en": {"config": "Reading {spec} (no --source given: the source in {config})",
           "default": "Reading {spec} (no --source given: the default, {spec} in the current folder)"},
}


@dataclass
class Globals:
    config: Optional[Path] = None
    state: Optional[Path] = None
    source: Optional[str] = None
    credentials: Optional[Path] = None
    smtp: Optional[str] = None
    lang: Optional[str] = None
    language: Optional[str] = None   # of the settings in force, once ``settings_for`` has resolved them


def _globals(ctx: typer.Context) -> Globals:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Globals()
    return root.obj


GLOBAL_OPTIONS = {"config": ConfigOpt, "state": StateOpt, "source": SourceOpt, "credentials": CredsOpt,
                  "smtp": SmtpOpt, "lang": LangOpt}


def global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``command`` the global options, so they may follow its name too (``check --source X``).

    ``command`` must take ``ctx: typer.Context``. A global option given after the name overrides the same
    one given before it; the command reads them all through ``settings_for(ctx)`` or ``_globals(ctx)``.
    A ``HuimaoError`` leaves the command in the language of the settings in force (else of ``--lang``).
    """
    signature = inspect.signature(command, eval_str=True)
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=option)
             for name, option in GLOBAL_OPTIONS.items()]

    @functools.wraps(command)
    def with_global_options(**kwargs: Any) -> Any:
        given = _globals(kwargs["ctx"])
        for name in GLOBAL_OPTIONS:
            if (value := kwargs.pop(name)) is not None:
                setattr(given, name, value)
        try:
            return command(**kwargs)
        except HuimaoError as exc:
            raise exc.in_language(given.language or given.lang or exc.language)

    with_global_options.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *added])
    return with_global_options


def settings_for(ctx: typer.Context) -> Settings:
    """Settings from the config file, overridden by the global options given before or after the subcommand."""
    g = _globals(ctx)
    settings = Settings.load(g.config, language=g.lang)
    settings = settings.with_overrides({
        "state_dir": str(g.state) if g.state else None,
        "source": g.source,
        # --credentials, else GOOGLE_APPLICATION_CREDENTIALS, else the config's credentials
        "credentials": str(g.credentials) if g.credentials else os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") or None,
        "smtp": g.smtp,
        "language": g.lang,
    })
    g.language = settings.language   # the language of the errors that follow (``global_options``)
    return settings


@app.callback()
@global_options
def main_options(ctx: typer.Context) -> None:
    pass  # the global options given before the subcommand's name: ``global_options`` keeps them


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def parse_as_of(text: str | None) -> date:
    """``--as-of DATE``; without one, today in Asia/Shanghai (read by the command line, from ``clock``)."""
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"--as-of 的日期“{text}”无效，请写成 2026-11-27",
                          en=f"--as-of “{text}” is not a valid date: write e.g. 2026-11-27") from exc


def written_note(n: int, title: str, spec: str, language: str) -> str:
    """What ``check --write-findings`` wrote: the worksheet, its rows and the workbook or Google Sheet."""
    if language == "en":
        if not n:
            return f"Wrote the worksheet “{title}” of {spec}: no findings, only the header row is left."
        return f"Wrote {n} findings to the worksheet “{title}” of {spec}: rows 2–{n + 1} (header in row 1); the worksheet was replaced as a whole."
    if not n:
        return f"已写入 {spec} 的工作表“{title}”：没有问题，只留下表头行。"
    return f"已把 {n} 条问题写入 {spec} 的工作表“{title}”：第2–{n + 1}行（表头在第1行），该表已整体替换。"


def _write(data: bytes) -> None:
    """JSON and CSV go out as UTF-8 bytes, whatever the terminal's encoding (a GBK console, a C locale)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@app.command()
@global_options
def check(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    format: Annotated[str, typer.Option("--format", help="table (a summary: counts per code and per owner, the first findings of each code), json or csv")] = "table",
    only: Annotated[Optional[str], typer.Option("--only", help="comma-separated finding codes to check")] = None,
    write_findings: Annotated[bool, typer.Option("--write-findings", help="also replace the 数据检查 worksheet with the findings")] = False,
    limit: Annotated[int, typer.Option("--limit", min=0, help="findings shown per code in the table (default 10)")] = 10,
    all_: Annotated[bool, typer.Option("--all", help="show every finding in the table")] = False,
) -> None:
    """Read the register, check it, print the findings. Exit 1 when a finding is an error."""
    # Importing the library builds some hundred thousand objects and no garbage: the cyclic collector
    # would only rescan them again and again (0.06 s of every check).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from huimao_sheets import app as library
        from huimao_sheets.outputs import console as out
        from huimao_sheets.register import gc_paused
        from huimao_sheets.findings_sheet import findings_title
        from huimao_sheets.sources import resolve_source
    finally:
        if collecting:
            gc.enable()

    settings = settings_for(ctx)
    if format not in ("table", "json", "csv"):
        raise HuimaoError(f"--format 只能是 table、json 或 csv，而不是“{format}”",
                          en=f"--format is table, json or csv, not “{format}”")
    codes = [c.strip() for c in only.split(",") if c.strip()] if only else None
    spec = resolve_source(None, settings)
    g = _globals(ctx)
    if not g.source:  # say which workbook a default chose, on stderr so that --format json stays clean
        note = SOURCE_NOTE[settings.language]["config" if settings.source else "default"]
        config = g.config or "huimao.toml"
        Console(stderr=True, highlight=False, soft_wrap=True).print(note.format(spec=spec, config=config), markup=False)
    # Millions of small objects and no cycles: the cyclic collector would only rescan the register while
    # the findings are written out (a third of the output's time at 200,000 visits).
    with gc_paused():
        _register, result = library.check(spec, parse_as_of(as_of), settings, codes, write_findings=write_findings,
                                          use_state=g.state is not None or write_findings)
        if write_findings:
            Console(stderr=True, highlight=False, soft_wrap=True).print(
                written_note(len(result.findings), findings_title(settings), spec, settings.language), markup=False)
        if format == "json":
            sys.stdout.flush()   # a finding at a time: the document of a large register is tens of MB
            out.write_json(result, sys.stdout.buffer.write)
            _write(b"\n")
        elif format == "csv":
            _write(out.to_csv(result, settings.language).encode("utf-8"))
        else:
            out.print_table(result, _console(), settings.language, limit=None if all_ else limit)
        # The command ends here: the collector need not scan the register's objects once more when it is
        # enabled again and at exit (5% of the run at 200,000 visits).
        gc.freeze()
        _end(1 if result.has_errors() else 0)


@app.command()
@global_options
def demo(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the demo workbook")] = Path("demo-out"),
    as_of: DemoAsOfOpt = "2026-11-27",
    seed: Annotated[int, typer.Option("--seed", help="the sample data's random seed: the same seed, the same workbook")] = 20261127,
) -> None:
    """Write a realistic sample workbook and run the checks on it."""
    from huimao_sheets.demo_run import run_demo

    settings = settings_for(ctx)
    run_demo(out_dir, settings, _console(), as_of=parse_as_of(as_of), seed=seed)


# The commands of each area live in their own module under huimao_sheets/commands/ and register
# themselves on ``app`` when imported. Add a module's name here to add its commands.
COMMAND_MODULES: list[str] = ["reports", "sheets", "jobs"]


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"huimao_sheets.commands.{name}")


_load_commands()


# True in the ``huimao-sheets`` process itself (``entry``); False when a caller runs ``main`` in its own process.
_OWN_PROCESS = False


def _end(code: int) -> None:
    """End a command that has built a large register with exit ``code``. In the ``huimao-sheets`` process the
    process ends here, once the exit handlers have run and the output is flushed, without freeing its
    objects one by one: the register of 200,000 visits takes 0.07 s to free, which nobody waits for. Run by
    a caller (``main`` in the tests), it raises ``typer.Exit`` as any command does."""
    if not _OWN_PROCESS:
        raise typer.Exit(code)
    atexit._run_exitfuncs()   # what the interpreter runs at exit: logging's flush, tempfile's clean-up…
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a reader that went away (``| head``), a stream closed
            pass
    os._exit(code)


def entry() -> None:
    """The ``huimao-sheets`` command (pyproject's entry point): ``main`` in a process of its own."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    main()


def main() -> None:
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except HuimaoError as exc:
        label = "Error" if exc.language == "en" else "错误"
        Console(stderr=True, highlight=False, soft_wrap=True).print(f"{label}: {redact(str(exc))}", markup=False)   # no password shown
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:
        # Usage errors (unknown option, bad value) from the command-line parser: its message, exit 2.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(2)
        raise


if __name__ == "__main__":
    # Run the imported module's app: command modules register on ``huimao_sheets.cli.app``, not on ``__main__``'s.
    from huimao_sheets.cli import entry as _entry

    _entry()
