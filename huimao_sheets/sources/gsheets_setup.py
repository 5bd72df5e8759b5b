"""``setup-sheet`` on a Google Sheet: what the spreadsheet has, and the plan applied in two requests.

Reading costs two requests (the metadata, then the first rows of every worksheet with their
formatted values and data validation); applying costs at most two more (one ``batchUpdate`` that adds
worksheets and columns, freezes header rows and sets validation — atomic on Google's side — and one RAW
``values:batchUpdate`` for the headers). A run with nothing to change writes nothing.
"""

from __future__ import annotations

from huimao_sheets.sources.changes import Rule, SheetChange
from huimao_sheets.sources.gsheets import GoogleSheetSource, cell_range

NEW_SHEET_ROWS, NEW_SHEET_COLUMNS = 1000, 26
DATE_HINT = "请输入日期，例如 2026-11-03"


def google_rule(rule: Rule) -> dict:
    if rule.kind == "list":
        condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in rule.values]}
        google: dict = {"condition": condition, "showCustomUi": True}
    else:
        google = {"condition": {"type": "DATE_IS_VALID"}, "inputMessage": DATE_HINT}
    if rule.strict:
        google["strict"] = True  # the API leaves out false booleans, so only a strict rule names it
    return google


def rule_from_google(validation: dict | None) -> Rule | None:
    if not validation:
        return None
    condition = validation.get("condition", {})
    strict = bool(validation.get("strict", False))
    if condition.get("type") == "ONE_OF_LIST":
        return Rule("list", tuple(str(v.get("userEnteredValue", "")) for v in condition.get("values", [])), strict)
    if condition.get("type") == "DATE_IS_VALID":
        return Rule("date", (), strict)
    return Rule(str(condition.get("type", "other")), (), strict)


class GoogleBackend:
    def __init__(self, source: GoogleSheetSource, head_rows: int):
        self.source = source
        self.props = source.sheet_properties()
        self.heads = source.grid_heads(list(self.props), head_rows)

    def titles(self) -> list[str]:
        return list(self.props)

    def head(self, title: str) -> list[list[str]]:
        return [[cell.get("formattedValue", "") for cell in row] for row in self.heads.get(title, [])]

    def frozen_rows(self, title: str) -> int:
        return self.props[title].get("gridProperties", {}).get("frozenRowCount", 0)

    def rule_at(self, title: str, row: int, col: int) -> Rule | None:
        rows = self.heads.get(title, [])
        if row >= len(rows) or col >= len(rows[row]):
            return None
        return rule_from_google(rows[row][col].get("dataValidation"))

    def apply(self, changes: list[SheetChange]) -> None:
        requests: list[dict] = []
        values: list[tuple[str, list[list[str]]]] = []
        next_id = max((p["sheetId"] for p in self.props.values()), default=0) + 1
        for change in changes:
            if change.create:
                sheet_id, next_id = next_id, next_id + 1
                requests.append({"addSheet": {"properties": {"sheetId": sheet_id, "title": change.title, "gridProperties": {
                    "rowCount": NEW_SHEET_ROWS, "columnCount": max(NEW_SHEET_COLUMNS, change.columns_needed),
                    "frozenRowCount": change.freeze or 1}}}})
            else:
                props = self.props[change.title]
                sheet_id = props["sheetId"]
                columns = props.get("gridProperties", {}).get("columnCount", NEW_SHEET_COLUMNS)
                if change.columns_needed > columns:
                    requests.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                                         "length": change.columns_needed - columns}})
                if change.freeze:
                    requests.append({"updateSheetProperties": {
                        "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": change.freeze}},
                        "fields": "gridProperties.frozenRowCount"}})
            for col, _, rule in change.rules:
                requests.append({"setDataValidation": {
                    "range": {"sheetId": sheet_id, "startRowIndex": change.header_row + 1,
                              "startColumnIndex": col, "endColumnIndex": col + 1},
                    "rule": google_rule(rule)}})
            if change.headers:  # the headers to add are side by side: one range per worksheet
                first = change.headers[0][0]
                values.append((cell_range(change.title, change.header_row + 1, first + 1), [[h for _, h in change.headers]]))
        if requests:
            self.source.batch_update(requests)
        if values:
            self.source.write_values(values)
