"""Benchmark: the weekly reports of a 200-person firm, rendered and sent to a local SMTP server.

    .venv/bin/python benchmarks/reports.py                 # 200 people, week 2026-W48
    .venv/bin/python benchmarks/reports.py --people 400 --clients-per-person 60

The register is built in code (no workbook): a director, an assistant, and departments of one manager and
account managers, each with their clients, twelve weeks of visits (some without problems recorded, some
colliding with a colleague) and this week's plans. A real SMTP server (aiosmtpd) listens on a loopback port.
Printed: the size, then the time to build the register, run the checks, render every report, and the whole
``send_weekly`` run (checks + render + queue in the ledger + SMTP over one connection), then a re-run that
must send nothing. DESIGN §9 asks for the 200-recipient weekly report to render in seconds over one connection.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from huimao_sheets.checks import run_checks  # noqa: E402
from huimao_sheets.config import Settings  # noqa: E402
from huimao_sheets.layout import CHANNELS  # noqa: E402
from huimao_sheets.register import register_from_tables  # noqa: E402
from huimao_sheets.reports.recipients import recipients  # noqa: E402
from huimao_sheets.timing import Week  # noqa: E402
from huimao_sheets.reports.weekly import send_weekly, weekly_mails  # noqa: E402
from huimao_sheets.snapshot import Snapshot  # noqa: E402
from huimao_sheets.sources import Table  # noqa: E402
from reports_helpers import CLIENT_HEADERS, PLAN_HEADERS, STAFF_HEADERS, VISIT_HEADERS, SmtpServer  # noqa: E402

AS_OF = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
WEEK = Week(2026, 48)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "婷", "俊杰", "欣怡"]
PROBLEMS = ["员工流失率高", "想做绩效考核方案", "销售团队业绩下滑", "想导入5S", "需要股权激励方案", "<b>价格</b>偏高"]


def build_register(people: int, clients_per_person: int, seed: int = 48):
    rng = random.Random(seed)
    names = iter(dict.fromkeys(f"{s}{g}{i or ''}" for i in range(10) for s in SURNAMES for g in GIVEN))
    departments = max(1, (people - 2) // 22)
    staff = [STAFF_HEADERS, ["陈总", "director@huimao.cn", "市场总监", "市场部", None],
             ["林助理", "assistant@huimao.cn", "市场总监助理", "市场部", "陈总"]]
    members: list[tuple[str, str]] = []
    for d in range(departments):
        dept = f"市场{d + 1}部"
        head = next(names)
        staff.append([head, f"m{d}@huimao.cn", "部门经理", dept, "陈总"])
        size = (people - 2) // departments - 1 + (1 if d < (people - 2) % departments else 0)
        for _ in range(size):
            name = next(names)
            members.append((name, dept))
            staff.append([name, f"s{len(staff)}@huimao.cn", "客户经理", dept, head])
    clients, visits, plans = [CLIENT_HEADERS], [VISIT_HEADERS], [PLAN_HEADERS]
    for person, dept in members:
        for _ in range(clients_per_person):
            cid = f"KH{len(clients):06d}"
            clients.append([cid, f"{dept}{person}客户{len(clients)}有限公司", "贸易", "福州市", "黄总", "13800138000",
                            person, dept, rng.choice("ABCD"), "中", "跟踪中",
                            (AS_OF + timedelta(days=rng.randint(-10, 20))).isoformat() if rng.random() < 0.3 else None])
            for _ in range(rng.randint(0, 4)):   # twelve weeks of visits
                day = WEEK.sunday - timedelta(days=rng.randrange(84))
                visitor = person if rng.random() > 0.02 else rng.choice(members)[0]
                visits.append([day.isoformat(), cid, None, visitor, rng.choice(CHANNELS),
                               rng.choice(PROBLEMS) if rng.random() > 0.1 else None, "跟进中", None])
            if rng.random() < 0.1:
                plans.append([(WEEK.monday + timedelta(days=rng.randrange(7))).isoformat(), cid, None, person, "回访"])
    tables = {"clients": Table("客户档案", clients), "visits": Table("拜访记录", visits),
              "staff": Table("员工", staff), "plans": Table("拜访计划", plans)}
    return register_from_tables("benchmark", tables, Settings(), AS_OF)


def timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    print(f"  {label:<52} {time.perf_counter() - started:6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--clients-per-person", type=int, default=40)
    args = parser.parse_args()

    settings = Settings()
    register = timed("build the register in code", lambda: build_register(args.people, args.clients_per_person))
    print(f"  {len(register.staff)} staff, {len(register.clients)} clients, {len(register.visits)} visits, "
          f"{len(register.plans)} plans; week {WEEK.label}")
    findings = timed("run the checks", lambda: run_checks(register, AS_OF, settings))
    snapshot = Snapshot(AS_OF, "benchmark", register, findings, complete=True)
    people = recipients(register)
    mails = timed("render every report (subject, text, inlined HTML)",
                  lambda: weekly_mails(register, findings, WEEK, AS_OF, settings, people, {}))
    size = sum(len(m.html.encode()) + len(m.text.encode()) for m in mails)
    print(f"  {len(mails)} messages to {len(people)} recipients, {size / len(mails) / 1024:.0f} KiB each on average")

    server = SmtpServer().start()
    try:
        with tempfile.TemporaryDirectory() as state:
            local = Settings(smtp=server.url, state_dir=state)
            run = timed("send_weekly: checks + render + ledger + SMTP", lambda: send_weekly(
                local, snapshot=snapshot, now=lambda: NOW, env={}))
            again = timed("send_weekly again (sends nothing)", lambda: send_weekly(
                local, snapshot=snapshot, now=lambda: NOW, env={}))
    finally:
        server.stop()
    print(f"  sent {len(run.delivery.sent)}, received {len(server.received)} over {server.handler.sessions} SMTP "
          f"connection(s); re-run sent {len(again.delivery.sent)}")


if __name__ == "__main__":
    main()
