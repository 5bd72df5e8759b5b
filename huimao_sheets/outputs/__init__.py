"""Outputs consume findings: the terminal table, JSON, CSV, the findings sheet, reports and mail."""
