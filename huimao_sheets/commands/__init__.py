"""CLI commands by area; each module registers its commands on huimao_sheets.cli.app."""
