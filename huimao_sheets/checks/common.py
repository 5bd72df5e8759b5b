"""Helpers shared by the checks: who owns a row, how a row is named, how days are counted.

A finding's owner is a person on 员工: a row that names someone who is not there (a typo, a colleague who
has left) is owned by the department's 部门经理, else the 市场总监 — so it reaches someone. Only when the
员工 sheet names neither does the finding keep the name as written.
"""

from __future__ import annotations

from huimao_sheets.config import Settings
from huimao_sheets.layout import SheetSpec
from huimao_sheets.model import Client, Register
from huimao_sheets.register import field_header


def department_manager(register: Register, department: str | None) -> str | None:
    """The person who owns what nobody else does: the department's manager, else the director."""
    managers = register.managers_of(department) if department else []
    if managers:
        return managers[0].name
    director = register.director()
    return director.name if director else None


def on_staff(register: Register, name: str) -> bool:
    """Whether ``name`` (normalised as the register reads it) is a person of the 员工 sheet."""
    return name in register.staff_by_name


def client_department(register: Register, client: Client | None) -> str | None:
    """A client's department: its 所属部门, else the department of its 客户经理 on 员工."""
    if client is None:
        return None
    if client.department:
        return client.department
    member = register.staff_by_name.get(client.account_manager) if client.account_manager else None
    return member.department if member else None


def known_or_manager(register: Register, name: str, department: str | None) -> str:
    """``name`` when it is on 员工; else the department's manager, else the director; else ``name``."""
    if on_staff(register, name):
        return name
    return department_manager(register, department) or name


def client_owner(register: Register, client: Client | None) -> str | None:
    """A client's findings go to its 客户经理 (when on 员工), else to the manager of its department."""
    if client is None:
        return None
    if client.account_manager:
        return known_or_manager(register, client.account_manager, client.department)
    return department_manager(register, client.department)


def record_owner(register: Register, sheet_key: str, record) -> str | None:
    """The person who must fix a row: 客户经理 on clients, 拜访人 on visits/plans, 上级 on staff."""
    if sheet_key == "clients":
        return client_owner(register, record)
    if sheet_key in ("visits", "plans"):
        if record.visitor:
            return known_or_manager(register, record.visitor, client_department(register, record.client))
        owner = client_owner(register, record.client)
        return owner or department_manager(register, None)
    if sheet_key == "staff":
        if record.manager:
            return known_or_manager(register, record.manager, record.department)
        if record.role != "市场总监":
            # Nobody above them named (or a role nobody can read): their department's manager, the director,
            # and when the sheet names neither, the person themself.
            return department_manager(register, record.department) or record.name
        return record.name
    return None


def client_label(client: Client) -> str:
    """How a client is named in a message: 名称（编号）."""
    if client.name and client.client_id:
        return f"{client.name}（{client.client_id}）"
    return client.name or client.client_id or f"#{client.row}"


def header(spec: SheetSpec, key: str, settings: Settings) -> str:
    return field_header(spec, spec.field(key), settings)


def client_ids(*clients: Client | None) -> list[str]:
    return sorted({c.client_id for c in clients if c is not None and c.client_id})

