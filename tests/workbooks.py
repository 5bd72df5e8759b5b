"""Small hand-made workbooks for tests: rows by sheet, default Chinese headers, written with openpyxl.

    path = make_workbook(tmp_path, clients=[client(client_id="KH0001")], visits=[visit(...)])

Every builder fills a valid row; a test overrides only the cells it is about. Row numbers in the
sheet: the header is row 1, the first record row 2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.layout import CLIENTS, PLANS, STAFF, VISITS

AS_OF = date(2026, 11, 27)

STAFF_ROWS = [
    {"姓名": "陈总", "邮箱": "chen@huimao.cn", "角色": "市场总监", "所属部门": "市场部", "上级": None},
    {"姓名": "王经理", "邮箱": "wang@huimao.cn", "角色": "部门经理", "所属部门": "市场一部", "上级": "陈总"},
    {"姓名": "张伟", "邮箱": "zhangwei@huimao.cn", "角色": "客户经理", "所属部门": "市场一部", "上级": "王经理"},
    {"姓名": "李娜", "邮箱": "lina@huimao.cn", "角色": "客户经理", "所属部门": "市场一部", "上级": "王经理"},
]


def client(**cells: Any) -> dict[str, Any]:
    row = {"客户编号": "KH0001", "客户名称": "福州鼎盛贸易有限公司", "行业": "贸易", "地址": "福建省福州市鼓楼区五四路1号",
           "负责人": "林建国", "负责人手机": "13800138000", "客户经理": "张伟", "所属部门": "市场一部",
           "客户综合评估": "D", "合作可能评估": "中", "阶段": "跟踪中", "下次跟进日期": None, "备注": None}
    row.update(cells)
    return row


def visit(**cells: Any) -> dict[str, Any]:
    row = {"拜访日期": date(2026, 11, 20), "客户编号": "KH0001", "客户名称": None, "拜访人": "张伟",
           "拜访方式": "上门", "客户反映问题": "想做绩效考核", "拜访结果": "已发方案", "下次跟进日期": None}
    row.update(cells)
    return row


def plan(**cells: Any) -> dict[str, Any]:
    row = {"计划日期": date(2026, 12, 2), "客户编号": "KH0001", "客户名称": None, "拜访人": "张伟", "目的": "签约"}
    row.update(cells)
    return row


def _sheet(wb, title: str, headers: list[str], rows: list[dict[str, Any] | None]) -> None:
    ws = wb.create_sheet(title)
    ws.append(headers)
    for row in rows:
        ws.append([] if row is None else [row.get(h) for h in headers])  # None = a blank separator row


def make_workbook(tmp_path: Path, clients=None, visits=None, staff=None, plans=None, name="register.xlsx") -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, CLIENTS.title, [f.header for f in CLIENTS.fields], clients if clients is not None else [client()])
    # 应对措施 is optional: a workbook has it only when a test's visits give it
    with_response = any(row and "应对措施" in row for row in visits or [])
    _sheet(wb, VISITS.title, [f.header for f in VISITS.fields if with_response or f.key != "response"], visits or [])
    _sheet(wb, STAFF.title, [f.header for f in STAFF.fields], staff if staff is not None else STAFF_ROWS)
    _sheet(wb, PLANS.title, [f.header for f in PLANS.fields], plans or [])
    path = tmp_path / name
    wb.save(path)
    return path


def findings(path: Path, code: str, as_of: date = AS_OF, settings: Settings | None = None):
    """The findings of one check on a workbook, through the real reader and register."""
    _register, result = check(str(path), as_of, settings or Settings(), only=[code])
    return result.findings


def located(found) -> list[tuple[str, list[int], str | None]]:
    """(sheet, rows, column) of each finding, in order."""
    return [(f.sheet, f.rows, f.column) for f in found]
