"""A messy staff register with its ground truth, built independently of the checks.

    truth = write_register(tmp_path, seed=1, as_of=date(2026, 11, 27))
    truth.path          # the .xlsx written with openpyxl
    truth.expected      # [(code, sheet, rows, column), ...]: every finding the core checks must report

The register is made the way staff sheets are: dates typed every way DESIGN §2 and the README list
(year-less ones included), serials and date cells; mobiles with spaces, dashes, +86/0086/86, full-width
digits or typed as numbers; names with stray and U+3000 spaces; lower-case and full-width client ids;
visits naming the client by id or by a messily spaced, traditional-character name; columns staff added;
title rows; blank separator rows; rows in no order. Into it are planted problems of every core code and
the near misses that must not be found (8 days apart, one person spelled three ways, 14 days since an A
client's visit, a follow-up due today ...).

The truth is computed here from the clean values the generator chose, never by parsing the workbook:
cell findings are recorded where a cell is spoiled, and the relational ones (duplicate rows, collisions,
overdue follow-ups) are derived from the clean records by the rules of DESIGN §4–§5 and the README.
Where those rules leave room (does a visit whose type is unreadable still collide? which visit's
下次跟进日期 counts when the latest visit has none?), the generator keeps the data out of the gap: it
computes the answer under each reading and changes the data until they agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font, PatternFill

WINDOW = 7                                  # collision window, days, inclusive
CADENCE = {"A": 14, "B": 30, "C": 60}       # days since the last visit
CODES = ("missing_required", "invalid_phone", "invalid_date", "invalid_value", "future_date", "unknown_client",
         "duplicate_row", "visit_collision", "plan_collision", "overdue_followup", "unknown_staff")

CLIENTS, VISITS, STAFF, PLANS = "客户档案", "拜访记录", "员工", "拜访计划"
BLANKS = [None, "", "  ", "\u3000", "无", "-", "N/A", "暂无", "待定"]
SERIAL_EPOCH = date(1899, 12, 30)
BOLD = Font(bold=True)
YELLOW = PatternFill("solid", fgColor="FFF2CC")

# Traditional forms of the characters the client names use (written by hand: the truth must not lean on
# the converter the product uses).
TRADITIONAL = str.maketrans({
    "达": "達", "华": "華", "兴": "興", "丰": "豐", "业": "業", "长": "長", "东": "東", "汇": "匯", "顺": "順",
    "辉": "輝", "凯": "凱", "鸿": "鴻", "宝": "寶", "国": "國", "际": "際", "联": "聯", "创": "創", "亿": "億",
    "荣": "榮", "银": "銀", "门": "門", "宁": "寧", "龙": "龍", "贸": "貿", "电": "電", "纺": "紡", "织": "織",
    "饮": "飲", "医": "醫", "药": "藥", "产": "產", "开": "開", "发": "發", "机": "機", "械": "械", "责": "責",
    "团": "團", "厦": "廈",
})

CITIES = ["福州", "厦门", "泉州", "漳州", "莆田", "宁德", "龙岩", "三明", "南平"]
BRAND_CHARS = "鼎盛鑫达恒通华兴永丰宏业长东汇顺辉凯鸿宝国际联创源泰安福海峰晨光新亿嘉荣瑞祥金银"
TRADES = [("贸易", "贸易"), ("电子科技", "电子"), ("食品", "食品"), ("建材", "建材"), ("物流", "物流"),
          ("纺织", "纺织服装"), ("餐饮管理", "餐饮"), ("医药", "医药"), ("房地产开发", "房地产"), ("机械制造", "制造业")]
SUFFIXES = ["有限公司", "有限公司", "有限责任公司", "股份有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林郑谢罗高梁宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆雪琳晨欣怡婷博文"
PROBLEMS = ["想做绩效考核", "关心培训费用", "员工流失率高", "希望做股权激励方案", "销售团队管理混乱", "想了解内训课程",
            "中层执行力不足", "老板想做战略规划", "薪酬体系不合理", "招聘难，留人难", "想做企业文化建设", "财务管控薄弱",
            "二代接班问题", "门店扩张缺人", "生产计划常延误", "客户投诉多", "想申请高新企业", "质量体系要认证",
            "部门间扯皮", "想上ERP系统"]
OUTCOMES = ["已发方案", "约下周再谈", "需老板决定", "报价中", "已签意向书", "对方考虑中", None, None]
PURPOSES = ["签约", "回访", "送方案", "培训需求调研", "报价", None]
EXTRA_TEXT = ["wx_lin88", "老客户介绍", "展会", "网络", "陌拜", "已加微信", "备用"]

STAFF_ROWS = [  # name, email, role, department, manager
    ("陈建华", "chenjh@huimao.cn", "市场总监", "市场部", None),
    ("黄丽", "huangli@huimao.cn", "市场总监助理", "市场部", "陈建华"),
    ("王磊", "wanglei@huimao.cn", "部门经理", "市场一部", "陈建华"),
    ("刘洋", "liuyang@huimao.cn", "部门经理", "市场二部", "陈建华"),
    ("林芳", "linfang@huimao.cn", "部门经理", "市场三部", "陈建华"),
    ("张伟", "zhangwei@huimao.cn", "客户经理", "市场一部", "王磊"),
    ("张炜", "zhangwei2@huimao.cn", "客户经理", "市场一部", "王磊"),
    ("李娜", "lina@huimao.cn", "客户经理", "市场一部", "王磊"),
    ("王芳", "wangfang@huimao.cn", "客户经理", "市场一部", "王磊"),
    ("陈静", "chenjing@huimao.cn", "客户经理", "市场二部", "刘洋"),
    ("杨帆", "yangfan@huimao.cn", "客户经理", "市场二部", "刘洋"),
    ("赵敏", "zhaomin@huimao.cn", "客户经理", "市场二部", "刘洋"),
    ("吴强", "wuqiang@huimao.cn", "客户经理", "市场三部", "林芳"),
    ("郑丽", "zhengli@huimao.cn", "客户经理", "市场三部", "林芳"),
    ("何军", "hejun@huimao.cn", "客户经理", "市场三部", "林芳"),
    ("周杰", "zhoujie@huimao.cn", "客户经理", "市场三部", "林芳"),
]
MANAGERS = [s[0] for s in STAFF_ROWS if s[2] == "客户经理"]
DEPARTMENT = {s[0]: s[3] for s in STAFF_ROWS}

# Worksheet layouts as staff leave them: (header text as typed, field) — field None for columns staff added.
CLIENT_COLUMNS = [("*客户编号", "客户编号"), ("客户名称(必填)", "客户名称"), ("行业", "行业"), ("联系电话", None),
                  ("负责人", "负责人"),
                  ("负责人手机 ", "负责人手机"), ("微信", None), ("地址", "地址"), ("客户经理", "客户经理"),
                  ("所属部门", "所属部门"), ("客户综合评估", "客户综合评估"), ("合作可能评估", "合作可能评估"),
                  ("阶段", "阶段"), ("下次跟进日期", "下次跟进日期"), ("客户来源", None), ("备注", "备注"), (None, None)]
VISIT_COLUMNS = [("拜访日期", "拜访日期"), ("客户编号", "客户编号"), ("客户名称", "客户名称"), ("拜访人", "拜访人"),
                 ("拜访方式", "拜访方式"), ("客户反映问题", "客户反映问题"), (None, None), ("拜访结果", "拜访结果"),
                 ("下次跟进日期", "下次跟进日期"), ("微信", None)]
STAFF_COLUMNS = [("Name", "姓名"), ("Email", "邮箱"), ("Role", "角色"), ("Department", "所属部门"),
                 ("Manager", "上级"), ("手机", None)]
PLAN_COLUMNS = [("拜访人", "拜访人"), ("计划日期", "计划日期"), ("客户名称", "客户名称"), ("客户编号", "客户编号"),
                ("目的", "目的")]
PLAN_TITLE = "2026年下半年拜访计划（每周五前更新）"   # a title row above the plans' header


# ---------------------------------------------------------------------------------------------------------
# Records: the clean values, the cells as typed, and the findings planted in them.


@dataclass(eq=False)
class Record:
    sheet: str
    cells: dict[str, Any] = field(default_factory=dict)       # field → value as typed
    planted: list[tuple[str, str]] = field(default_factory=list)  # (code, field) of the spoiled cells
    row: int = 0


@dataclass(eq=False)
class Client(Record):
    cid: str = ""
    name: str = ""
    manager: str = ""
    rating: str | None = None        # None: unreadable or blank — no cadence
    next_followup: date | None = None
    quiet: bool = False              # D, never a follow-up date: nothing relational can happen to it
    by_name: bool = True             # visits may name it by 客户名称
    has_visits: bool = True


@dataclass(eq=False)
class Visit(Record):
    day: date | None = None          # None: missing or unreadable
    client: str | None = None        # the resolved client id; None: unknown client or none given
    visitor: str | None = None
    channel: str | None = None
    problems: str | None = None
    outcome: str | None = None
    next_followup: date | None = None
    clean: bool = True               # False: some cell is spoiled (it must stay out of relational gaps)


@dataclass(eq=False)
class Plan(Record):
    day: date | None = None
    client: str | None = None
    visitor: str | None = None
    clean: bool = True


@dataclass
class TruthRegister:
    path: Path
    as_of: date
    expected: list[tuple[str, str, tuple[int, ...], str | None]]
    overdue: dict[int, tuple[date, int]]   # client row → (due, days late) of each overdue client


# ---------------------------------------------------------------------------------------------------------
# Messy but valid ways of typing a value.


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def nearest_year_date(month: int, day: int, as_of: date) -> date | None:
    options = []
    for year in (as_of.year - 1, as_of.year, as_of.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            return None
    return min(options, key=lambda d: abs((d - as_of).days))


class Typist:
    """Types clean values the many ways staff do."""

    def __init__(self, rng: random.Random, as_of: date):
        self.rng = rng
        self.as_of = as_of

    def pick(self, options):
        return self.rng.choice(options)

    def stray(self, text: str) -> str:
        return self.pick([text, text, text, f" {text}", f"{text} ", f"{text}\u3000"])

    def date(self, d: date) -> Any:
        forms = ["cell", "cell", "cell", "datetime", "iso", "iso", "short", "slash", "slash", "dot", "cn", "cn",
                 "compact", "serial", "serial_time"]
        if abs((d - self.as_of).days) <= 150 and nearest_year_date(d.month, d.day, self.as_of) == d:
            forms += ["md", "md", "md_cn"]
        form = self.pick(forms)
        serial = (d - SERIAL_EPOCH).days
        typed = {
            "cell": d,
            "datetime": datetime.combine(d, time(self.rng.randint(8, 18), self.pick([0, 15, 30]))),
            "iso": d.isoformat(),
            "short": f"{d.year}-{d.month}-{d.day}",
            "slash": f"{d.year}/{d.month}/{d.day}",
            "dot": f"{d.year}.{d.month}.{d.day}",
            "cn": f"{d.year}年{d.month}月{d.day}日",
            "compact": d.strftime("%Y%m%d"),
            "serial": serial,
            "serial_time": serial + self.pick([0.25, 0.5, 0.625]),
            "md": f"{d.month}/{d.day}",
            "md_cn": f"{d.month}月{d.day}日",
        }[form]
        return self.stray(typed) if isinstance(typed, str) else typed

    def mobile(self, n: str) -> Any:
        spaced = f"{n[:3]} {n[3:7]} {n[7:]}"
        dashed = f"{n[:3]}-{n[3:7]}-{n[7:]}"
        return self.pick([
            n, n, n, int(n), int(n), spaced, dashed, f"+86 {spaced}", f"+86-{n}", f"+86{n}", f"0086 {n}",
            f"0086-{dashed}", f"86 {n}", f"(+86) {dashed}", f"{n[:3]}.{n[3:7]}.{n[7:]}", fullwidth(n),
            fullwidth(dashed), fullwidth(f"+86-{dashed}"), f"（{n[:3]}）{n[3:]}", f" {n} ", f"{n}\u3000",
        ])

    def person(self, name: str) -> str:
        spaced = name[0] + self.pick([" ", "\u3000", "  "]) + name[1:]
        return self.pick([name, name, name, f" {name} ", spaced, f"{name}\u3000", f"\u3000{name}"])

    def client_id(self, cid: str) -> str:
        return self.pick([cid, cid, cid, cid.lower(), fullwidth(cid), fullwidth(cid.lower()), f" {cid} ",
                          cid[:2] + "-" + cid[2:], cid.capitalize()])

    def client_name(self, name: str) -> str:
        """A company name as a colleague types it in the visit log."""
        if self.rng.random() < 0.5:
            name = name.translate(TRADITIONAL)
        if self.rng.random() < 0.5:
            name = name.replace("（", "(").replace("）", ")")
        if self.rng.random() < 0.5:
            name = "".join(fullwidth(ch) if ch.isascii() and ch.isalpha() else ch for ch in name)
        if self.rng.random() < 0.5:
            cut = self.rng.randint(1, len(name) - 1)
            name = name[:cut] + self.pick([" ", "\u3000", "  "]) + name[cut:]
        return self.stray(name)

    def register_name(self, name: str) -> str:
        """A company name as typed into the register: stray spaces, inside too."""
        cut = self.rng.randint(2, len(name) - 2)
        return self.pick([f" {name}", f"{name} ", f"{name}\u3000", name[:cut] + "\u3000" + name[cut:],
                          name[:cut] + " " + name[cut:]])

    def rating(self, r: str) -> str:
        return self.pick([r, r, r, r.lower(), fullwidth(r), f"{r}级", f"{r}类", f" {r} "])

    def choice(self, v: str) -> str:
        return self.pick([v, v, v, f" {v}", f"{v} "])

    def channel(self, v: str) -> str:
        return self.pick({"上门": ["上门", "上门", "上门拜访", " 上门"], "电话": ["电话", "电话", "电话拜访"],
                          "来访": ["来访", "来访 "]}[v])

    def text(self, t: str | None) -> Any:
        if t is None:
            return self.pick([None, None, "无", "-"])
        return self.stray(t)

    def respaced(self, t: str) -> str:
        """The same free text with whitespace typed in (whitespace in free text does not count)."""
        cut = self.rng.randint(1, len(t) - 1)
        return f" {t[:cut]} {t[cut:]}"


# ---------------------------------------------------------------------------------------------------------
# The generator.


class Generator:
    def __init__(self, seed: int, as_of: date):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.typist = Typist(self.rng, as_of)
        self.clients: list[Client] = []
        self.visits: list[Visit] = []
        self.plans: list[Plan] = []
        self.staff: list[Record] = []
        self.used_ids: set[str] = set()
        self.used_brands: set[str] = set()
        self.used_mobiles: set[str] = set()

    # -- helpers -------------------------------------------------------------------------------------------

    def ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def new_id(self) -> str:
        """An id no client has: for a new client, or for a visit naming a client that is not registered."""
        while True:
            cid = f"KH{self.rng.randint(1, 9999):04d}"
            if cid not in self.used_ids:
                self.used_ids.add(cid)
                return cid

    def new_brand(self) -> str:
        while True:
            brand = "".join(self.rng.sample(BRAND_CHARS, 2))
            if brand not in self.used_brands:
                self.used_brands.add(brand)
                return brand

    def new_mobile(self) -> str:
        prefixes = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                    "155", "156", "157", "158", "159", "176", "177", "180", "181", "182", "183", "185", "186",
                    "187", "188", "189", "198", "199"]
        while True:
            n = self.pick(prefixes) + f"{self.rng.randint(0, 99999999):08d}"
            if n not in self.used_mobiles:
                self.used_mobiles.add(n)
                return n

    def pick(self, options):
        return self.rng.choice(options)

    def person_name(self) -> str:
        return self.pick(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.randint(1, 2)))

    # -- clients -------------------------------------------------------------------------------------------

    def add_client(self, rating: str = "D", manager: str | None = None, next_followup: date | None = None,
                   quiet: bool = False) -> Client:
        t = self.typist
        city = self.pick(CITIES)
        trade, industry = self.pick(TRADES)
        group = "（集团）" if self.rng.random() < 0.15 else ""
        brand = self.new_brand()
        if self.rng.random() < 0.05:
            brand = self.pick(["JK", "ABC", "KD", "UTC", "HM", "XYZ", "MX", "QT"]) + brand
        name = f"{city}{brand}{trade}{group}{self.pick(SUFFIXES)}"
        manager = manager or self.pick(MANAGERS)
        c = Client(CLIENTS, cid=self.new_id(), name=name, manager=manager, rating=rating,
                   next_followup=next_followup, quiet=quiet)
        stage = self.pick(["收集信息", "已约访", "已拜访", "跟踪中", "合约接洽", "项目实施", "保持联系", None])
        c.cells = {
            "客户编号": t.client_id(c.cid) if self.rng.random() < 0.3 else c.cid,
            "客户名称": t.register_name(name) if self.rng.random() < 0.4 else name,
            "行业": industry if self.rng.random() < 0.95 else "教育培训",   # 行业 is no value list: never a finding
            "地址": f"福建省{city}市{self.pick(['鼓楼区', '思明区', '丰泽区', '城厢区', '新罗区'])}"
                    f"{self.pick(['五四路', '湖滨南路', '东街', '八一七路', '工业路'])}{self.rng.randint(1, 300)}号",
            "负责人": t.person(self.person_name()),
            "负责人手机": t.mobile(self.new_mobile()),
            "客户经理": t.person(manager),
            "所属部门": DEPARTMENT[manager],
            "客户综合评估": t.rating(rating),
            "合作可能评估": t.choice(self.pick(["高", "中", "低"])),
            "阶段": t.choice(stage) if stage else self.pick([None, "无"]),
            "下次跟进日期": t.date(next_followup) if next_followup else self.pick([None, None, None, "待定", "无"]),
            "备注": self.pick([None, None, "老板姓林", "无", "需先约", "  "]),
        }
        self.clients.append(c)
        return c

    def spoil_client(self, c: Client, fld: str, value: Any, code: str) -> None:
        c.cells[fld] = value
        c.planted.append((code, fld))
        if fld == "客户综合评估":
            c.rating = None
        if fld == "客户编号":
            c.has_visits = False
        if fld in ("客户编号", "客户名称"):
            c.by_name = False

    # -- visits --------------------------------------------------------------------------------------------

    def add_visit(self, c: Client | None, day: date, visitor: str, *, channel: str | None = None,
                  problems: str | None = None, outcome: str | None = "random", next_followup: date | None = None,
                  ref: str = "random") -> Visit:
        t = self.typist
        channel = channel or self.pick(["上门", "上门", "电话", "电话", "来访"])
        problems = problems or self.pick(PROBLEMS)
        outcome = self.pick(OUTCOMES) if outcome == "random" else outcome
        v = Visit(VISITS, day=day, client=c.cid if c else None, visitor=visitor, channel=channel,
                  problems=problems, outcome=outcome, next_followup=next_followup)
        if ref == "random":
            ref = "name" if c is not None and c.by_name and self.rng.random() < 0.25 else "id"
        id_cell: Any = None
        name_cell: Any = None
        if c is not None and ref == "id":
            id_cell = t.client_id(c.cid)
            if self.rng.random() < 0.3:
                name_cell = c.name                      # both given: the id decides
        elif c is not None and ref == "name":
            id_cell = self.pick([None, None, None, "无", "  "])  # a placeholder id is a blank id
            name_cell = t.client_name(c.name)
        v.cells = {
            "拜访日期": t.date(day),
            "客户编号": id_cell,
            "客户名称": name_cell,
            "拜访人": t.person(visitor),
            "拜访方式": t.channel(channel),
            "客户反映问题": t.stray(problems),
            "拜访结果": t.text(outcome),
            "下次跟进日期": t.date(next_followup) if next_followup else self.pick([None, None, None, "待定"]),
        }
        self.visits.append(v)
        return v

    def spoil_visit(self, v: Visit, fld: str, value: Any, code: str | None) -> Visit:
        v.cells[fld] = value
        if code:
            v.planted.append((code, fld))
        v.clean = False
        if fld == "拜访日期" and code != "future_date":
            v.day = None
        if fld == "拜访人":
            v.visitor = None
        return v

    def copy_visit(self, v: Visit, **typed: Any) -> Visit:
        """The same visit entered again, typed differently (identical after normalisation)."""
        t = self.typist
        c = next(c for c in self.clients if c.cid == v.client)
        w = Visit(VISITS, day=v.day, client=v.client, visitor=v.visitor, channel=v.channel, problems=v.problems,
                  outcome=v.outcome, next_followup=v.next_followup)
        w.cells = {
            "拜访日期": t.date(v.day),
            "客户编号": t.client_id(c.cid) if self.rng.random() < 0.5 else None,
            "客户名称": None,
            "拜访人": t.person(v.visitor),
            "拜访方式": t.channel(v.channel),
            "客户反映问题": t.respaced(v.problems),
            "拜访结果": t.respaced(v.outcome) if v.outcome else None,
            "下次跟进日期": t.date(v.next_followup) if v.next_followup else None,
        }
        if w.cells["客户编号"] is None:
            w.cells["客户名称"] = t.client_name(c.name)
        w.cells.update(typed)
        self.visits.append(w)
        return w

    # -- plans ---------------------------------------------------------------------------------------------

    def add_plan(self, c: Client | None, day: date, visitor: str, ref: str = "random") -> Plan:
        t = self.typist
        p = Plan(PLANS, day=day, client=c.cid if c else None, visitor=visitor)
        if ref == "random":
            ref = "name" if c is not None and c.by_name and self.rng.random() < 0.3 else "id"
        p.cells = {
            "计划日期": t.date(day),
            "客户编号": t.client_id(c.cid) if c is not None and ref == "id" else None,
            "客户名称": t.client_name(c.name) if c is not None and ref == "name" else None,
            "拜访人": t.person(visitor),
            "目的": self.pick(PURPOSES),
        }
        self.plans.append(p)
        return p

    # -- the register --------------------------------------------------------------------------------------

    def background(self, n_clients: int) -> None:
        """Ordinary clients, their visits and next week's plans."""
        for i in range(n_clients):
            quiet = i % 5 == 0
            rating = "D" if quiet else self.pick(["A", "B", "B", "C", "C", "D"])
            manager = self.pick(MANAGERS)
            nf = None
            if not quiet and self.rng.random() < 0.35:
                nf = self.ago(self.rng.randint(-30, 60))
            c = self.add_client(rating, manager, nf, quiet=quiet)
            n_visits = self.rng.choice([0, 3, 6, 9, 12, 15, 18, 21, 24])
            days = sorted(self.rng.sample(range(0, 330), n_visits))
            last_day = -99
            for d in days:
                if quiet and d - last_day < 12:
                    continue                      # a quiet client's visits stay far apart
                last_day = d
                visitor = manager
                if not quiet and self.rng.random() < 0.04:
                    visitor = self.pick([m for m in MANAGERS if m != manager])  # a colleague drops in
                nf = None if quiet or self.rng.random() < 0.4 else self.ago(d) + timedelta(self.rng.randint(7, 45))
                self.add_visit(c, self.ago(d), visitor, next_followup=nf)
            if not quiet and self.rng.random() < 0.35:
                planner = manager if self.rng.random() < 0.92 else self.pick(MANAGERS)
                self.add_plan(c, self.ago(-self.rng.randint(1, 14)), planner)

    def free_day(self, c: Client, lo: int, hi: int) -> int:
        """A day (as days ago) at least 12 days from every other visit of a quiet client."""
        taken = [(self.as_of - v.day).days for v in self.visits if v.client == c.cid and v.day]
        for _ in range(500):
            d = self.rng.randint(lo, hi)
            if all(abs(d - x) >= 12 for x in taken):
                return d
        raise RuntimeError(f"no free day for {c.cid}")

    def quiet_client(self) -> Client:
        """A fresh quiet client to hang a spoiled visit on (D, no follow-up dates, visits far apart)."""
        c = self.add_client("D", quiet=True)
        for d in (self.rng.randint(60, 100), self.rng.randint(150, 200)):
            self.add_visit(c, self.ago(d), c.manager, next_followup=None)
        return c

    def spoiled_visits(self) -> None:
        """Visits with one unreadable, missing or unknown thing each, kept away from anything relational."""
        bad_dates = ["2026-06-31", "2026/13/02", "11/31", "下周三", "2026年11月", "2026-02-29", "26-11-0a", "上月底"]
        for fld, value, code in [
            ("拜访日期", None, "missing_required"), ("拜访日期", "待定", "missing_required"),
            ("拜访人", "  ", "missing_required"), ("拜访人", None, "missing_required"),
            ("拜访方式", "-", "missing_required"), ("拜访方式", "N/A", "missing_required"),
            ("客户反映问题", "无", "missing_required"), ("客户反映问题", "\u3000", "missing_required"),
            ("客户反映问题", "暂无", "missing_required"), ("客户反映问题", None, "missing_required"),
            ("拜访方式", "微信", "invalid_value"), ("拜访方式", "视频会议", "invalid_value"),
            ("拜访方式", "邮件", "invalid_value"),
            *[("拜访日期", bad, "invalid_date") for bad in bad_dates],
            ("下次跟进日期", "再说吧", "invalid_date"), ("下次跟进日期", "2026-11-31", "invalid_date"),
        ]:
            c = self.quiet_client()
            d = self.free_day(c, 5, 120)
            v = self.add_visit(c, self.ago(d), c.manager, next_followup=None)
            self.spoil_visit(v, fld, value, code)
            if fld == "下次跟进日期":
                v.next_followup = None
        # Visits dated after the as-of date (a mistyped year): valid dates, a warning.
        for typed_day in (self.as_of + timedelta(days=1), self.as_of.replace(year=self.as_of.year + 1) - timedelta(10),
                          self.as_of + timedelta(days=6)):
            c = self.quiet_client()
            v = self.add_visit(c, typed_day, c.manager, next_followup=None)
            self.spoil_visit(v, "拜访日期", self.typist.date(typed_day), "future_date")
        # Visits and plans of clients that are not registered.
        for _ in range(4):
            v = self.add_visit(None, self.ago(self.rng.randint(1, 200)), self.pick(MANAGERS), next_followup=None)
            v.cells["客户编号"] = self.typist.client_id(self.new_id())
            v.planted.append(("unknown_client", "客户编号"))
            v.clean = False
        for name in ("泉州恒昌鞋业有限公司", "晋江 安踏贸易", "福州市某某科技"):
            v = self.add_visit(None, self.ago(self.rng.randint(1, 200)), self.pick(MANAGERS), next_followup=None)
            v.cells["客户名称"] = name
            v.planted.append(("unknown_client", "客户名称"))
            v.clean = False
        # An id that is not registered decides, even beside a registered name.
        c = self.quiet_client()
        v = self.add_visit(c, self.ago(self.free_day(c, 5, 120)), c.manager, next_followup=None)
        v.cells["客户编号"] = self.new_id()
        v.cells["客户名称"] = c.name
        v.client = None
        v.planted.append(("unknown_client", "客户编号"))
        v.clean = False
        # Someone not on the staff list visits: unknown_staff (the truth finds it from the cells).
        c = self.quiet_client()
        self.add_visit(c, self.ago(self.free_day(c, 5, 120)), "实习生小刘", next_followup=None).clean = False

    def spoiled_clients(self) -> None:
        bad = [
            ("客户编号", None, "missing_required"), ("客户名称", "  ", "missing_required"),
            ("行业", "-", "missing_required"), ("地址", "\u3000", "missing_required"), ("地址", "暂无", "missing_required"),
            ("负责人", "无", "missing_required"), ("负责人手机", None, "missing_required"),
            ("负责人手机", "N/A", "missing_required"), ("客户经理", "待定", "missing_required"),
            ("客户综合评估", None, "missing_required"), ("合作可能评估", " ", "missing_required"),
            ("负责人手机", "0591-87654321", "invalid_phone"), ("负责人手机", "8765432", "invalid_phone"),
            ("负责人手机", "1380013800", "invalid_phone"), ("负责人手机", "138001380001", "invalid_phone"),
            ("负责人手机", "12012345678", "invalid_phone"), ("负责人手机", "138OO138000", "invalid_phone"),
            ("负责人手机", 59187654321, "invalid_phone"), ("负责人手机", "+852 9123 4567", "invalid_phone"),
            ("客户综合评估", "E", "invalid_value"), ("客户综合评估", "优", "invalid_value"),
            ("合作可能评估", "一般", "invalid_value"), ("合作可能评估", "不确定", "invalid_value"),
            ("阶段", "已签约", "invalid_value"), ("阶段", "洽谈", "invalid_value"),
            ("下次跟进日期", "2026-06-31", "invalid_date"), ("下次跟进日期", "月底", "invalid_date"),
        ]
        for fld, value, code in bad:
            c = self.add_client("D", quiet=True)
            self.spoil_client(c, fld, value, code)
            if c.has_visits:
                for d in (self.rng.randint(3, 40), self.rng.randint(60, 200)):
                    self.add_visit(c, self.ago(d), c.manager, next_followup=None, ref="id")

    def collisions(self) -> None:
        """Planted 撞车 and its near misses, each on a client of its own."""
        def scene(*visits: tuple[int, str], ref: str = "random") -> Client:
            c = self.add_client("D", manager=visits[0][1])
            for d, who in visits:
                self.add_visit(c, self.ago(d), who, next_followup=None, ref=ref)
            return c

        scene((10, "张伟"), (3, "李娜"))                          # 7 days apart: collides
        scene((20, "王芳"), (12, "李娜"))                          # 8 days apart: does not
        scene((5, "陈静"), (4, "陈静"), (2, "陈静"))               # one person spelled three ways:
        for v, typed in zip(self.visits[-3:], ["陈静", " 陈静 ", "陈\u3000静"]):
            v.cells["拜访人"] = typed                                # never collides with themself
        scene((30, "吴强"), (24, "郑丽"), (18, "何军"))            # a chain: one episode of three
        scene((40, "杨帆"), (37, "杨帆"), (31, "赵敏"))            # only the colliding visit of 杨帆
        scene((60, "周杰"), (58, "何军"), (20, "周杰"), (17, "郑丽"))  # two episodes
        scene((9, "张伟"), (9, "张炜"))                            # two people, nearly one name
        scene((15, "陈静"), (15, "杨帆"), ref="name")              # both name the client, traditional/spaced
        scene((50, "王芳"), (44, "张伟"), ref="id")                # ids typed every way

    def duplicates(self) -> None:
        def base(**kw: Any) -> tuple[Client, Visit]:
            c = self.add_client("D", next_followup=None)
            v = self.add_visit(c, self.ago(self.rng.randint(3, 90)), c.manager, **kw)
            return c, v

        _, v = base(outcome="已发方案")
        self.copy_visit(v)                                           # twice
        _, v = base(outcome=None)
        self.copy_visit(v)
        self.copy_visit(v)                                           # three times
        _, v = base(outcome="约下周再谈", next_followup=self.ago(-20))
        self.copy_visit(v)                                           # with the same next follow-up
        _, v = base(outcome="报价中")
        self.copy_visit(v, 客户反映问题=v.problems + "，另想做内训").problems += "，另想做内训"  # near miss
        _, v = base(channel="上门", outcome="报价中")
        w = self.copy_visit(v, 拜访方式="电话")                       # near miss: another channel
        w.channel = "电话"
        _, v = base(outcome="报价中")
        w = self.copy_visit(v, 拜访结果="需老板决定")                  # near miss: another outcome
        w.outcome = "需老板决定"
        _, v = base(outcome="报价中", next_followup=self.ago(-10))
        w = self.copy_visit(v, 下次跟进日期=self.ago(-12))            # near miss: another next follow-up
        w.next_followup = self.ago(-12)

    def overdue(self) -> None:
        """Follow-ups due, late and not yet late, on clients of their own."""
        def scene(rating: str, visits: list[tuple[int, int | None]], client_next: int | None = None,
                  rating_typed: str | None = None) -> Client:
            c = self.add_client(rating, next_followup=None if client_next is None else self.ago(client_next))
            if rating_typed:
                c.cells["客户综合评估"] = rating_typed
            for d, nf in visits:
                self.add_visit(c, self.ago(d), c.manager, next_followup=None if nf is None else self.ago(nf))
            return c

        scene("A", [(40, None), (15, None)])          # 15 days since an A client's visit: overdue
        scene("A", [(40, None), (14, None)])          # 14: not yet
        scene("B", [(31, None)])
        scene("B", [(90, None), (30, None)])
        scene("C", [(61, None)])
        scene("C", [(60, None)])
        scene("D", [(300, None)])                     # D has no cadence
        scene("D", [], client_next=1)                 # due yesterday, never visited
        scene("D", [], client_next=0)                 # due today
        scene("D", [(5, None)], client_next=5)        # visited on the due date
        scene("D", [(10, 3)])                         # the last visit's follow-up is 3 days late
        scene("D", [(20, -5)], client_next=10)        # the later of the two dates counts: not due
        scene("D", [(20, 2)], client_next=-5)
        scene("A", [])                                # never visited: no cadence due date
        scene("A", [(20, None)], rating_typed="a")
        scene("A", [(20, None)], rating_typed="A级")
        scene("B", [(10, 1)])                         # within cadence, but the follow-up is late
        scene("A", [(40, 33)])                        # both late: one finding
        scene("A", [(15, -3)])                        # follow-up not yet due, cadence is: overdue
        scene("B", [(30, -3)], client_next=1)         # follow-up on the client row is later: not overdue
        c = scene("D", [], client_next=10)            # a colleague visited after the due date: not overdue
        self.add_visit(c, self.ago(5), self.pick([m for m in MANAGERS if m != c.manager]))
        scene("C", [(0, None)], client_next=3)        # visited today, on the as-of date
        c = scene("A", [(20, None)])                  # a visit typed a year ahead has not happened
        v = self.add_visit(c, self.as_of.replace(year=self.as_of.year + 1) - timedelta(20), c.manager)
        self.spoil_visit(v, "拜访日期", self.typist.date(v.day), "future_date")

    def plan_collisions(self) -> None:
        def scene(plans: list[tuple[int, str]], visits: list[tuple[int, str]] = (), ref="random") -> Client:
            c = self.add_client("D", manager=plans[0][1])
            for d, who in visits:
                self.add_visit(c, self.ago(d), who, next_followup=None, ref="id")
            for d, who in plans:
                self.add_plan(c, self.ago(d), who, ref=ref)
            return c

        scene([(-3, "张伟"), (-5, "李娜")])                      # two plans: collide
        scene([(-2, "王芳")], [(3, "张炜")])                     # a colleague's visit 5 days before
        scene([(-2, "陈静")], [(1, "陈静")])                     # one's own visit
        scene([(-10, "杨帆")], [(1, "赵敏")])                    # 11 days apart
        scene([(-6, "吴强")], [(2, "郑丽")])                     # 8 days apart
        scene([(-5, "何军")], [(2, "周杰")])                     # 7 days apart: collides
        scene([(-4, "郑丽"), (-6, "郑丽")])                      # one person twice
        scene([(-4, "赵敏"), (-9, "陈静")], ref="name")       # planned by name, traditional/spaced
        self.plans[-1].cells["拜访人"] = " 陈　静"
        scene([(20, "周杰")], [(17, "吴强")])                    # a past plan and a visit after it

    def spoiled_plans(self) -> None:
        for fld, value, code in [("计划日期", None, "missing_required"), ("拜访人", "无", "missing_required"),
                                 ("计划日期", "下周", "invalid_date"), ("计划日期", "2026-11-31", "invalid_date")]:
            c = self.add_client("D", quiet=True)
            p = self.add_plan(c, self.ago(-self.rng.randint(1, 10)), c.manager, ref="id")
            p.cells[fld] = value
            p.planted.append((code, fld))
            p.clean = False
        p = self.add_plan(None, self.ago(-3), self.pick(MANAGERS))
        p.cells["客户编号"] = self.new_id().lower()
        p.planted.append(("unknown_client", "客户编号"))
        p.clean = False
        p = self.add_plan(None, self.ago(-4), self.pick(MANAGERS))
        p.cells["客户名称"] = "厦门未登记餐饮管理有限公司"
        p.planted.append(("unknown_client", "客户名称"))
        p.clean = False

    def staff_rows(self) -> None:
        t = self.typist
        for i, (name, email, role, dept, boss) in enumerate(STAFF_ROWS):
            r = Record(STAFF, cells={"姓名": t.person(name), "邮箱": email, "角色": t.choice(role), "所属部门": dept,
                                     "上级": t.person(boss) if boss else None})
            if name == "周杰":
                r.cells["邮箱"] = "无"
                r.planted.append(("missing_required", "邮箱"))
            if name == "何军":
                r.cells["角色"] = "销售"
                r.planted.append(("invalid_value", "角色"))
            self.staff.append(r)

    def build(self, n_clients: int = 110) -> None:
        self.staff_rows()
        self.background(n_clients)
        self.spoiled_clients()
        self.spoiled_visits()
        self.collisions()
        self.duplicates()
        self.overdue()
        self.plan_collisions()
        self.spoiled_plans()


# ---------------------------------------------------------------------------------------------------------
# The truth of the relational checks, from the clean records.


def unknown_staff(g) -> list[tuple[str, str, tuple[int, ...]]]:
    """(sheet, column, rows) per person cell naming nobody on 员工, spaces of any width set aside."""
    known = {name for name, *_ in STAFF_ROWS}
    groups: dict[tuple[str, str, str], list[int]] = {}
    for records, fld in ((g.visits, "拜访人"), (g.plans, "拜访人"), (g.clients, "客户经理"), (g.staff, "上级")):
        for rec in records:
            value = rec.cells.get(fld)
            name = "".join(value.split()) if isinstance(value, str) else None
            if name and value not in BLANKS and name not in known:
                groups.setdefault((rec.sheet, fld, name), []).append(rec.row)
    return [(sheet, fld, tuple(sorted(rows))) for (sheet, fld, _name), rows in groups.items()]


def _components(nodes: list, linked) -> list[list]:
    parent = list(range(len(nodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(nodes)):
        for j in range(i + 1, len(nodes)):
            if linked(nodes[i], nodes[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list] = {}
    for i, n in enumerate(nodes):
        groups.setdefault(root(i), []).append(n)
    return [g for g in groups.values() if len(g) > 1]


def _by_client(items) -> dict[str, list]:
    out: dict[str, list] = {}
    for x in items:
        out.setdefault(x.client, []).append(x)
    return out


def _near(a, b) -> bool:
    return a.visitor != b.visitor and abs((a.day - b.day).days) <= WINDOW


def visit_collisions(visits: list[Visit]) -> list[list[Visit]]:
    usable = [v for v in visits if v.day and v.client and v.visitor]
    return [g for vs in _by_client(usable).values() for g in _components(vs, _near)]


def plan_collisions(plans: list[Plan], visits: list[Visit], visit_links: bool = False) -> list[list[Plan]]:
    """Episodes of plans: linked to a colleague's plan or visit within the window (visit-to-visit links too,
    when visit_links: another reading, used to keep the data out of the gap)."""
    usable_p = [p for p in plans if p.day and p.client and p.visitor]
    usable_v = [v for v in visits if v.day and v.client and v.visitor]
    out = []
    for cid, ps in _by_client(usable_p).items():
        nodes = ps + [v for v in usable_v if v.client == cid]

        def linked(a, b) -> bool:
            if isinstance(a, Visit) and isinstance(b, Visit) and not visit_links:
                return False
            return _near(a, b)

        for g in _components(nodes, linked):
            ps_in = [x for x in g if isinstance(x, Plan)]
            if ps_in:
                out.append(ps_in)
    return out


def duplicate_groups(visits: list[Visit]) -> list[list[Visit]]:
    def squeeze(t: str | None) -> str | None:
        return None if t is None else "".join(t.split())

    groups: dict[tuple, list[Visit]] = {}
    for v in visits:
        if v.clean:
            key = (v.day, v.client, v.visitor, v.channel, squeeze(v.problems), squeeze(v.outcome), v.next_followup)
            groups.setdefault(key, []).append(v)
    return [g for g in groups.values() if len(g) > 1]


def overdue_clients(clients: list[Client], visits: list[Visit], as_of: date,
                    reading: str = "latest visit") -> dict[Client, tuple[date, str]]:
    """Overdue clients → (due, reason), by DESIGN §5 and the README. `reading` names which visit's
    下次跟进日期 counts: the latest visit's (DESIGN), the latest visit that has one, or any visit's."""
    happened = _by_client(v for v in visits if v.day and v.client and v.day <= as_of)
    out = {}
    for c in clients:
        vs = happened.get(c.cid, [])
        last = max((v.day for v in vs), default=None)
        dues = [c.next_followup] if c.next_followup else []
        if reading == "latest visit":
            dues += [v.next_followup for v in vs if v.day == last and v.next_followup]
        elif reading == "latest that has one":
            with_nf = [v for v in vs if v.next_followup]
            latest = max((v.day for v in with_nf), default=None)
            dues += [v.next_followup for v in with_nf if v.day == latest]
        else:
            dues += [v.next_followup for v in vs if v.next_followup]
        reasons = []
        if dues:
            due = max(dues)
            if due < as_of and not any(v.day >= due for v in vs):
                reasons.append((due, "followup"))
        if c.rating in CADENCE and last is not None:
            due = last + timedelta(days=CADENCE[c.rating])
            if due < as_of:
                reasons.append((due, "cadence"))
        if reasons:
            out[c] = min(reasons)
    return out


def settle(g: Generator) -> None:
    """Change the data until every reading DESIGN and the README allow gives the same answer."""
    clean = [v for v in g.visits if v.clean]
    spoiled_but_dated = [v for v in g.visits if not v.clean and v.day and v.client and v.day <= g.as_of]
    # A spoiled visit never sits in a collision (would a visit of unreadable type collide?).
    assert not any(not v.clean for grp in visit_collisions(clean + spoiled_but_dated) for v in grp), \
        "a spoiled visit sits in a collision"
    # A visit entered twice is never part of a collision (would both copies be listed?).
    dup_ids = {id(v) for grp in duplicate_groups(g.visits) for v in grp}
    assert not any(id(v) in dup_ids for grp in visit_collisions(clean) for v in grp), "a duplicate collides"
    # Which visit's follow-up date counts: keep only clients where every reading agrees.
    for _ in range(3):
        readings = [set(overdue_clients(g.clients, clean, g.as_of, r))
                    for r in ("latest visit", "latest that has one", "any visit")]
        with_spoiled = set(overdue_clients(g.clients, clean + spoiled_but_dated, g.as_of))
        disputed = (readings[0] ^ readings[1]) | (readings[0] ^ readings[2]) | (readings[0] ^ with_spoiled)
        if not disputed:
            break
        for c in disputed:
            latest = max(v.day for v in clean if v.client == c.cid and v.day <= g.as_of)
            for v in clean:
                if v.client == c.cid and v.day < latest and v.next_followup:
                    v.next_followup = None
                    v.cells["下次跟进日期"] = None
    else:
        raise AssertionError(f"overdue readings disagree: {disputed}")
    # Plans: an episode is the same whether or not visits link to each other, and its plans are linked
    # to each other directly, not only through a visit. Drop background plans until that holds.
    while True:
        plans = [p for p in g.plans if p.clean]
        main = plan_collisions(plans, clean)
        other = plan_collisions(plans, clean, visit_links=True)
        main_keys = {tuple(map(id, grp)) for grp in main}
        other_keys = {tuple(map(id, grp)) for grp in other}
        wrong = [grp for grp in main if tuple(map(id, grp)) not in other_keys or not _linked_directly(grp)]
        wrong += [grp for grp in other if tuple(map(id, grp)) not in main_keys]
        if not wrong:
            break
        g.plans.remove(max(wrong[0], key=g.plans.index))


def _linked_directly(plans: list[Plan]) -> bool:
    return len(plans) == 1 or [len(grp) for grp in _components(plans, _near)] == [len(plans)]


# ---------------------------------------------------------------------------------------------------------
# Writing the workbook.


def _write(ws, columns, records: list[Record], first_row: int, rng: random.Random) -> None:
    """Header at first_row, the records below it with separators; formatted but empty rows at the end."""
    for col, (header, _fld) in enumerate(columns, start=1):
        if header is not None:
            ws.cell(row=first_row, column=col, value=header).font = BOLD
    r = first_row + 1 + rng.randint(0, 1)
    for rec in records:
        roll = rng.random()
        extra = [i for i, (_h, f) in enumerate(columns, start=1) if f is None]
        if roll < 0.02:
            r += rng.randint(1, 2)                                    # blank separator rows
        elif roll < 0.03 and extra:
            ws.cell(row=r, column=rng.choice(extra), value=rng.choice(EXTRA_TEXT))  # only an added column
            r += 1
        rec.row = r
        for col, (_header, fld) in enumerate(columns, start=1):
            value = rec.cells.get(fld) if fld else (rng.choice(EXTRA_TEXT) if rng.random() < 0.2 else None)
            if value is not None:
                ws.cell(row=r, column=col, value=value)
        r += 1
    for row in range(r, r + 30):                  # staff format rows ahead of the data
        for col in range(1, len(columns) + 1):
            ws.cell(row=row, column=col).fill = YELLOW


def write_register(folder: Path, seed: int = 1, as_of: date = date(2026, 11, 27),
                   name: str = "truth.xlsx") -> TruthRegister:
    g = Generator(seed, as_of)
    g.build()
    settle(g)
    rng = random.Random(seed + 1000)
    rng.shuffle(g.clients)
    rng.shuffle(g.visits)
    rng.shuffle(g.plans)

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    notes = wb.create_sheet("填写说明")
    notes.append(["日期请写成 2026-11-03；手机写 11 位"])
    _write(wb.create_sheet(CLIENTS), CLIENT_COLUMNS, g.clients, 1, rng)
    _write(wb.create_sheet(VISITS), VISIT_COLUMNS, g.visits, 1, rng)
    _write(wb.create_sheet(STAFF), STAFF_COLUMNS, g.staff, 1, rng)
    plans_ws = wb.create_sheet(PLANS)
    plans_ws.cell(row=1, column=1, value=PLAN_TITLE)
    plans_ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PLAN_COLUMNS))
    _write(plans_ws, PLAN_COLUMNS, g.plans, 2, rng)
    path = Path(folder) / name
    wb.save(path)

    expected: list[tuple[str, str, tuple[int, ...], str | None]] = []
    for rec in [*g.clients, *g.visits, *g.staff, *g.plans]:
        for code, fld in rec.planted:
            expected.append((code, rec.sheet, (rec.row,), fld))
    clean = [v for v in g.visits if v.clean]
    for grp in duplicate_groups(g.visits):
        expected.append(("duplicate_row", VISITS, tuple(sorted(v.row for v in grp)), None))
    for grp in visit_collisions(clean):
        expected.append(("visit_collision", VISITS, tuple(sorted(v.row for v in grp)), None))
    for grp in plan_collisions([p for p in g.plans if p.clean], clean):
        expected.append(("plan_collision", PLANS, tuple(sorted(p.row for p in grp)), None))
    for sheet, fld, rows in unknown_staff(g):
        expected.append(("unknown_staff", sheet, rows, fld))
    overdue = overdue_clients(g.clients, clean, as_of)
    for c in overdue:
        expected.append(("overdue_followup", CLIENTS, (c.row,), None))
    return TruthRegister(path, as_of, expected,
                         {c.row: (due, (as_of - due).days) for c, (due, _reason) in overdue.items()})
