"""Helpers shared by the checks: who owns a row, how a row is named, how days are counted."""

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


def client_owner(register: Register, client: Client | None) -> str | None:
    """A client's findings go to its 客户经理, else to the manager of its department."""
    if client is None:
        return None
    if client.account_manager:
        return client.account_manager
    return department_manager(register, client.department)


def record_owner(register: Register, sheet_key: str, record) -> str | None:
    """The person who must fix a row: 客户经理 on clients, 拜访人 on visits/plans, 上级 on staff."""
    if sheet_key == "clients":
        return client_owner(register, record)
    if sheet_key in ("visits", "plans"):
        if record.visitor:
            return record.visitor
        owner = client_owner(register, record.client)
        return owner or department_manager(register, None)
    if sheet_key == "staff":
        if record.manager:
            return record.manager
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

