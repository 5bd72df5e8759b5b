"""A realistic sample register, seeded, and the demo that runs the product on it.

The generator writes what staff-edited sheets really look like: several departments, hundreds of clients,
thousands of visits, dates typed six ways, phones with spaces and ``+86``, full-width ids, names with
stray spaces, columns staff added, blank separator rows — and every kind of finding planted on purpose.
The benchmark uses the same generator at 20k/200k and 100k/1M (``DemoSpec.large``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import xlsxwriter

from huimao_sheets.layout import (
    CHANNELS,
    CLIENTS,
    INDUSTRIES,
    PLANS,
    STAFF,
    STAGES,
    VISITS,
)
from huimao_sheets.timing import week_before
from huimao_sheets.workdays import WorkCalendar

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷黎史陶贺毛郝顾龚邵万武钱戴严莫孔常汤康易乔赖文")
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 秀英 桂英 建华 志强 海燕 晓东 雪梅 国庆 文博 子涵 "
         "俊杰 嘉怡 宇航 欣怡 浩然 思远 婷婷 晓燕 丽华 志明 建国 春梅 玉兰 国华 永强 少华 明辉 振宇 雅琴 慧敏 冬梅 金凤 "
         "立新 海峰 宏伟 淑珍 美玲 家豪 一鸣 佳琪 梓萱 晨曦 雨桐 博文 鹏飞 伟东 秋月").split()
CITIES = {  # prefecture-level cities of Fujian and a few districts each
    "福州": ["鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区"],
    "厦门": ["思明区", "湖里区", "集美区", "海沧区", "同安区"],
    "泉州": ["鲤城区", "丰泽区", "洛江区", "晋江市", "石狮市", "南安市"],
    "漳州": ["芗城区", "龙文区", "龙海区"],
    "莆田": ["城厢区", "涵江区", "荔城区"],
    "三明": ["三元区", "沙县区"],
    "南平": ["延平区", "建阳区"],
    "龙岩": ["新罗区", "永定区"],
    "宁德": ["蕉城区", "福安市"],
}
ROADS = "五四 八一七 湖东 华林 工业 东街 西洋 六一 福新 福马 金山 仓前 湖滨 嘉禾 莲前 厦禾 环岛 丰泽 刺桐 泉秀 温陵 胜利 解放 新华 人民 建设 中山 滨江".split()
TRADE_CHARS = list("鼎盛兴海鑫达瑞丰祥恒通华美宏远金源永安天成正泰闽江新联创百川嘉禾汇盛世锦程聚隆昌荣富贵宝利德顺发佳和润泽康宁"
                   "泰安益信诚星辰光明辉煌奥博浩然凯旋腾飞合众同欣悦启航振邦东方南方北辰中天宇宙")
INDUSTRY_WORDS = {
    "制造业": ["机械制造", "精密机械", "五金制品"], "贸易": ["贸易", "商贸", "进出口"], "餐饮": ["餐饮管理", "餐饮"],
    "房地产": ["房地产开发", "置业"], "物流": ["物流", "供应链管理", "货运代理"], "电子": ["电子科技", "电子"],
    "纺织服装": ["纺织", "服饰", "鞋业"], "食品": ["食品", "茶业"], "医药": ["医药", "生物科技"], "建材": ["建材", "建筑材料"],
}
LEGAL_FORMS = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"]
# A given name's last character and a homophone an input method offers first (张伟 → 张玮).
STAFF_SLIPS = dict(zip("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚", "玮方纳民晶莉墙蕾君阳永燕洁鹃滔鸣潮侠萍钢"))
HOMOPHONES = dict(zip("鼎盛兴鑫达瑞丰祥恒通华宏远金源泰福隆昌德顺佳润康信诚辉腾启振", "顶胜星新大锐峰翔衡同化鸿园今元太富龙长得舜家闰糠欣成晖滕起镇"))
TRADITIONAL = str.maketrans("贸达华业电东龙发丰兴汇顺荣宝贵鸿锦聚药饰筑设备", "貿達華業電東龍發豐興匯順榮寶貴鴻錦聚藥飾築設備")
MOBILE_PREFIXES = "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 177 180 181 182 183 185 186 187 188 189 191 198 199".split()
PROBLEMS = [
    "员工流失率高，基层管理人员带团队能力不足", "想做绩效考核方案，但担心员工抵触", "老板希望建立薪酬体系",
    "中层执行力不够，开会多落实少", "销售团队业绩下滑，想做销售培训", "年底想做一次全员团建和培训",
    "生产现场管理混乱，想导入5S", "公司在筹备上市，需要梳理组织架构", "客户询问内训课程价格，觉得偏高",
    "对上次培训效果满意，想续签年度合作", "二代接班，想系统学习管理", "招聘难，想做雇主品牌", "需要股权激励方案",
    "财务人员不熟悉新税制，想安排财税培训", "门店店长管理能力弱", "想了解精益生产咨询的周期和费用",
]
OUTCOMES = ["已发送课程方案", "约定下周再谈", "客户考虑中", "需报价", "已签意向书", "转介绍给采购", "客户暂无需求", "已约老板面谈"]
PURPOSES = ["方案讲解", "报价沟通", "签约", "需求调研", "回访", "培训效果回访", "送资料"]
DEPARTMENTS = ["市场一部", "市场二部", "市场三部", "市场四部", "市场五部", "市场六部"]


@dataclass
class DemoSpec:
    clients: int = 400
    visits: int = 3000
    plans: int = 150
    departments: int = 3
    clients_per_manager: int = 30
    as_of: date = date(2026, 11, 27)
    seed: int = 20261127
    mess: bool = True            # messy-but-valid forms (dates six ways, +86 phones, stray spaces…)
    plant: bool = True           # planted findings of every code
    days_back: int = 150

    @classmethod
    def large(cls, clients: int, visits: int, **kw) -> "DemoSpec":
        return cls(clients=clients, visits=visits, plans=clients // 20, departments=6,
                   clients_per_manager=max(30, clients // 300), **kw)


@dataclass
class Person:
    name: str
    email: str
    role: str
    department: str
    manager: str


@dataclass
class ClientRow:
    client_id: str
    name: str
    industry: str
    city: str
    address: str
    contact: str
    mobile: str
    manager: Person
    rating: str
    likelihood: str
    stage: str
    next_followup: date | None


@dataclass
class DemoWorkbook:
    """Rows per sheet (header first). Visit rows may be a lazy iterator for the large sizes."""

    sheets: dict[str, Any] = field(default_factory=dict)
    staff: list[Person] = field(default_factory=list)
    clients: list[ClientRow] = field(default_factory=list)


def _unique_names(rng: random.Random, n: int) -> list[str]:
    names: dict[str, None] = {}
    while len(names) < n:
        names.setdefault(rng.choice(SURNAMES) + rng.choice(GIVEN), None)
    return list(names)


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def make_staff(rng: random.Random, spec: DemoSpec) -> list[Person]:
    managers_needed = max(1, -(-spec.clients // spec.clients_per_manager))
    per_dept = max(2, -(-managers_needed // spec.departments))
    names = iter(_unique_names(rng, 2 + spec.departments * (per_dept + 1)))
    director = Person(next(names), "", "市场总监", "市场部", "")
    people = [director, Person(next(names), "", "市场总监助理", "市场部", director.name)]
    for dept in DEPARTMENTS[: spec.departments]:
        head = Person(next(names), "", "部门经理", dept, director.name)
        people.append(head)
        people += [Person(next(names), "", "客户经理", dept, head.name) for _ in range(per_dept)]
    for i, p in enumerate(people, start=1):
        p.email = f"staff{i:04d}@huimao-demo.cn"
    return people


def make_clients(rng: random.Random, spec: DemoSpec, staff: list[Person]) -> list[ClientRow]:
    managers = [p for p in staff if p.role == "客户经理"]
    seen: set[str] = set()
    clients: list[ClientRow] = []
    contacts = _unique_names(rng, min(len(SURNAMES) * len(GIVEN) - 10, spec.clients))
    while len(clients) < spec.clients:
        industry = rng.choice(INDUSTRIES)
        city = rng.choice(list(CITIES))
        # Two-character trade names, as most firms have; large registers need some three-character ones.
        trade = "".join(rng.sample(TRADE_CHARS, 2 if spec.clients < 5000 or rng.random() < 0.3 else 3))
        core = trade + rng.choice(INDUSTRY_WORDS[industry])
        if trade in seen:
            continue  # no accidental look-alikes: each trade name once
        seen.add(trade)
        prefix = rng.choice([city, city, city + "市", "福建", "福建省"])
        name = prefix + core + rng.choice(LEGAL_FORMS)
        district = rng.choice(CITIES[city])
        address = f"福建省{city}市{district}{rng.choice(ROADS)}路{rng.randint(1, 399)}号"
        n = len(clients) + 1
        nxt = spec.as_of + timedelta(days=rng.randint(-20, 30)) if rng.random() < 0.35 else None
        clients.append(ClientRow(
            client_id=f"KH{n:05d}" if spec.clients >= 10000 else f"KH{n:04d}", name=name, industry=industry,
            city=city, address=address, contact=contacts[(n - 1) % len(contacts)], mobile=_mobile(rng),
            manager=rng.choice(managers), rating=rng.choices("ABCD", weights=[2, 4, 3, 1])[0],
            likelihood=rng.choice("高中低"), stage=rng.choice(STAGES), next_followup=nxt,
        ))
    return clients


class Mess:
    """Messy-but-readable forms, as staff type them. Each returns a cell value."""

    def __init__(self, rng: random.Random, on: bool, as_of: date):
        self.rng, self.on, self.as_of = rng, on, as_of

    def chance(self, p: float) -> bool:
        return self.on and self.rng.random() < p

    def date(self, d: date) -> Any:
        if not self.chance(0.25):
            return d  # a real date cell
        form = self.rng.randrange(6)
        if form == 0:
            return f"{d.year}/{d.month}/{d.day}"
        if form == 1:
            return f"{d.year}年{d.month}月{d.day}日"
        if form == 2:
            return f"{d.year}-{d.month}-{d.day}"
        if form == 3 and abs((d - self.as_of).days) < 150:
            return f"{d.month}/{d.day}"  # year-less: the year nearest the as-of date
        if form == 4:
            return float((d - date(1899, 12, 30)).days)  # a serial typed as a number
        return d.isoformat()

    def mobile(self, m: str) -> Any:
        if not self.chance(0.3):
            return m
        form = self.rng.randrange(6)
        if form == 0:
            return f"{m[:3]} {m[3:7]} {m[7:]}"
        if form == 1:
            return f"{m[:3]}-{m[3:7]}-{m[7:]}"
        if form == 2:
            return "+86 " + m
        if form == 3:
            return "0086" + m
        if form == 4:
            return m.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return float(m)  # typed as a number

    def person(self, name: str) -> str:
        if not self.chance(0.05):
            return name
        return self.rng.choice([f" {name} ", f"{name[0]}\u3000{name[1:]}", f"{name} "])

    def client_id(self, cid: str) -> str:
        if not self.chance(0.05):
            return cid
        return self.rng.choice([cid.lower(), cid.replace("KH", "ＫＨ"), " " + cid])

    def choice(self, value: str, variants: dict[str, list[str]]) -> str:
        if not self.chance(0.04) or value not in variants:
            return value
        return self.rng.choice(variants[value])


RATING_VARIANTS = {r: [r.lower(), r + "级", r + "类"] for r in "ABCD"}
CHANNEL_VARIANTS = {"电话": ["电话拜访"], "上门": ["上门拜访"], "来访": ["来访 "]}

CLIENT_HEADER = [f.header for f in CLIENTS.fields] + ["微信", "客户来源", None]
VISIT_HEADER = [f.header for f in VISITS.fields]
STAFF_HEADER = [f.header for f in STAFF.fields]
PLAN_HEADER = [f.header for f in PLANS.fields]


def _client_cells(c: ClientRow, m: Mess, rng: random.Random) -> list[Any]:
    return [
        m.client_id(c.client_id), c.name, c.industry, c.address, m.person(c.contact), m.mobile(c.mobile),
        m.person(c.manager.name), c.manager.department, m.choice(c.rating, RATING_VARIANTS), c.likelihood, c.stage,
        m.date(c.next_followup) if c.next_followup else None, rng.choice(["", "", "老客户介绍", "展会认识"]),
        f"wx_{c.mobile[-6:]}" if rng.random() < 0.3 else None, rng.choice(["转介绍", "展会", "陌拜", "网络"]),
        "备用" if rng.random() < 0.02 else None,
    ]


RESPONSES = ["已发送方案", "已安排顾问上门诊断", "已电话答复", "已报部门经理协调", "已约下周面谈"]


def _answer_problems(rng: random.Random, visit_rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """The visit rows with 应对措施 filled for those with a problem, leaving about one in forty unanswered
    (``unanswered_problem``: the old ones are reported, some escalated)."""
    problems = VISIT_HEADER.index("客户反映问题")
    yield next(visit_rows)   # the header
    for row in visit_rows:
        if len(row) > problems and row[problems] and rng.random() >= 0.025:
            row = row + [None] * (len(VISIT_HEADER) - 1 - len(row)) + [rng.choice(RESPONSES)]
        yield row


def generate(spec: DemoSpec) -> DemoWorkbook:
    rng = random.Random(spec.seed)
    mess = Mess(rng, spec.mess, spec.as_of)
    staff = make_staff(rng, spec)
    clients = make_clients(rng, spec, staff)
    book = DemoWorkbook(staff=staff, clients=clients)

    client_rows: list[list[Any]] = [CLIENT_HEADER]
    for i, c in enumerate(clients):
        client_rows.append(_client_cells(c, mess, rng))
        if spec.mess and i % 97 == 96:
            client_rows.append([])  # a blank separator row
    staff_rows = [STAFF_HEADER] + [[mess.person(p.name), p.email, p.role, p.department, p.manager] for p in staff]
    plan_rows = [PLAN_HEADER] + list(_plans(rng, spec, clients, staff, mess))
    visit_rows = _answer_problems(random.Random(spec.seed + 11), _visits(rng, spec, clients, staff, mess))
    if spec.plant:
        plant = Planted(rng, spec, clients, staff)
        plant.plant_clients(client_rows)
        plant.plant_duplicate_clients(client_rows)
        plant.plant_staff(staff_rows)
        plant.plant_plans(plan_rows)
        visit_rows = plant.plant_visits(list(visit_rows))
        plant.plant_unknown_staff(client_rows, visit_rows)
        plant.plant_brief(plan_rows, visit_rows)
        plant.plant_week_review(plan_rows, visit_rows)
        plant.plant_past_plans(plan_rows, visit_rows)
    book.sheets = {CLIENTS.title: client_rows, VISITS.title: visit_rows, STAFF.title: staff_rows,
                   PLANS.title: plan_rows}
    return book


def _visits(rng: random.Random, spec: DemoSpec, clients: list[ClientRow], staff: list[Person],
            mess: Mess) -> Iterator[list[Any]]:
    yield VISIT_HEADER
    by_dept: dict[str, list[Person]] = {}
    for p in staff:
        if p.role == "客户经理":
            by_dept.setdefault(p.department, []).append(p)
    # Better-rated clients are visited more often: the register looks like a real pipeline.
    weights = [{"A": 6, "B": 3, "C": 1.5, "D": 0.5}[c.rating] for c in clients]
    chosen = rng.choices(clients, weights=weights, k=spec.visits)
    days = sorted(rng.randrange(spec.days_back) for _ in range(spec.visits))
    for n, (c, back) in enumerate(zip(chosen, reversed(days))):
        visitor = c.manager
        if rng.random() < 0.015:  # a colleague calls on the client too (some of these collide)
            visitor = rng.choice(by_dept[c.manager.department])
        d = spec.as_of - timedelta(days=back)
        by_id = rng.random() < 0.8
        nxt = d + timedelta(days=rng.choice([7, 14, 21, 30])) if rng.random() < 0.4 else None
        yield [
            mess.date(d), mess.client_id(c.client_id) if by_id else None,
            c.name if not by_id or rng.random() < 0.5 else None, mess.person(visitor.name),
            mess.choice(rng.choices(CHANNELS, weights=[5, 4, 1])[0], CHANNEL_VARIANTS),
            rng.choice(PROBLEMS), rng.choice(OUTCOMES), mess.date(nxt) if nxt else None,
        ]


def _plans(rng: random.Random, spec: DemoSpec, clients: list[ClientRow], staff: list[Person],
           mess: Mess) -> Iterator[list[Any]]:
    for _ in range(spec.plans):
        c = rng.choice(clients)
        d = spec.as_of + timedelta(days=rng.randint(1, 14))
        yield [mess.date(d), c.client_id, None, mess.person(c.manager.name), rng.choice(PURPOSES)]


class Planted:
    """Problems planted on purpose so that every finding code shows up in the demo."""

    def __init__(self, rng: random.Random, spec: DemoSpec, clients: list[ClientRow], staff: list[Person]):
        self.rng, self.spec, self.clients, self.staff = rng, spec, clients, staff
        self.k = max(1, spec.clients // 100)  # how many of each

    def _rows(self, rows: list[list[Any]], n: int) -> list[list[Any]]:
        data = [r for r in rows[1:] if r]
        return self.rng.sample(data, min(n, len(data)))

    def plant_clients(self, rows: list[list[Any]]) -> None:
        idx = {h: i for i, h in enumerate(CLIENT_HEADER) if h}
        for r in self._rows(rows, self.k):
            r[idx[self.rng.choice(["负责人手机", "地址", "客户综合评估", "行业"])]] = self.rng.choice(["", "无", "-", "\u3000"])
        for r in self._rows(rows, self.k):
            r[idx["负责人手机"]] = self.rng.choice(["0591-87654321", "1380013800", "138001380001", "12345678901", "13800138000转8"])
        for r in self._rows(rows, self.k):
            r[idx["下次跟进日期"]] = self.rng.choice(["2026-06-31", "下周一", "2026-13-02", "11月31日", "待定日"])
        for r in self._rows(rows, self.k):
            column = self.rng.choice(["客户综合评估", "合作可能评估", "阶段"])
            r[idx[column]] = {"客户综合评估": "E", "合作可能评估": "很高", "阶段": "已成交"}[column]

    def plant_duplicate_clients(self, rows: list[list[Any]]) -> None:
        """Companies registered again under another spelling (duplicate_client), and look-alikes that are not."""
        idx = {h: i for i, h in enumerate(CLIENT_HEADER) if h}
        # Its own random stream, so that the other planted problems stay where they were.
        rng, number, width = random.Random(self.spec.seed + 3), len(self.clients), 5 if self.spec.clients >= 10000 else 4

        def parts(c: ClientRow) -> tuple[str, str]:  # (字号, trade words) of a generated name
            trade = max((w for w in INDUSTRY_WORDS[c.industry] if w in c.name), key=len)
            core = c.name[:c.name.rindex(trade)]
            for prefix in ("福建省", "福建", c.city + "市", c.city):
                core = core.removeprefix(prefix)
            return core, trade

        cores = {"".join(parts(c)) for c in self.clients}

        def add(c: ClientRow, name: str, same: tuple[str, ...] = (), industry: str | None = None) -> None:
            nonlocal number
            number += 1
            other_city = rng.choice([k for k in CITIES if k != c.city]) if "城市" in same else c.city
            row = _client_cells(c, Mess(rng, False, self.spec.as_of), rng)
            row[idx["客户编号"]], row[idx["客户名称"]] = f"KH{number:0{width}d}", name
            row[idx["行业"]] = industry or c.industry
            row[idx["客户经理"]] = rng.choice([p for p in self.staff if p.role == "客户经理"]).name
            if "负责人手机" not in same:
                row[idx["负责人手机"]] = _mobile(rng)
            if "负责人" not in same:
                row[idx["负责人"]] = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if "地址" not in same:
                district = rng.choice(CITIES[other_city])
                row[idx["地址"]] = f"{other_city}市{district}{rng.choice(ROADS)}路{rng.randint(400, 999)}号"
            rows.append(row)

        for n, c in enumerate(rng.sample(self.clients, min(len(self.clients), 8 * max(1, self.k // 4)))):
            brand, trade = parts(c)
            sound = next((brand[:i] + HOMOPHONES[ch] + brand[i + 1:] for i, ch in enumerate(brand) if ch in HOMOPHONES), "")
            typo = rng.choice(TRADE_CHARS) + brand[1:]
            kind = n % 4
            if kind == 0:  # spelled otherwise by a colleague; a third registration misspells it
                add(c, f"福建省{c.city}市{brand}{trade}有限责任公司".translate(TRADITIONAL), ("负责人手机",))
                if sound and sound + trade not in cores:
                    add(c, f"{sound}{trade}", ("地址",))
            elif kind == 1:  # the bare 字号, the same contact; another branch of it is another client
                add(c, brand, ("负责人", "负责人手机"))
                add(c, f"福建{brand}{trade}有限公司{rng.choice(list(CITIES))}分公司", ("负责人", "负责人手机"))
            elif kind == 2:  # one boss, one 字号, another trade; one character off, nothing in common
                industry = rng.choice([i for i in INDUSTRY_WORDS if i != c.industry])
                add(c, f"{c.city}{brand}{rng.choice(INDUSTRY_WORDS[industry])}有限公司", ("负责人", "负责人手机", "地址"),
                    industry)
                if typo != brand and typo + trade not in cores:
                    add(c, f"{c.city}{typo}{trade}有限公司")
            else:  # the same name in another city, another contact
                add(c, f"{brand}{trade}有限公司", ("城市",))

    def plant_staff(self, rows: list[list[Any]]) -> None:
        rows.append(["临时工小李", None, "实习生", "市场一部", rows[3][0]])

    def plant_unknown_staff(self, client_rows: list[list[Any]], visit_rows: list[list[Any]]) -> None:
        """Names that are nobody on 员工 (unknown_staff): an account manager's name mistyped by the input
        method on two of their visits (张玮 for 张伟), and a manager who has left, whose clients — one with a
        所属部门, one without — wait to be handed over."""
        rng = random.Random(self.spec.seed + 5)   # its own stream: the other planted problems stay put
        names = {p.name for p in self.staff}
        slips = [(p, p.name[:-1] + STAFF_SLIPS[p.name[-1]]) for p in self.staff
                 if p.role == "客户经理" and p.name[-1] in STAFF_SLIPS]
        slips = [(p, slip) for p, slip in slips if slip not in names]
        if slips:
            person, slip = slips[0]
            visitor = VISIT_HEADER.index("拜访人")
            theirs = [r for r in visit_rows[1:] if r and isinstance(r[visitor], str) and r[visitor].strip() == person.name]
            for r in theirs[:2]:
                r[visitor] = slip
        departed = rng.choice(SURNAMES) + rng.choice(GIVEN)
        while departed in names:
            departed = rng.choice(SURNAMES) + rng.choice(GIVEN)
        idx = {h: i for i, h in enumerate(CLIENT_HEADER) if h}
        rows = [r for r in client_rows[1:] if r]
        for r, department in zip(rng.sample(rows, min(2, len(rows))), (True, False)):
            r[idx["客户经理"]] = departed
            if not department:
                r[idx["所属部门"]] = None

    def plant_plans(self, rows: list[list[Any]]) -> None:
        by_dept: dict[str, list[Person]] = {}
        for p in self.staff:
            if p.role == "客户经理":
                by_dept.setdefault(p.department, []).append(p)
        for c in self.rng.sample(self.clients, min(self.k, len(self.clients))):
            other = next(p for p in by_dept[c.manager.department] if p.name != c.manager.name)
            d = self.spec.as_of + timedelta(days=self.rng.randint(2, 10))
            rows.append([d, c.client_id, None, c.manager.name, "签约"])
            rows.append([d + timedelta(days=self.rng.randint(0, 5)), c.client_id, None, other.name, "需求调研"])
        rows.append([self.spec.as_of + timedelta(days=3), "KH99999", None, self.staff[-1].name, "回访"])

    def plant_brief(self, plan_rows: list[list[Any]], visit_rows: list[list[Any]]) -> None:
        """A pre-visit brief with a colleague in it: a client's manager plans it for the next working day, and a
        colleague of the department visited it three days before the demo date and heard a problem."""
        rng = random.Random(self.spec.seed + 7)   # its own stream: the other planted problems stay put
        c = rng.choice([c for c in self.clients if c.manager.role == "客户经理"])
        other = rng.choice([p for p in self.staff if p.role == "客户经理" and p.department == c.manager.department
                            and p.name != c.manager.name])
        tomorrow = WorkCalendar().add_working_days(self.spec.as_of, 1)
        plan_rows.append([tomorrow, c.client_id, None, c.manager.name, "方案讲解"])
        visit = {"拜访日期": self.spec.as_of - timedelta(days=3), "客户编号": c.client_id, "拜访人": other.name,
                 "拜访方式": "上门", "客户反映问题": "老板说去年的内训没有落地，这次想先看案例", "拜访结果": "约了客户经理再谈"}
        visit_rows.append([visit.get(h) for h in VISIT_HEADER])

    def plant_week_review(self, plan_rows: list[list[Any]], visit_rows: list[list[Any]]) -> None:
        """For the weekly report's look ahead and the director's spot check: a few clients visited on the
        as-of date whose follow-up falls due a day or two later, half of them with a plan for it (by the
        客户经理, once by a colleague) and half without (``unplanned_followup``); and a few visits of the
        report's week with no problem recorded."""
        rng = random.Random(self.spec.seed + 13)   # its own stream: the other planted problems stay put
        as_of = self.spec.as_of
        free = [c for c in self.clients if not c.next_followup or c.next_followup <= as_of]
        for i, c in enumerate(rng.sample(free, min(len(free), 2 * self.k))):
            due = as_of + timedelta(days=1 + i % 2)
            visit_rows.append([as_of, c.client_id, None, c.manager.name, "电话", rng.choice(PROBLEMS), "约好回访",
                               due, rng.choice(RESPONSES)])
            if i < self.k:
                colleague = next((p for p in self.staff if p.role == "客户经理" and p.name != c.manager.name
                                  and p.department == c.manager.department), c.manager)
                plan_rows.append([as_of + timedelta(days=1), c.client_id, None,
                                  (colleague if i == 0 else c.manager).name, "跟进回访"])
        week = week_before(as_of)
        problems, response = VISIT_HEADER.index("客户反映问题"), VISIT_HEADER.index("应对措施")
        in_week = [r for r in visit_rows[1:] if r and isinstance(r[0], date) and week.contains(r[0])]
        for r in rng.sample(in_week, min(len(in_week), 2 * self.k)):
            r[problems] = None
            if len(r) > response:
                r[response] = None

    def plant_past_plans(self, plan_rows: list[list[Any]], visit_rows: list[list[Any]]) -> None:
        """The plans of the last two weeks, as staff keep them: most visits of those weeks were planned the
        week before (so the weekly report's 计划/已完成 compares real figures), and a few plans were not done."""
        rng = random.Random(self.spec.seed + 17)   # its own stream: the other planted problems stay put
        as_of = self.spec.as_of
        day, client, visitor = (VISIT_HEADER.index(h) for h in ("拜访日期", "客户编号", "拜访人"))
        recent = [r for r in visit_rows[1:] if r and isinstance(r[day], date) and isinstance(r[client], str)
                  and isinstance(r[visitor], str) and as_of - timedelta(days=14) <= r[day] < as_of]
        for r in recent:
            if rng.random() < 0.7:
                plan_rows.append([r[day], r[client], None, r[visitor], rng.choice(PURPOSES)])
        for _ in range(self.k):
            c = rng.choice(self.clients)
            plan_rows.append([as_of - timedelta(days=rng.randint(1, 14)), c.client_id, None, c.manager.name,
                              rng.choice(PURPOSES)])

    def plant_visits(self, rows: list[list[Any]]) -> list[list[Any]]:
        idx = {h: i for i, h in enumerate(VISIT_HEADER)}
        for r in self._rows(rows, self.k):
            r[idx[self.rng.choice(["客户反映问题", "拜访人", "拜访日期"])]] = self.rng.choice(["", "无", "N/A", "  "])
        for r in self._rows(rows, self.k):
            r[idx["拜访日期"]] = self.rng.choice(["2026-02-30", "昨天", "2026.11.", "11-32"])
        for r in self._rows(rows, self.k):
            r[idx["拜访方式"]] = self.rng.choice(["微信", "视频会议", "邮件"])
        for r in self._rows(rows, max(1, self.k // 2)):
            r[idx["拜访日期"]] = date(self.spec.as_of.year + 1, self.rng.randint(1, 10), self.rng.randint(1, 28))
        for r in self._rows(rows, max(1, self.k // 2)):
            r[idx["客户编号"]], r[idx["客户名称"]] = None, self.rng.choice(["福州某某科技有限公司", "无名商行", "老王的厂"])
        for r in self._rows(rows, max(1, self.k // 2)):
            r[idx["客户编号"]] = "KH" + str(90000 + self.rng.randrange(9999))
        for r in self._rows(rows, self.k):
            rows.insert(self.rng.randrange(1, len(rows)), list(r))  # entered twice
        return rows


def write_workbook(path: Path, book: DemoWorkbook, constant_memory: bool = False) -> Path:
    """Write the sheets with xlsxwriter: dates as date cells, numbers as numbers, text always as text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": constant_memory, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    header_format = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    for title, rows in book.sheets.items():
        ws = wb.add_worksheet(title)
        ws.freeze_panes(1, 0)
        last = 0
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                _write(ws, r, c, value, header_format if r == 0 else None, date_format)
            last = r
        for r in range(last + 1, last + 4):  # formatted, hidden trailing rows: not records
            ws.set_row(r, None, None, {"hidden": True})
        ws.set_column(0, 16, 14)
    wb.close()
    tmp.replace(path)
    return path


def _write(ws, r: int, c: int, value: Any, fmt, date_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, (date, datetime)):
        ws.write_datetime(r, c, value if isinstance(value, datetime) else datetime(value.year, value.month, value.day),
                          date_format)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def write_demo_workbook(path: Path, spec: DemoSpec | None = None) -> Path:
    return write_workbook(path, generate(spec or DemoSpec()))
