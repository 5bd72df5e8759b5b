"""Benchmark of the ``duplicate_client`` check: time, pairwise precision and recall at 20k and 100k clients.

    .venv/bin/python benchmarks/duplicate_clients.py                 # 20,000 and 100,000 clients, seed 1
    .venv/bin/python benchmarks/duplicate_clients.py --sizes 5000 --seed 7

The register is generated here, in code: distinct companies of Fujian (a 字号, trade words, a city, a
district address, a contact and a mobile; one 字号 per 行业), then planted duplicate registrations — the
same name spelled differently (places, legal forms, traditional characters, full width, spaces, a trade
synonym); the same name with another legal form (有限公司/有限责任公司/股份有限公司) and the place put
otherwise (福建/福建省/福州/福州市 before the 字号, in full- or half-width brackets after it, between
字号 and trade words, or left out) at another site in another district of the city, sharing no contact,
mobile or address; a short form, a one-character typo or homophone that shares the mobile, contact or
address — and planted hard negatives that must stay apart: branches of one company, one 字号 in two
trades under one boss's mobile, a bare 字号 twice with two 行业 in two districts, two 字号 in one trade
under one boss at one address, one-character-different names in one trade, the same name in two cities
(also 福建省… against the bare name, the addresses in two cities) and in two counties of one city, each
named. The rows go through the real register code (``register_from_tables``), so mobiles and names are
read as in use.

Printed per size: the check's time (the whole ``duplicate_client`` call; wall-clock and CPU seconds),
pairwise precision and recall against the planted truth (pairs of rows put in one finding vs pairs of
rows of one company), and how many hard-negative pairs were grouped (must be 0).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from huimao_sheets.checks.duplicate_client import duplicate_client  # noqa: E402
from huimao_sheets.config import Settings  # noqa: E402
from huimao_sheets.register import register_from_tables  # noqa: E402
from huimao_sheets.sources import Table  # noqa: E402

AS_OF = date(2026, 11, 27)
HEADER = ["客户编号", "客户名称", "行业", "地址", "负责人", "负责人手机", "客户经理", "客户综合评估", "合作可能评估"]

BRAND_CHARS = ("鑫达瑞丰祥鼎盛恒通宏远华兴海金源泰安福隆昌德永新嘉盈佳宝利顺发富贵荣辉明光晟创"
               "合润凯腾益信诚汇聚鸿博天地正元中亿万启航峰帆翔瀚浩宇星辰锦绣云龙凤麒麟旺达豪邦"
               "捷速优品美家乐康健力科技闽江榕鹭桐茂林森晨阳春秋雅致丽")
# Characters that sound like another brand character (typed with the wrong pinyin candidate).
HOMOPHONES = {"盛": "胜圣", "鑫": "新信欣", "达": "大", "华": "化", "丰": "峰锋", "祥": "翔详", "鼎": "顶",
              "恒": "衡", "通": "同", "宏": "鸿红", "远": "源园", "兴": "星", "海": "亥", "金": "今津",
              "泰": "太", "福": "富", "隆": "龙", "昌": "长", "德": "得", "永": "勇", "嘉": "佳家", "利": "力立",
              "顺": "舜", "荣": "融容", "辉": "晖徽", "明": "鸣铭", "创": "闯", "润": "闰", "凯": "恺", "益": "易",
              "信": "鑫欣", "诚": "成城", "汇": "惠会", "博": "搏", "天": "添", "正": "政", "元": "圆",
              "亿": "艺", "航": "杭", "帆": "凡", "瀚": "翰", "浩": "昊", "宇": "禹", "锦": "劲", "云": "芸"}
# (trade as registered, its short form, the 行业 column)
TRADES = [
    ("贸易", "商贸", "贸易"), ("进出口贸易", "贸易", "贸易"), ("物流", "物流", "物流"), ("供应链管理", "供应链", "物流"),
    ("建筑材料", "建材", "建材"), ("装饰工程", "装饰", "建材"), ("电子科技", "电子", "电子"),
    ("信息技术", "信息", "电子"), ("食品", "食品", "食品"), ("茶业", "茶业", "食品"), ("餐饮管理", "餐饮", "餐饮"),
    ("房地产开发", "房地产", "房地产"), ("置业", "置业", "房地产"), ("物业管理", "物业", "房地产"),
    ("纺织", "纺织", "纺织服装"), ("服装", "服饰", "纺织服装"), ("鞋业", "鞋业", "纺织服装"),
    ("医药", "药业", "医药"), ("医疗器械", "医疗器械", "医药"), ("机械设备", "机械", "制造业"),
    ("五金制品", "五金", "制造业"), ("塑胶制品", "塑胶", "制造业"), ("包装材料", "包装", "制造业"),
    ("陶瓷", "陶瓷", "制造业"), ("石材", "石材", "建材"), ("汽车配件", "汽配", "制造业"),
    ("化工", "化工", "制造业"), ("家具", "家具", "制造业"), ("水产", "水产", "食品"), ("文化传媒", "传媒", "贸易"),
]
FORMS = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"]
CITIES = {
    "福州": "鼓楼区 台江区 仓山区 晋安区 马尾区 长乐区 闽侯县 福清市",
    "厦门": "思明区 湖里区 集美区 海沧区 同安区 翔安区",
    "泉州": "鲤城区 丰泽区 洛江区 晋江市 石狮市 南安市 惠安县 安溪县",
    "漳州": "芗城区 龙文区 龙海区 漳浦县 南靖县",
    "莆田": "城厢区 涵江区 荔城区 仙游县",
    "三明": "三元区 沙县区 永安市",
    "南平": "延平区 建阳区 武夷山市 邵武市",
    "龙岩": "新罗区 永定区 上杭县 漳平市",
    "宁德": "蕉城区 福安市 福鼎市 霞浦县",
}
CITY_WEIGHTS = [30, 25, 20, 8, 5, 3, 3, 3, 3]
ROADS = [a + b for a in ("五四 湖东 八一七北 工业 江滨 福新 华林 杨桥 湖滨南 厦禾 嘉禾 莲前西 仙岳 吕岭 泉秀 刺桐 丰泽 "
                         "田安 胜利 延安 新华 中山 人民 解放 建设 长江 黄河 创业 科技 滨海 金山 环城 学院 府前 "
                         "东大 西环 温泉 六一 白马 铜盘 乌山 东街 西洪 福飞 斗门 鹭江 思明南 莲花 屿后 塔埔 "
                         "湖里 坂尚 新垵 宝龙 温陵 笋江 九一 胜利东 瑞京 水仙 延平 大同 龙津 蕉城南 天湖").split()
         for b in ("路", "街", "大道", "北路", "南路")]
SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢洪郭邱曾廖赖徐周叶苏庄吕江何罗高潘朱钟方施姚彭游詹余卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强文辉鹏飞晓东海燕春梅玉兰俊杰婷雪丹宇翔凯斌"
MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "150", "151", "158", "159", "186", "187", "188",
                   "130", "131", "132", "155", "156", "185", "133", "153", "180", "181", "189", "177", "199")
MANAGERS = ["张伟", "李娜", "陈明", "林晓", "黄磊", "吴静", "郑海", "王芳", "刘洋", "蔡文"]
TRADITIONAL = str.maketrans("达贸易发电实业华兴丰鸿云龙东业电气门广厦乐宝贵荣顺汇凤饰装设备机械医药", "達貿易發電實業華興豐鴻雲龍東業電氣門廣廈樂寶貴榮順匯鳳飾裝設備機械醫藥")
FULL_WIDTH = str.maketrans("()0123456789", "（）０１２３４５６７８９")


class Company:
    """One real company: what its registrations are spelled from."""

    def __init__(self, rng: random.Random, brand: str, trade: tuple[str, str, str], city: str):
        self.brand, self.trade, self.city = brand, trade, city
        self.district = rng.choice(CITIES[city].split())
        self.form = rng.choice(FORMS)
        self.region_style = rng.choice(["city", "city", "province", "none", "cityshi"])
        self.contact = _person(rng)
        self.mobile = _mobile(rng)
        self.street = f"{rng.choice(ROADS)}{rng.randint(1, 1999)}号"
        if rng.random() < 0.3:
            self.street += f"{rng.randint(2, 30)}{rng.randint(1, 20):02d}室"
        self.other_street = f"{rng.choice(ROADS)}{rng.randint(1, 1999)}号"

    def name(self, region_style: str | None = None, form: str | None = None, trade: str | None = None,
             brand: str | None = None) -> str:
        prefix = {"city": self.city, "cityshi": self.city + "市", "province": "福建省", "fujian": "福建",
                  "none": "", "both": "福建省" + self.city + "市"}[region_style or self.region_style]
        return f"{prefix}{brand or self.brand}{self.trade[0] if trade is None else trade}{self.form if form is None else form}"

    def address(self, style: str = "full", district: str | None = None) -> str:
        """The address; with ``district``, another site of the company in that district, on another street."""
        district, street = (self.district, self.street) if district is None else (district, self.other_street)
        return {"full": f"福建省{self.city}市{district}{street}", "city": f"{self.city}市{district}{street}",
                "district": f"{district}{street}", "spaced": f"{self.city}市 {district} {street}"}[style]


def _person(rng: random.Random) -> str:
    surname = SURNAMES[min(int(rng.expovariate(1 / 8)), len(SURNAMES) - 1)]
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def _messy_mobile(rng: random.Random, mobile: str) -> str:
    return rng.choice([mobile, mobile, f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}", f"+86 {mobile}", f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"])


class Generator:
    def __init__(self, size: int, seed: int):
        self.rng = random.Random(seed)
        self.size = size
        self.rows: list[list] = []
        self.truth: list[int] = []          # company number of each row
        self.hard_pairs: list[tuple[int, int]] = []   # row indexes that must not be grouped
        self.names_taken: set[tuple[str, str]] = set()
        self.companies: list[Company] = []

    # -- companies --------------------------------------------------------------------------

    def new_company(self, city: str | None = None, brand: str | None = None, trade=None) -> Company:
        rng = self.rng
        while True:  # one 字号 per 行业, unless a hard negative asks for it on purpose
            b = brand or "".join(rng.choice(BRAND_CHARS) for _ in range(rng.choice((2, 2, 2, 3))))
            t = trade or rng.choice(TRADES)
            if (b, t[2]) not in self.names_taken or brand:
                break
        self.names_taken.add((b, t[2]))
        company = Company(rng, b, t, city or rng.choices(list(CITIES), CITY_WEIGHTS)[0])
        company.number = len(self.companies)
        self.companies.append(company)
        return company

    def add(self, company: Company, name: str, *, contact=None, mobile=None, address=None) -> int:
        rng = self.rng
        number = len(self.rows) + 1
        self.rows.append([
            f"KH{number:06d}", name, company.trade[2],
            company.address(rng.choice(["full", "city", "district"])) if address is None else address,
            company.contact if contact is None else contact,
            _messy_mobile(rng, company.mobile if mobile is None else mobile),
            rng.choice(MANAGERS), rng.choice("ABCD"), rng.choice("高中低"),
        ])
        self.truth.append(company.number)
        return number - 1

    # -- planted duplicates -----------------------------------------------------------------

    def respelled(self, c: Company) -> str:
        """The same name, written otherwise: places, legal form, traditional, full width, spaces, synonym."""
        rng = self.rng
        name = c.name(region_style=rng.choice(["city", "cityshi", "province", "fujian", "none", "both"]),
                      form=rng.choice(["有限公司", "有限责任公司", "", "公司"]),
                      trade=rng.choice([c.trade[0], c.trade[0], c.trade[1]]) if c.trade[0] != "贸易" else rng.choice(["贸易", "商贸"]))
        if rng.random() < 0.2:
            name = f"{c.brand}({c.city}){c.trade[0]}{c.form}"
        if rng.random() < 0.25:
            name = name.translate(TRADITIONAL)
        if rng.random() < 0.2:
            name = name.translate(FULL_WIDTH)
        if rng.random() < 0.15:
            cut = rng.randrange(1, len(name))
            name = name[:cut] + rng.choice([" ", "　"]) + name[cut:]
        return name

    def relocated_name(self, c: Company) -> str:
        """The name with another legal form and the place put otherwise: before the 字号, in brackets after
        it (full or half width), between 字号 and trade words, or left out."""
        rng = self.rng
        form = rng.choice(["有限公司", "有限责任公司", "股份有限公司"])
        place = rng.choice(["福建", "福建省", c.city, c.city + "市"])
        trade = c.trade[0]
        return rng.choice([
            f"{place}{c.brand}{trade}{form}", f"{c.brand}（{place}）{trade}{form}", f"{c.brand}({place}){trade}{form}",
            f"{c.brand}{place}{trade}{form}", f"{c.brand}{trade}{form}", f"福建省{c.city}市{c.brand}{trade}{form}",
        ])

    def other_district(self, c: Company) -> str:
        return self.rng.choice([d for d in CITIES[c.city].split() if d != c.district])

    def shared(self, c: Company) -> dict:
        """Which of mobile, contact and address a second registration shares (at least one)."""
        rng = self.rng
        keep = rng.choice([("mobile",), ("contact",), ("address",), ("mobile", "contact"),
                           ("mobile", "contact", "address"), ("contact", "address")])
        return {
            "mobile": None if "mobile" in keep else _mobile(rng),
            "contact": None if "contact" in keep else _person(rng),
            "address": (c.address(rng.choice(["full", "city", "district", "spaced"])) if "address" in keep
                        else f"{c.city}市{c.district}{rng.choice(ROADS)}{rng.randint(1, 1999)}号"),
        }

    def plant_duplicate(self, c: Company) -> None:
        rng = self.rng
        kind = rng.choices(["respelled", "elsewhere", "short", "typo", "sound"], [40, 20, 16, 12, 12])[0]
        if kind == "elsewhere":  # another office or the factory: nothing in common but the name, city and trade
            self.add(c, self.relocated_name(c), contact=_person(rng), mobile=_mobile(rng),
                     address=c.address(rng.choice(["full", "city", "district"]), district=self.other_district(c)))
        elif kind == "respelled":
            same = rng.random() < 0.6
            extra = {} if same else {"contact": _person(rng), "mobile": _mobile(rng)}
            self.add(c, self.respelled(c), **extra)
        elif kind == "short":
            short = rng.choice([c.brand + c.trade[1], c.brand + c.trade[1], c.brand, c.city + c.brand + c.trade[1]])
            self.add(c, short, **self.shared(c))
        else:
            brand = self.misspelt(c.brand, c.trade[2], sound=kind == "sound")
            self.add(c, c.name(brand=brand, form=rng.choice([c.form, "有限公司", ""])), **self.shared(c))

    def misspelt(self, brand: str, industry: str, sound: bool) -> str:
        """The 字号 with one character typed wrong (or a homophone), not another company's 字号."""
        rng = self.rng
        spots = [i for i, ch in enumerate(brand) if ch in HOMOPHONES] if sound else list(range(len(brand)))
        if not spots:
            spots = list(range(len(brand)))
            sound = False
        for attempt in range(100):
            if attempt == 50:  # every homophone is another company's 字号: a typo then
                spots, sound = list(range(len(brand))), False
            i = rng.choice(spots)
            pool = HOMOPHONES[brand[i]] if sound else BRAND_CHARS.replace(brand[i], "")
            other = brand[:i] + rng.choice(pool) + brand[i + 1:]
            if (other, industry) not in self.names_taken:
                break
        else:
            raise RuntimeError(f"no free misspelling of {brand}")  # never with 130 brand characters
        self.names_taken.add((other, industry))
        return other

    # -- planted hard negatives -------------------------------------------------------------

    def plant_negative(self) -> None:
        rng = self.rng
        kind = rng.choice(["branches", "two_trades", "one_char", "two_cities", "sound_alike", "one_boss",
                           "bare_two_trades", "two_counties", "province_two_cities"])
        base = self.new_company()
        first = self.add(base, base.name())
        if kind == "branches":  # one company's branches: other companies, often the boss's mobile
            rows = [first]
            for city in rng.sample([c for c in CITIES if c != base.city], 2):
                branch = self.new_company(city=city, brand=base.brand, trade=base.trade)
                branch.mobile = base.mobile if rng.random() < 0.5 else branch.mobile
                branch.contact = base.contact if rng.random() < 0.5 else branch.contact
                rows.append(self.add(branch, base.name(region_style="province") + f"{city}分公司"))
            self.hard_pairs.extend(combinations(rows, 2))
        elif kind == "two_trades":  # one boss, one 字号, two businesses
            trade = rng.choice([t for t in TRADES if t[2] != base.trade[2] and (base.brand, t[2]) not in self.names_taken])
            other = self.new_company(city=base.city, brand=base.brand, trade=trade)
            other.mobile, other.contact = base.mobile, base.contact
            if rng.random() < 0.5:
                other.street = base.street
                other.district = base.district
            self.hard_pairs.append((first, self.add(other, other.name(region_style=base.region_style))))
        elif kind in ("one_char", "sound_alike"):  # one trade, a near name, nothing else shared
            brand = self.misspelt(base.brand, base.trade[2], sound=kind == "sound_alike")
            other = self.new_company(city=base.city, brand=brand, trade=base.trade)
            self.hard_pairs.append((first, self.add(other, other.name(region_style=rng.choice(["city", "none"])))))
        elif kind == "one_boss":  # one boss, one office, two companies with different 字号 in one trade
            other = self.new_company(city=base.city, trade=base.trade)
            while set(other.brand) & set(base.brand):  # not a misspelling of it
                other.brand = "".join(rng.choice(BRAND_CHARS) for _ in range(2))
            self.names_taken.add((other.brand, other.trade[2]))
            other.mobile, other.contact, other.district, other.street = base.mobile, base.contact, base.district, base.street
            self.hard_pairs.append((first, self.add(other, other.name(region_style=base.region_style))))
        elif kind == "bare_two_trades":  # the bare 字号 twice, 行业 says two trades, two districts of one city
            trade = rng.choice([t for t in TRADES if t[2] != base.trade[2] and (base.brand, t[2]) not in self.names_taken])
            other = self.new_company(city=base.city, brand=base.brand, trade=trade)
            self.rows[first][1] = base.brand
            self.hard_pairs.append((first, self.add(other, base.brand, address=other.address(district=self.other_district(base)))))
        elif kind == "two_counties":  # the same name registered in two counties of one city, each named
            counties = [d for d in CITIES[base.city].split() if d[-1] in "市县"]
            if len(counties) < 2:
                return
            one, two = rng.sample(counties, 2)
            other = self.new_company(city=base.city, brand=base.brand, trade=base.trade)
            other.district, base.district = two, one
            self.rows[first][1] = f"{one[:-1]}{base.brand}{base.trade[0]}{base.form}"
            self.rows[first][3] = base.address()
            self.hard_pairs.append((first, self.add(other, f"{two[:-1]}{base.brand}{base.trade[0]}{other.form}")))
        elif kind == "province_two_cities":  # 福建省… and the bare name, the addresses in two cities
            city = rng.choice([c for c in CITIES if c != base.city])
            other = self.new_company(city=city, brand=base.brand, trade=base.trade)
            self.rows[first][1] = base.name(region_style="province")
            self.rows[first][3] = base.address(rng.choice(["full", "city", "district"]))
            self.hard_pairs.append((first, self.add(other, other.name(region_style="none"))))
        else:  # the same name in another city, another contact
            city = rng.choice([c for c in CITIES if c != base.city])
            other = self.new_company(city=city, brand=base.brand, trade=base.trade)
            style = rng.choice(["city", "none"])
            self.hard_pairs.append((self.add(other, other.name(region_style=style)), first))
            if style == "none" and base.region_style != "none":
                self.rows[first][1] = base.name(region_style="none")

    def generate(self) -> None:
        rng = self.rng
        while len(self.rows) < self.size:
            roll = rng.random()
            if roll < 0.03:
                self.plant_negative()
                continue
            company = self.new_company()
            self.add(company, company.name())
            if roll < 0.13:
                self.plant_duplicate(company)
                if rng.random() < 0.2:
                    self.plant_duplicate(company)
        # registrations are entered in any order: shuffle, then number the ids by row (oldest first)
        order = list(range(len(self.rows)))
        rng.shuffle(order)
        position = {old: new for new, old in enumerate(order)}
        self.rows = [self.rows[i] for i in order]
        self.truth = [self.truth[i] for i in order]
        self.hard_pairs = [(position[a], position[b]) for a, b in self.hard_pairs]
        for i, row in enumerate(self.rows):
            row[0] = f"KH{i + 1:06d}"


def _pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for a, b in combinations(sorted(g), 2)}


def evaluate(size: int, seed: int) -> dict:
    gen = Generator(size, seed)
    gen.generate()
    settings = Settings()
    register = register_from_tables("benchmark", {"clients": Table("客户档案", [HEADER, *gen.rows])}, settings, AS_OF)
    start, cpu = time.perf_counter(), time.process_time()
    findings = duplicate_client(register, AS_OF, settings)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    predicted = _pairs([[row - 2 for row in f.rows] for f in findings])  # sheet row 2 is rows[0]
    by_company: dict[int, list[int]] = {}
    for i, company in enumerate(gen.truth):
        by_company.setdefault(company, []).append(i)
    truth = _pairs(list(by_company.values()))
    hard = {tuple(sorted(p)) for p in gen.hard_pairs}
    true_positive = len(predicted & truth)
    return {
        "clients": len(gen.rows), "seconds": seconds, "cpu": cpu, "findings": len(findings),
        "precision": true_positive / len(predicted) if predicted else 1.0,
        "recall": true_positive / len(truth) if truth else 1.0,
        "true_pairs": len(truth), "predicted_pairs": len(predicted),
        "hard_negative_pairs": len(hard), "hard_negatives_grouped": len(predicted & hard),
        "generator": gen, "predicted": predicted, "truth": truth,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{'clients':>8} {'seconds':>8} {'cpu s':>6} {'precision':>9} {'recall':>7} {'true pairs':>10} "
          f"{'found pairs':>11} {'hard negatives grouped':>22}")
    for size in args.sizes:
        r = evaluate(size, args.seed)
        print(f"{r['clients']:>8} {r['seconds']:>8.2f} {r['cpu']:>6.2f} {r['precision']:>9.4f} {r['recall']:>7.4f} "
              f"{r['true_pairs']:>10} {r['predicted_pairs']:>11} {r['hard_negatives_grouped']:>10} of {r['hard_negative_pairs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
