"""``setup-sheet`` and ``doctor``: getting the spreadsheet (Google or xlsx) ready, and finding out what is wrong."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from huimao_sheets.cli import _console, _globals, app, global_options, settings_for
from huimao_sheets.config import DEFAULT_CONFIG, Settings
from huimao_sheets.errors import ConfigError

# Each command imports the library it runs inside its body, on purpose: see "Imports inside commands" in
# huimao_sheets/cli.py.


@app.command("setup-sheet")
@global_options
def setup_sheet(ctx: typer.Context) -> None:
    """Create missing worksheets and headers, freeze header rows, add drop-downs and date validation."""
    from huimao_sheets.setup_sheet import describe
    from huimao_sheets.setup_sheet import setup_sheet as run_setup
    from huimao_sheets.sources import resolve_source

    settings = settings_for(ctx)
    spec = resolve_source(None, settings)
    changes = run_setup(spec, settings)
    console = _console()
    console.print(f"{spec}:", markup=False)
    for line in describe(changes, settings.language):
        console.print(f"  {line}", markup=False)


@app.command()
@global_options
def doctor(ctx: typer.Context) -> None:
    """Check config, credentials, sharing, worksheets, headers and SMTP; say how to fix what is wrong."""
    from huimao_sheets.doctor import all_well, diagnose, render

    g = _globals(ctx)
    config_path = g.config or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    try:
        settings = settings_for(ctx)
        config_error = None
    except ConfigError as exc:  # report it with the rest, and go on with the options given
        config_error = str(exc)
        settings = _fallback_settings(g.source, g.credentials, g.smtp, g.lang)
    items = diagnose(settings, config_path=Path(config_path) if config_path else None, config_error=config_error)
    console = _console()
    for line in render(items, settings.language):
        console.print(line, markup=False)
    raise typer.Exit(0 if all_well(items) else 2)


def _fallback_settings(source, credentials, smtp, lang) -> Settings:
    data = {"source": source, "smtp": smtp, "language": lang if lang in ("zh", "en") else None,
            "credentials": str(credentials) if credentials else os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")}
    return Settings.from_dict({k: v for k, v in data.items() if v})
