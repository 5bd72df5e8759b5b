"""``huimao-sheets``: every subcommand parses its options, calls one library function, and turns
library errors into a message and exit code 2 (DESIGN §7, §8).

Global options (``--config``, ``--state``, ``--source``, ``--credentials``, ``--smtp``, ``--lang``) may be
given before or after the subcommand's name.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from huimao_sheets.config import Settings
from huimao_sheets.errors import HuimaoError

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
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="an .xlsx path, a Google Sheets URL or gsheet:KEY")]
CredsOpt = Annotated[Optional[Path], typer.Option("--credentials", help="Google service-account JSON file")]
SmtpOpt = Annotated[Optional[str], typer.Option("--smtp", help="smtp://[user@]host:port or smtps://[user@]host:465")]
LangOpt = Annotated[Optional[str], typer.Option("--lang", help="zh (default) or en")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="the date to check as of, e.g. 2026-11-27 (default today, Asia/Shanghai)")]


@dataclass
class Globals:
    config: Optional[Path] = None
    state: Optional[Path] = None
    source: Optional[str] = None
    credentials: Optional[Path] = None
    smtp: Optional[str] = None
    lang: Optional[str] = None


def _globals(ctx: typer.Context) -> Globals:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Globals()
    return root.obj


def settings_for(ctx: typer.Context, *, config=None, state=None, source=None, credentials=None, smtp=None,
                 lang=None) -> Settings:
    """Settings from the config file, overridden by options given before or after the subcommand."""
    g = _globals(ctx)
    settings = Settings.load(config or g.config)
    updates = {
        "state_dir": str(state or g.state) if (state or g.state) else None,
        "source": source or g.source,
        # --credentials, else GOOGLE_APPLICATION_CREDENTIALS, else the config's credentials
        "credentials": str(credentials or g.credentials) if (credentials or g.credentials)
        else os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") or None,
        "smtp": smtp or g.smtp,
        "language": lang or g.lang,
    }
    data = settings.model_dump()
    data.update({k: v for k, v in updates.items() if v is not None})
    return Settings.from_dict(data, origin="命令行选项（--lang、--smtp、--state 等）")


@app.callback()
def main_options(ctx: typer.Context, config: ConfigOpt = None, state: StateOpt = None, source: SourceOpt = None,
                 credentials: CredsOpt = None, smtp: SmtpOpt = None, lang: LangOpt = None) -> None:
    ctx.obj = Globals(config, state, source, credentials, smtp, lang)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


@app.command()
def check(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    format: Annotated[str, typer.Option("--format", help="table (grouped by owner), json or csv")] = "table",
    only: Annotated[Optional[str], typer.Option("--only", help="comma-separated finding codes to check")] = None,
    write_findings: Annotated[bool, typer.Option("--write-findings", help="also replace the 数据检查 worksheet with the findings")] = False,
    config: ConfigOpt = None, state: StateOpt = None, source: SourceOpt = None, credentials: CredsOpt = None,
    smtp: SmtpOpt = None, lang: LangOpt = None,
) -> None:
    """Read the register, check it, print the findings. Exit 1 when a finding is an error."""
    from huimao_sheets import app as library
    from huimao_sheets.outputs import console as out

    settings = settings_for(ctx, config=config, state=state, source=source, credentials=credentials, smtp=smtp, lang=lang)
    if format not in ("table", "json", "csv"):
        raise HuimaoError(f"--format 只能是 table、json 或 csv，而不是“{format}”")
    codes = [c.strip() for c in only.split(",") if c.strip()] if only else None
    _register, result = library.check(library.resolve_source(None, settings), library.parse_as_of(as_of), settings, codes,
                                      write_findings=write_findings)
    if format == "json":
        sys.stdout.write(out.to_json(result) + "\n")
    elif format == "csv":
        sys.stdout.write(out.to_csv(result))
    else:
        out.print_table(result, _console(), settings.language)
    raise typer.Exit(1 if result.has_errors() else 0)


@app.command()
def demo(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the demo workbook")] = Path("demo-out"),
    as_of: AsOfOpt = "2026-11-27",
    seed: Annotated[int, typer.Option("--seed")] = 20261127,
    config: ConfigOpt = None, state: StateOpt = None, smtp: SmtpOpt = None, lang: LangOpt = None,
) -> None:
    """Write a realistic sample workbook and run the checks on it."""
    from huimao_sheets.demo import run_demo

    settings = settings_for(ctx, config=config, state=state, smtp=smtp, lang=lang)
    from huimao_sheets.app import parse_as_of

    run_demo(out_dir, settings, _console(), as_of=parse_as_of(as_of), seed=seed)


# The commands of each area live in their own module under huimao_sheets/commands/ and register
# themselves on ``app`` when imported. Add a module's name here to add its commands.
COMMAND_MODULES: list[str] = ["reports", "sheets", "jobs"]


def _load_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"huimao_sheets.commands.{name}")


_load_commands()


def main() -> None:
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except HuimaoError as exc:
        Console(stderr=True, highlight=False).print(f"错误: {exc}", markup=False)
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
    from huimao_sheets.cli import main as _main

    _main()
