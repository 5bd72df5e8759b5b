"""Chinese company names and addresses taken apart, so two spellings of one company can be compared.

A registered name is built as 行政区划 + 字号 + 行业 + 组织形式, e.g. 福建省 · 鑫达 · 贸易 · 有限公司, and a
branch adds its own place and marker after it (… 有限公司 · 厦门分公司). ``parse_company`` returns those
parts:

- ``region``  the places the name states: leading words (福建省, 福州市, 厦门, 晋江), a bracketed place
  in the middle (兴海（福建）建材) and a province or city between 字号 and trade words without brackets
  (环银福建建材, 铁达福州市贸易), as (province, city, county); they say where a company is, not who it is;
- ``brand``   the 字号 (鑫达): what is left after region, trade words and legal form are taken off;
- ``trades``  the trade words (贸易, 建筑材料 → 建材, 电子 + 科技), canonical, so synonyms compare equal;
- ``branch``  a branch marker (厦门分公司, 五四路分店) — part of the identity: two branches are two clients;
- ``removed`` what was taken off as written (有限公司, 福建省, （集团）), to explain a match to a person.

Before that the text is normalised: NFKC (full-width letters, digits and brackets → half-width), every
space removed, traditional → simplified (OpenCC, through ``huimao_sheets.normalize.to_simplified``),
case folded, 【】[]｛｝ read as brackets. ``parse_companies`` does many names with one OpenCC call.

``parse_address`` takes the leading places off an address (福建省福州市鼓楼区…, or a Fujian district on
its own, 鼓楼区… → 福州) and keeps the rest as the street key, with ``#`` read as 号 and 层/F as 楼.

Region words cover the provinces, every prefecture-level city of Fujian with all its districts and
counties (a county bare, as in 晋江鑫达鞋业, or with 市/县; a district bare only after its city, 厦门集美),
and the large cities staff meet outside Fujian. A leading place is only taken off when a 字号 of two or
more characters is left, and a bare place is the 字号 itself when what follows is only trade words or
too short to lose them (华安贸易, 德化新陶瓷: 华安 and 德化 are counties, here 字号).

Trade words come from a list of canonical words and their synonyms (``TRADES``); a two-character word
ending in 业/料/材/具/器/械 counts too (伞业, 灯具). A trade word is never taken when it would leave a
字号 shorter than two characters (宏业贸易 keeps 宏业).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, NamedTuple

from huimao_sheets.normalize import simplified_all, to_simplified


class Region(NamedTuple):
    """Where a name or address says a company is; ``None`` where it does not say."""

    province: str | None = None
    city: str | None = None
    county: str | None = None

    def merged(self, other: "Region") -> "Region | None":
        """Both places at once (福建 + 厦门 → 福建/厦门), or ``None`` when they contradict each other."""
        p1, c1, k1 = self
        p2, c2, k2 = other
        if (p1 and p2 and p1 != p2) or (c1 and c2 and c1 != c2) or (k1 and k2 and k1 != k2):
            return None
        return Region(p1 or p2, c1 or c2, k1 or k2)


NOWHERE = Region()

# --- places ----------------------------------------------------------------------------------

PROVINCES = {  # name → official suffix
    "北京": "市", "天津": "市", "上海": "市", "重庆": "市",
    "河北": "省", "山西": "省", "辽宁": "省", "吉林": "省", "黑龙江": "省", "江苏": "省", "浙江": "省",
    "安徽": "省", "福建": "省", "江西": "省", "山东": "省", "河南": "省", "湖北": "省", "湖南": "省",
    "广东": "省", "海南": "省", "四川": "省", "贵州": "省", "云南": "省", "陕西": "省", "甘肃": "省",
    "青海": "省", "台湾": "省", "内蒙古": "自治区", "广西": "壮族自治区", "西藏": "自治区",
    "宁夏": "回族自治区", "新疆": "维吾尔自治区", "香港": "特别行政区", "澳门": "特别行政区",
}
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")

# Fujian: prefecture-level city → its districts (区), county-level cities (市) and counties (县), with the
# names of recent years (长乐市, 龙海市, 长泰县, 建阳市, 梅列区, 永定县) that addresses still use.
FUJIAN = {
    "福州": "鼓楼区 台江区 仓山区 马尾区 晋安区 长乐区 长乐市 闽侯县 连江县 罗源县 闽清县 永泰县 平潭县 福清市",
    "厦门": "思明区 海沧区 湖里区 集美区 同安区 翔安区",
    "莆田": "城厢区 涵江区 荔城区 秀屿区 仙游县",
    "三明": "三元区 梅列区 沙县区 沙县 明溪县 清流县 宁化县 大田县 尤溪县 将乐县 泰宁县 建宁县 永安市",
    "泉州": "鲤城区 丰泽区 洛江区 泉港区 惠安县 安溪县 永春县 德化县 金门县 石狮市 晋江市 南安市",
    "漳州": "芗城区 龙文区 龙海区 龙海市 长泰区 长泰县 云霄县 漳浦县 诏安县 东山县 南靖县 平和县 华安县",
    "南平": "延平区 建阳区 建阳市 顺昌县 浦城县 光泽县 松溪县 政和县 邵武市 武夷山市 建瓯市",
    "龙岩": "新罗区 永定区 永定县 长汀县 上杭县 武平县 连城县 漳平市",
    "宁德": "蕉城区 霞浦县 古田县 屏南县 寿宁县 周宁县 柘荣县 福安市 福鼎市",
}
# Districts are only read bare (集美, 思明) right after their city; counties anywhere (晋江鑫达鞋业).
OTHER_CITIES = {
    "广东": "广州 深圳 东莞 佛山 珠海 汕头 潮州 揭阳 中山 惠州 江门 湛江 梅州",
    "浙江": "杭州 宁波 温州 义乌 台州 金华 绍兴 嘉兴 湖州 丽水",
    "江苏": "南京 苏州 无锡 常州 南通 扬州 徐州", "江西": "南昌 赣州 上饶 鹰潭 九江 景德镇",
    "山东": "济南 青岛 烟台 潍坊", "安徽": "合肥 芜湖", "湖北": "武汉", "湖南": "长沙", "四川": "成都",
    "陕西": "西安", "河南": "郑州", "云南": "昆明", "贵州": "贵阳", "广西": "南宁", "海南": "海口 三亚",
    "河北": "石家庄", "辽宁": "沈阳 大连", "吉林": "长春", "黑龙江": "哈尔滨", "山西": "太原", "甘肃": "兰州",
    "台湾": "台北 高雄 台中",
}
COUNTRY_WORDS = ("中国", "中华")
# Cities outside Fujian whose names are common 字号 (中山, 长春): read as places only with 市.
BRAND_LIKE_CITIES = {"中山", "长春", "太原", "大连", "金华", "丽水", "九江", "江门", "台中", "三亚", "湖州", "南通"}


def _places() -> tuple[dict[str, Region], dict[str, Region]]:
    """(words read anywhere at the front, district words read bare only right after their city)."""
    anywhere: dict[str, Region] = {}
    after_city: dict[str, Region] = {}
    for name, suffix in PROVINCES.items():
        city = name if name in MUNICIPALITIES else None
        anywhere[name] = anywhere[name + suffix] = Region(name, city)
        if suffix != "省" and suffix != "市":
            anywhere[name + "省"] = Region(name, city)  # 广西省, as people write it
    for city, counties in FUJIAN.items():
        anywhere[city] = anywhere[city + "市"] = Region("福建", city)
        for full in counties.split():
            bare = full[:-1] if len(full) > 2 else full  # 沙县 stays 沙县
            region = Region("福建", city, bare)
            anywhere[full] = region
            if full.endswith("区"):
                after_city.setdefault(bare, region)
            else:
                anywhere.setdefault(bare, region)
    for province, cities in OTHER_CITIES.items():
        for city in cities.split():
            if city not in BRAND_LIKE_CITIES:
                anywhere.setdefault(city, Region(province, city))
            anywhere.setdefault(city + "市", Region(province, city))
    for word in COUNTRY_WORDS:
        anywhere[word] = NOWHERE
    return anywhere, after_city


PLACES, DISTRICTS_AFTER_CITY = _places()


def _by_prefix() -> dict[str, list[tuple[str, Region, bool]]]:
    """First two characters → (word, place, only after a city), longest word first."""
    index: dict[str, list[tuple[str, Region, bool]]] = {}
    words = [(w, r, False) for w, r in PLACES.items()] + [(w, r, True) for w, r in DISTRICTS_AFTER_CITY.items()]
    for word, region, after_city in sorted(words, key=lambda item: -len(item[0])):
        index.setdefault(word[:2], []).append((word, region, after_city))
    return index


_PLACES_BY_PREFIX = _by_prefix()
_PLACE_SUFFIXES = "省市区县"


def leading_places(text: str, min_rest: int = 1) -> tuple[Region, list[str], str]:
    """Take place words off the front of ``text`` while they agree with each other.

    Returns (region, the words as written, the rest). A word is only taken when at least ``min_rest``
    characters remain after it.
    """
    region, words = NOWHERE, []
    min_rest = max(min_rest, 1)
    while True:
        for word, place, after_city in _PLACES_BY_PREFIX.get(text[:2], ()):
            if (after_city and not region.city) or len(text) - len(word) < min_rest or not text.startswith(word):
                continue
            merged = place if region is NOWHERE else region.merged(place)
            if merged is not None:
                region = merged
                words.append(word)
                text = text[len(word):]
                break
        else:
            return region, words, text


def place_word(text: str) -> Region | None:
    """``text`` as one place (厦门, 厦门市, 福建省, 思明区), or ``None``."""
    return PLACES.get(text) or DISTRICTS_AFTER_CITY.get(text)


# --- legal forms, branches, trade words -------------------------------------------------------

LEGAL_FORMS = sorted((
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "公司", "集团", "有限合伙", "普通合伙",
    "合伙企业", "个人独资企业", "独资企业", "个体工商户", "商行", "经营部", "门市部", "工作室", "总公司",
    "co.,ltd.", "co.,ltd", "co.ltd.", "co.ltd", "co.,limited", "co.limited", "ltd.", "ltd", "limited",
    "inc.", "inc", "corp.", "corp", "company", "co.", "group",
), key=len, reverse=True)

BRANCH_WORDS = ("分公司", "分店", "办事处", "营业部", "分厂", "分部", "分行", "支行", "分所", "服务部", "门店", "分中心",
                "分院", "分社")
_BRANCH = re.compile(f"({'|'.join(BRANCH_WORDS)})$")

# Canonical trade word → the ways names write it. Compound words (电子科技, 进出口贸易) are read as
# several words from the end, so only fixed phrases and synonyms are listed.
TRADES = {
    "贸易": "贸易 商贸 经贸 进出口 外贸 国际贸易 经销 批发 销售",
    "工贸": "工贸",
    "物流": "物流 运输 货运 快递 仓储 货运代理 国际货运代理 速运 速递 物流服务",
    "供应链": "供应链 供应链管理",
    "科技": "科技 技术 高科技 高新技术 科技开发",
    "信息": "信息 信息服务",
    "网络": "网络 互联网",
    "软件": "软件",
    "电子": "电子 微电子 电子产品 光电 电子元件",
    "电器": "电器 家电",
    "电气": "电气",
    "通信": "通信 通讯",
    "智能": "智能",
    "数码": "数码",
    "电商": "电子商务 电商",
    "食品": "食品 饮料 饮品 食品饮料",
    "餐饮": "餐饮 餐饮管理 餐饮服务 饮食 餐厅 酒楼 酒家 饭店",
    "酒店": "酒店 酒店管理 宾馆 大酒店",
    "房地产": "房地产 房地产开发 置业 地产 房产 不动产",
    "物业": "物业 物业管理 物业服务",
    "建材": "建材 建筑材料 新型建材 装饰材料",
    "建设": "建设 建筑 工程 建筑工程 建设工程 建工 路桥 市政工程",
    "装饰": "装饰 装修 装潢 装饰工程 装饰设计 家装",
    "设计": "设计 规划设计 建筑设计",
    "纺织": "纺织 针织 织造 化纤 纺织品",
    "服装": "服装 服饰 制衣 时装",
    "鞋业": "鞋业 鞋材 制鞋 鞋服",
    "医药": "医药 药业 制药 药品 中药",
    "医疗": "医疗 医疗器械 医疗设备",
    "药房": "大药房 药房 药店",
    "生物": "生物 生物工程",
    "机械": "机械 机械设备 设备 机电 机电设备 精密机械",
    "制造": "制造 工业 精密 模具",
    "五金": "五金 五金机电 五金交电 交电 五金制品",
    "汽车": "汽车 汽配 汽车配件 汽车服务 汽车销售",
    "化工": "化工 化学 涂料",
    "塑胶": "塑胶 塑料 橡胶 橡塑 塑业",
    "包装": "包装 彩印",
    "印刷": "印刷 印务",
    "纸业": "纸业 纸品",
    "家具": "家具 家居 木业",
    "陶瓷": "陶瓷 瓷业",
    "石材": "石材 石业",
    "玻璃": "玻璃",
    "钢铁": "钢铁 钢材 金属 铝业 铜业 不锈钢",
    "能源": "能源 新能源 光伏 电力 燃气 石油 石化",
    "环保": "环保 环境 节能",
    "茶业": "茶业 茶叶",
    "农业": "农业 农牧 农产品 种业 林业 花卉 果业 果蔬",
    "水产": "水产 海产 渔业 海洋 水产品",
    "咨询": "咨询 管理咨询 顾问 企业管理 企业服务 企业管理咨询",
    "投资": "投资 投资管理 资产管理 控股",
    "金融": "金融 担保 融资租赁 保险 典当",
    "文化": "文化 文化传播 文创",
    "传媒": "传媒 广告 传播 影视 会展",
    "教育": "教育 培训 职业培训",
    "旅游": "旅游 旅行社 旅行",
    "人力资源": "人力资源 劳务 人才 劳务派遣",
    "安防": "安防 保安 消防",
    "实业": "实业",
    "商业": "商业 商业管理 百货 日用百货 超市 商场 便利店",
    "珠宝": "珠宝 黄金 首饰",
    "工艺": "工艺 工艺品 礼品",
    "日化": "日化 化妆品 日用品",
    "家政": "家政 保洁 清洁",
    "园林": "园林 绿化 景观",
    "照明": "照明 灯饰 灯具",
    "仪器": "仪器 仪表 检测设备",
    "检测": "检测 认证 检验",
    "光学": "光学 眼镜",
    "水泥": "水泥 混凝土 商品混凝土",
    "钢结构": "钢结构 钢构 幕墙 门窗",
    "卫浴": "卫浴 洁具 厨卫 水暖 水暖器材 管材",
    "电缆": "电缆 电线 线缆 光缆",
    "铸造": "铸造 锻造 轴承 齿轮 阀门 泵业",
    "电梯": "电梯",
    "纸箱": "纸箱",
    "皮革": "皮革 箱包 皮具",
    "家纺": "家纺 床上用品",
    "玩具": "玩具 文具 体育用品",
    "酒业": "酒业 酒类 白酒 啤酒 葡萄酒",
    "乳业": "乳业 乳品",
    "粮油": "粮油 米业 面业 油脂",
    "调味品": "调味品 酱油 酱业",
    "饮用水": "饮用水 矿泉水 纯净水",
    "烘焙": "烘焙 糕点 食品烘焙",
    "冷链": "冷链 冷冻食品 速冻食品",
    "生鲜": "生鲜 海鲜 蔬菜",
    "饲料": "饲料 兽药 养殖 畜牧",
    "宠物": "宠物",
    "美容": "美容 美发 美业 化妆",
    "健身": "健身 体育 运动",
    "摄影": "摄影 婚庆 婚纱",
    "游戏": "游戏 动漫",
    "大数据": "大数据 云计算 物联网 人工智能 区块链",
    "租赁": "租赁 设备租赁 汽车租赁",
    "拍卖": "拍卖",
    "律师": "律师事务所 法律咨询 法律服务",
    "会计": "会计 会计师事务所 财税 税务 代理记账",
    "房屋中介": "房屋中介 中介 经纪",
    "船舶": "船舶 船务 航运 港口",
    "航空": "航空",
    "矿业": "矿业 矿产 冶金",
    "木材": "木材 板材 型材 竹木",
    "新材料": "新材料 复合材料",
    "服务外包": "服务外包 外包",
    "劳保": "劳保 劳保用品 劳防用品",
    "办公": "办公 办公设备 办公用品 文具用品",
    "酒店用品": "酒店用品",
}
# A two-character word ending so is a trade word even when not listed (伞业, 灯具, 板材, 仪器); not 品,
# which ends many a 字号 (优品, 佳品).
TRADE_ENDINGS = "业料材具器械"
# Words that say nothing about the trade: dropped, so 鑫达国际贸易 and 鑫达贸易 compare equal.
FILLERS = ("发展", "国际", "开发", "新型", "有限", "管理", "服务", "中国", "企业", "制品", "材料", "用品", "产品")

TRADE_WORDS: dict[str, str] = {}
for _canonical, _surfaces in TRADES.items():
    for _surface in _surfaces.split():
        TRADE_WORDS[_surface] = _canonical
for _filler in FILLERS:
    TRADE_WORDS[_filler] = ""
# Trade words by their last two characters, longest first: at each end of a name only these are tried.
_TRADES_BY_END: dict[str, list[tuple[str, str]]] = {}
for _word in sorted(TRADE_WORDS, key=len, reverse=True):
    _TRADES_BY_END.setdefault(_word[-2:], []).append((_word, TRADE_WORDS[_word]))
MIN_BRAND = 2  # a 字号 keeps at least this many characters


# --- normalisation ---------------------------------------------------------------------------

_BRACKETS = {"【": "(", "】": ")", "[": "(", "]": ")", "{": "(", "}": ")", "〔": "(", "〕": ")",
             "「": "", "」": "", "“": "", "”": "", "\"": "", "'": "", "《": "", "》": ""}
_ODD_BRACKET = re.compile("[" + re.escape("".join(_BRACKETS)) + "]")


def _folded(text: str) -> str:
    """Width, brackets, spaces and case; simplification is done by the caller (in bulk)."""
    text = "".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return _ODD_BRACKET.sub(lambda m: _BRACKETS[m.group()], text) if _ODD_BRACKET.search(text) else text


@dataclass(slots=True)
class CompanyName:
    text: str                      # normalised full name
    brand: str                     # 字号
    trades: tuple[str, ...]        # canonical trade words, sorted, no repeats
    trade_text: str                # the trade words as written (建筑材料)
    region: Region                 # places the name states
    branch: str                    # branch marker, "" for none (厦门分公司)
    removed: tuple[str, ...]       # legal forms, places and bracket notes taken off, as written


def parse_company(name: str) -> CompanyName:
    """One name; see ``parse_companies`` for many."""
    return _parse(to_simplified(_folded(name)))


def parse_companies(names: Iterable[str]) -> list[CompanyName]:
    folded = [_folded(n) for n in names]
    return [_parse(text) for text in simplified_all(folded)]


@lru_cache(maxsize=4096)
def _bracket_note(content: str) -> tuple[str, Region | None]:
    """What a bracketed note is: ("place", region), ("form", None), ("branch", None) or ("note", None)."""
    if content in LEGAL_FORMS:
        return "form", None
    if _BRANCH.search(content):
        return "branch", None
    place = place_word(content)
    if place is not None:
        return "place", place
    return "note", None


_BRACKETED = re.compile(r"\(([^()]*)\)")


def _take_brackets(text: str, removed: list[str]) -> tuple[str, Region, str]:
    """Bracketed notes out of the name: a place, a legal form, a branch, anything else (原名…)."""
    region, branch = NOWHERE, ""
    if "(" not in text and ")" not in text:
        return text, region, branch
    parts = []
    last = 0
    for m in _BRACKETED.finditer(text):
        parts.append(text[last:m.start()])
        last = m.end()
        content = m.group(1)
        kind, place = _bracket_note(content)
        if kind == "branch":
            branch = _branch_marker(content)
            continue
        if kind == "place":
            region = region.merged(place) or region
        removed.append(f"（{content}）" if content else "（）")
    parts.append(text[last:])
    return "".join(parts).replace("(", "").replace(")", ""), region, branch


def _branch_marker(text: str) -> str:
    """厦门市分公司 → 厦门分公司: the place in a branch marker without 市/区/县."""
    m = _BRANCH.search(text)
    if not m:
        return text
    place_text = text[:m.start()]
    place = place_word(place_text)
    if place is not None:
        place_text = place.county or place.city or place.province or place_text
    return place_text + m.group(1)


def _take_branch(text: str) -> tuple[str, str]:
    """(name without the branch, branch marker): 鑫达贸易有限公司厦门分公司 → (鑫达贸易有限公司, 厦门分公司)."""
    if not text.endswith(BRANCH_WORDS):
        return text, ""
    m = _BRANCH.search(text)
    head = text[:m.start()]
    cut = max(head.rfind("公司"), head.rfind("集团"))
    if cut >= 0:
        end = cut + 2
        return head[:end], _branch_marker(text[end:])
    for start in range(max(0, len(head) - 8), len(head)):  # 鑫达贸易厦门分公司: a place right before
        if place_word(head[start:]) is not None:
            return head[:start], _branch_marker(text[start:])
    return head, m.group(1)


_FORMS_BY_LAST_CHAR: dict[str, list[str]] = {}
for _form in LEGAL_FORMS:
    _FORMS_BY_LAST_CHAR.setdefault(_form[-1], []).append(_form)


def _take_forms(text: str, removed: list[str]) -> str:
    while True:
        for form in _FORMS_BY_LAST_CHAR.get(text[-1:], ()):
            if text.endswith(form) and len(text) > len(form):
                removed.append(form)
                text = text[:-len(form)]
                break
        else:
            return text


def _take_trades(text: str, guess: bool = True) -> tuple[str, list[str], str]:
    """Trade words off the end while a 字号 of ``MIN_BRAND`` characters is left; ``guess``: also words
    that only end like one (``TRADE_ENDINGS``).

    Returns (the rest, canonical trade words, the trade words as written).
    """
    canon: list[str] = []
    end = len(text)
    while end >= MIN_BRAND + 2:
        for word, found in _TRADES_BY_END.get(text[end - 2:end], ()):
            length = len(word)
            if end - length >= MIN_BRAND and text.endswith(word, 0, end):
                break
        else:
            if not guess or text[end - 1] not in TRADE_ENDINGS:
                break
            length, found = 2, text[end - 2:end]  # 茶业, 灯具, 涂料: a trade even when not listed
        if found:
            canon.append(found)
        end -= length
    return text[:end], canon, text[end:]


def _take_infix_place(brand: str, region: Region, removed: list[str]) -> tuple[str, Region]:
    """A place written between the 字号 and the trade words without brackets (环银福建建材, 铁达福州市贸易).

    Only a province or a city, or a place written with 省/市/区/县, and only when it agrees with the
    places already read and a 字号 of ``MIN_BRAND`` characters is left: a bare county (华安, 永安)
    ends many a 字号.
    """
    for start in range(MIN_BRAND, len(brand) - 1):
        tail = brand[start:]
        place = PLACES.get(tail)
        if place is None or place is NOWHERE or not (place.county is None or tail[-1] in _PLACE_SUFFIXES):
            continue
        merged = region.merged(place)
        if merged is not None:
            removed.append(tail)
            return brand[:start], merged
    return brand, region


def _parse(text: str) -> CompanyName:
    removed: list[str] = []
    rest, branch = _take_branch(text)
    rest, bracket_region, bracket_branch = _take_brackets(rest, removed)
    branch = branch or bracket_branch
    rest = _take_forms(rest, removed)
    region, places, rest = leading_places(rest, min_rest=MIN_BRAND)
    brand, canon, trade_text = _take_trades(rest)
    if places and places[-1][-1] not in _PLACE_SUFFIXES:
        # A bare place name may be the 字号 itself: 华安贸易, 德化新陶瓷 (德化 is a county, 德化新 a 字号).
        # It is when taking it off would leave a 字号 that is only a trade word, or one too short to take
        # the listed trade words off.
        other = _take_trades(places[-1] + rest, guess=False)
        if brand in TRADE_WORDS or len(other[2]) > len(trade_text):
            brand, canon, trade_text = other
            places.pop()
            region = leading_places("".join(places))[0]
    removed.extend(places)
    brand, region = _take_infix_place(brand, region, removed)
    if bracket_region is not NOWHERE:
        region = region.merged(bracket_region) or region
    trades = tuple(canon) if len(canon) < 2 else tuple(sorted(set(canon)))
    return CompanyName(text, brand, trades, trade_text, region, branch, tuple(removed))


# --- addresses -------------------------------------------------------------------------------

_ADDRESS_JUNK = re.compile(r"[,，。.、;；:：\-—_~·()]")
_FLOOR = re.compile(r"(\d+)(?:层|f)")


@dataclass(slots=True)
class Address:
    region: Region        # 福建/福州/鼓楼
    street: str           # what is left: 五四路88号1201室


def parse_addresses(addresses: Iterable[str | None]) -> list[Address | None]:
    """Many addresses with one OpenCC call; ``None`` for a blank one."""
    texts = list(addresses)
    present = [i for i, a in enumerate(texts) if a]
    simple = simplified_all([_folded(texts[i]) for i in present])
    result: list[Address | None] = [None] * len(texts)
    for i, text in zip(present, simple):
        result[i] = _address(text)
    return result


def parse_address(address: str) -> Address:
    return _address(to_simplified(_folded(address)))


_PLACE_PART = re.compile(r"^.{0,14}[省市区县]")  # where the places of an address usually end


@lru_cache(maxsize=16384)
def _address_places(prefix: str, more: bool) -> tuple[Region, int]:
    """(region, characters used) of an address's first part; ``more``: the street follows it."""
    region, _, rest = leading_places(prefix + "\0" if more else prefix)
    return region, len(prefix) + more - len(rest)


def _address(text: str) -> Address:
    text = _ADDRESS_JUNK.sub("", text.replace("#", "号"))
    if "层" in text or "f" in text:
        text = _FLOOR.sub(r"\1楼", text)
    if m := _PLACE_PART.match(text):  # 福建省福州市鼓楼区… repeats thousands of times: read it once
        region, used = _address_places(m.group(), m.end() < len(text))
        return Address(region, text[used:])
    region, _, street = leading_places(text)
    return Address(region, street)


# --- sound ----------------------------------------------------------------------------------

_READINGS: dict[str, frozenset[str]] = {}


def readings(ch: str) -> frozenset[str]:
    """Every toneless pinyin reading of a character (长 → chang, zhang); a non-Chinese character as itself."""
    found = _READINGS.get(ch)
    if found is None:
        if "\u4e00" <= ch <= "\u9fff":
            # Only single characters are read here: pypinyin's phrase table (slow to load) is not needed.
            os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
            from pypinyin import Style, pinyin

            found = frozenset(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])
        else:
            found = frozenset((ch,))
        _READINGS[ch] = found
    return found


def sounds_alike(a: str, b: str) -> bool:
    """Same length and every character has a reading in common (鼎盛/鼎胜, 隆昌/隆长)."""
    return len(a) == len(b) and all(x == y or readings(x) & readings(y) for x, y in zip(a, b))
