"""Typed records of the register, each remembering its sheet row.

A field holds its normalised value, ``None`` when the cell is blank, or ``Unreadable(raw)`` when the cell
has content that cannot be read (a bad date, phone or list value); checks report both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping, Union

from huimao_sheets.normalize import Unreadable

DateCell = Union[date, Unreadable, None]
ChoiceCell = Union[str, Unreadable, None]


@dataclass(slots=True)
class Client:  # 客户档案
    row: int
    client_id: str | None = None          # 客户编号, normalised (KH0123)
    name: str | None = None               # 客户名称, NFKC, whitespace removed
    industry: str | None = None           # 行业
    address: str | None = None            # 地址
    contact: str | None = None            # 负责人
    contact_mobile: ChoiceCell = None     # 负责人手机, 11 digits
    account_manager: str | None = None    # 客户经理
    department: str | None = None         # 所属部门
    rating: ChoiceCell = None             # 客户综合评估 A/B/C/D
    likelihood: ChoiceCell = None         # 合作可能评估 高/中/低
    stage: ChoiceCell = None              # 阶段
    next_followup: DateCell = None        # 下次跟进日期
    notes: str | None = None              # 备注
    index: int = -1                       # position in Register.clients (set when the register is built)


@dataclass(slots=True)
class Visit:  # 拜访记录
    row: int
    visit_date: DateCell = None           # 拜访日期
    client_id: str | None = None          # 客户编号 as typed (normalised)
    client_name: str | None = None        # 客户名称 as typed (normalised)
    visitor: str | None = None            # 拜访人
    channel: ChoiceCell = None            # 拜访方式 电话/上门/来访
    problems: str | None = None           # 客户反映问题
    outcome: str | None = None            # 拜访结果
    next_followup: DateCell = None        # 下次跟进日期
    response: str | None = None           # 应对措施 (an optional column: see Register.columns)
    client: Client | None = None          # the registered client this visit resolves to, if any


@dataclass(slots=True)
class Staff:  # 员工
    row: int
    name: str | None = None               # 姓名
    email: ChoiceCell = None              # 邮箱
    role: ChoiceCell = None               # 角色
    department: str | None = None         # 所属部门
    manager: str | None = None            # 上级


@dataclass(slots=True)
class PlannedVisit:  # 拜访计划
    row: int
    planned_date: DateCell = None         # 计划日期
    client_id: str | None = None
    client_name: str | None = None
    visitor: str | None = None            # 拜访人
    purpose: str | None = None            # 目的
    client: Client | None = None          # the registered client this plan resolves to, if any


@dataclass
class Register:
    """Everything read from the spreadsheet, normalised, with row numbers and lookups."""

    source: str
    as_of: date
    clients: list[Client] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    plans: list[PlannedVisit] = field(default_factory=list)
    sheet_titles: dict[str, str] = field(default_factory=dict)      # sheet key → title as in the source
    columns: dict[str, set[str]] = field(default_factory=dict)      # sheet key → field keys present
    # sheet key → field key → 0-based column of its header in the sheet (for links to a finding's cell)
    column_positions: dict[str, dict[str, int]] = field(default_factory=dict)
    clients_by_id: dict[str, Client] = field(default_factory=dict)
    clients_by_name: dict[str, Client] = field(default_factory=dict)
    staff_by_name: dict[str, Staff] = field(default_factory=dict)
    visits_by_client: list[list[Visit]] = field(default_factory=list)   # by Client.index, sheet order
    # Cells met while reading that the cell checks report: (sheet key, field key) → records, in sheet order.
    empty_cells: dict[tuple[str, str], list] = field(default_factory=dict)       # blank or a placeholder
    unreadable_cells: dict[tuple[str, str], list] = field(default_factory=dict)  # Unreadable values
    # Formula errors (#REF!, #N/A…): (sheet key, field key) → [(record, CellError)], in sheet order.
    formula_errors: dict[tuple[str, str], list] = field(default_factory=dict)
    stray_cells: dict[str, list[str]] = field(default_factory=dict)  # sheet key → far cells (XFD1048576)
    plans_by_client: list[list[PlannedVisit]] = field(default_factory=list)
    # visit key → the day the ledger first saw it (None: recorded by the first run); None: no ledger.
    # Given by the caller (snapshot.take_snapshot), read by checks.late_entry.
    visits_seen: Mapping[str, date | None] | None = None
    # Addresses (case-folded) the mail server refused for good (dead letters; ``reports.recipients.bounced``):
    # their people are mailed as if they had no address. Given by the runner, read by reports.recipients.
    refused: frozenset[str] = frozenset()

    def managers_of(self, department: str | None) -> list[Staff]:
        """Department managers (部门经理) of a department, in sheet order."""
        return [s for s in self.staff if s.department == department and s.role == "部门经理" and s.name]

    def director(self) -> Staff | None:
        return next((s for s in self.staff if s.role == "市场总监" and s.name), None)
