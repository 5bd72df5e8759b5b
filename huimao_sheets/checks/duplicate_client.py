"""``duplicate_client``: one company registered more than once in 客户档案 under different spellings.

One finding per group of register rows that are one company, with the evidence, a score and the record
to keep (the oldest 客户编号, smallest number). The check never merges anything: staff do, after checking.

Names are taken apart by ``huimao_sheets.company_names`` into places, 字号 (brand), trade words, legal
form and branch. Two rows are judged as follows.

**Never one company** when they differ in something one company cannot have twice:
  - the branch (…厦门分公司 vs …泉州分公司, or a branch vs its head office);
  - the province or city, from the names or else the addresses (福州鑫达 vs 厦门鑫达), the city of the
    two addresses, or the county when both names state one (晋江 vs 石狮);
  - the trade: neither side's trade words contain the other's (鑫达贸易 vs 鑫达物流; but 鑫达 vs
    鑫达贸易, and 鑫达进出口贸易 vs 鑫达商贸, fit).

**One company** when nothing above forbids it and
  - the names are the same once places, legal forms, width, traditional characters, brackets, spaces and
    trade synonyms are set aside (福建省鑫达贸易有限公司 = 鑫达商贸, 福州铁达贸易有限公司 = 福州铁达贸易有限
    责任公司, 环银（福建）建筑材料有限公司 = 环银建筑材料有限公司): a registered name is unique within the
    area it names, so that is enough whatever the districts and contacts (an office and a factory). "One
    city" is the city of the name's place words, else of the address (环银（福建）… names only the
    province: its address gives the city); two cities known and different keep the rows apart (above).
    A row that states no city, in its name or its address, is in no different city: when neither row
    gives one (or one row only) the rows are taken to be in one city — a missing place is not another
    place, and the evidence says nothing of a city then. When the addresses put the rows in different districts of their city, the
    name needs one trade besides: every source that states the trade agrees — the names' trade words
    and the 行业 column — and one of them states it (鑫达 and 鑫达 with no trade said, or 行业 贸易 and
    物流, may be two companies), and a county one name names is the county of the other row (晋江鑫达鞋业 is
    unique in 晋江, not in 泉州); the evidence then says so (同在福州市、同一行业). Otherwise, across
    districts, the name needs a shared mobile, contact or address too;
  - one is a short form of the other — the same 字号 with fewer trade words (兴海 / 兴海建材), or a bare
    字号 that begins the other (千恒 / 千恒水暖器材) — and the rows share the mobile, the address, or
    the contact in the same district;
  - the 字号 sound the same (鼎盛/鼎胜, 隆昌/隆长) or differ by one character (瑞丰/端丰), with a trade
    word in common (or none on either side), and the rows share the mobile, the address, or the contact
    in the same district.

A contact name only counts when it is a name (王总, 李经理 are not) and rare in the register (on at most
``COMMON_CONTACT`` of the rows, and never fewer than ``MIN_COMMON_CONTACT``): 张伟 on two rows is chance. A shared mobile, contact or
address never makes two rows one company on its own — one boss may run a trading and a logistics company
from one office with one phone; such companies differ in 字号 or trade and stay apart. Two streets are
one address when they are equal, or nearly so with the same house numbers, in the same district.

Scale: rows are only compared within blocks that share a key — the 字号 with its trade words, or a
mobile, a rare contact or a street (in its city); a key held by more than ``SMALL_BLOCK`` rows (a common
contact) is split by the first and last character of the 字号, one of which a misspelling keeps. A
mobile or street held by more than ``MAX_BLOCK`` rows (a placeholder mobile, a business-centre address)
is no evidence at all, and a block that still has more rows than that is skipped. Links are joined strongest first. Two groups join only if, for every pair of rows across
them, nothing says "never" and the names are related, keep a character in place, or the rows share a
mobile, rare contact or address; and the result has at most ``MAX_GROUP`` rows. So a weak link cannot
chain two companies together: 鑫达 may join 鑫达贸易 or 鑫达物流, never both.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, combinations

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from huimao_sheets.checks.common import client_label, client_owner
from huimao_sheets.checks.spec import Check
from huimao_sheets.company_names import (
    CompanyName,
    parse_addresses,
    parse_companies,
    sounds_alike,
)
from huimao_sheets.config import Settings
from huimao_sheets.findings import WARNING, Finding, join_rows
from huimao_sheets.model import Client, Register
from huimao_sheets.register import gc_paused

MAX_BLOCK = 40              # rows sharing a mobile or street beyond this: no evidence (13800000000)
MAX_GROUP = 12              # rows in one finding at most
SMALL_BLOCK = 8             # rows sharing a key that are compared all with all
COMMON_CONTACT = 0.001      # a contact name on more than this share of the rows is common …
MIN_COMMON_CONTACT = 5      # … and on more than this many rows
SAME_ADDRESS = 92           # rapidfuzz ratio of two streets with the same house numbers

SAME, SHORT, SOUND, TYPO = "same", "short", "sound", "typo"
NAME_SCORE = {SAME: 0.55, SHORT: 0.45, SOUND: 0.4, TYPO: 0.35}
MOBILE_SCORE, CONTACT_SCORE, ADDRESS_SCORE, INDUSTRY_SCORE = 0.2, 0.1, 0.15, 0.05

_NOT_DIGITS = re.compile(r"\D+")
# 王总, 李经理, 陈工: a surname and a title says who is meant to a colleague, not which company it is.
_SURNAME_AND_TITLE = re.compile(r"^.{1,2}(总|总经理|经理|老板|董|董事长|厂长|主任|先生|女士|小姐|老师|工|会计|主管)$")


def _is_personal(contact: str) -> bool:
    return len(contact) >= 2 and not _SURNAME_AND_TITLE.match(contact)


@dataclass(slots=True)
class Entry:
    """One register row, ready to compare."""

    index: int
    client: Client
    name: CompanyName
    province: str | None        # from the name, else from the address
    city: str | None
    county: str | None          # from the name, else from the address
    address_city: str | None    # the city the address is in
    mobile: str | None
    contact: str | None         # only when rare enough to be evidence
    street: str | None          # the address without its places, when it has a house number
    digits: str                 # the street's numbers


@dataclass(slots=True)
class Link:
    a: Entry
    b: Entry
    score: float
    evidence: list[tuple]       # (kind, *data), rendered in the finding's language


@dataclass
class Group:
    members: list[Entry]
    links: list[Link] = field(default_factory=list)


def _entries(clients: list[Client]) -> list[Entry]:
    named = [c for c in clients if c.name]
    names = parse_companies(c.name for c in named)
    addresses = parse_addresses(c.address for c in named)
    contact_rows = Counter(c.contact for c in named if c.contact)
    common = max(MIN_COMMON_CONTACT, COMMON_CONTACT * len(named))
    entries = []
    for index, (client, name, address) in enumerate(zip(named, names, addresses)):
        province, city, county = name.region
        street, digits, address_city = None, "", None
        if address is not None:  # the address says what the name does not; where they disagree the name wins
            a_province, a_city, a_county = address.region
            address_city = a_city
            if not (province and a_province and province != a_province) and not (city and a_city and city != a_city):
                province, city, county = province or a_province, city or a_city, county or a_county
            digits = _NOT_DIGITS.sub("", address.street)
            street = address.street if digits else None  # 五四路88号, not just 五四路
        mobile, contact = client.contact_mobile, client.contact
        entries.append(Entry(
            index, client, name, province, city, county, address_city,
            mobile if mobile.__class__ is str else None,  # not Unreadable
            contact if contact and contact_rows[contact] <= common and _is_personal(contact) else None,
            street, digits,
        ))
    # A mobile or street that many rows share is a placeholder or a business centre: no evidence.
    mobiles = Counter(e.mobile for e in entries if e.mobile)
    streets = Counter((e.city, e.street) for e in entries if e.street)
    for e in entries:
        if e.mobile and mobiles[e.mobile] > MAX_BLOCK:
            e.mobile = None
        if e.street and streets[(e.city, e.street)] > MAX_BLOCK:
            e.street = None
    return entries


# --- comparing two rows ----------------------------------------------------------------------

def _never(a: Entry, b: Entry) -> bool:
    """A difference one company cannot have: branch, province or city, the counties two names state, trade."""
    na, nb = a.name, b.name
    if na.branch != nb.branch:
        return True
    if (a.city and b.city and a.city != b.city) or (a.province and b.province and a.province != b.province):
        return True
    if a.address_city and b.address_city and a.address_city != b.address_city:
        return True  # the names agree on a place, but the addresses are in two cities
    ca, cb = na.region.county, nb.region.county
    if ca and cb and ca != cb:
        return True
    if na.trades != nb.trades:
        ta, tb = set(na.trades), set(nb.trades)
        return not (ta <= tb or tb <= ta)
    return False


def _relation(na: CompanyName, nb: CompanyName) -> str | None:
    """How two names relate, trade words aside (``_never`` has judged those).

    SAME   the same 字号 and trade words;
    SHORT  the same 字号 with fewer trade words (兴海 / 兴海建材), or a bare 字号 that begins the other
           (千恒 / 千恒水暖器材: the rest is a trade word not in our list);
    SOUND  the 字号 sound the same (鼎盛 / 鼎胜), with a trade word in common or none on either side;
    TYPO   the 字号 differ by one character (瑞丰 / 端丰), likewise.
    """
    ba, bb = na.brand, nb.brand
    if ba == bb:
        return SAME if na.trades == nb.trades else SHORT
    short, full = (na, nb) if len(ba) < len(bb) else (nb, na)
    if not short.trades and len(short.brand) >= 2 and len(full.brand) - len(short.brand) >= 2 \
            and full.brand.startswith(short.brand):
        return SHORT
    if na.trades != nb.trades and not set(na.trades) & set(nb.trades):
        return None  # a bare 字号 one character off a company in some trade says too little
    if len(ba) == len(bb):
        if sounds_alike(ba, bb):
            return SOUND
        return TYPO if len(ba) >= 2 and sum(x != y for x, y in zip(ba, bb)) == 1 else None
    if len(short.brand) >= 3 and Levenshtein.distance(ba, bb, score_cutoff=1) <= 1:
        return TYPO  # 天润源泉 / 天润泉: one character left out
    return None


def _may_join(a: Entry, b: Entry) -> bool:
    """Two rows from the two groups a link would join: nothing says "never", and their names are related
    or keep a character in place (隆昌盛, 龙昌胜), or they share a mobile, a rare contact or an address
    (two misspellings of 绣宏: 兴宏 and 绣合)."""
    if _never(a, b):
        return False
    ba, bb = a.name.brand, b.name.brand
    if len(ba) == len(bb) and sum(x != y for x, y in zip(ba, bb)) < len(ba) or _relation(a.name, b.name):
        return True
    return (a.mobile is not None and a.mobile == b.mobile) or (a.contact is not None and a.contact == b.contact) \
        or _same_address(a, b)


def _other_district(a: Entry, b: Entry) -> bool:
    return bool(a.county and b.county and a.county != b.county)


def _one_area(a: Entry, b: Entry) -> bool:
    """Two rows whose same name is enough whatever their districts: one trade, and no county named in
    one name that the other row is outside of (晋江鑫达鞋业 is unique in 晋江, not in 泉州).

    The trade is one when every source that states it agrees and one does: the names' trade words
    (``_relation`` has found them equal) and the 行业 column. Cities that differ were ruled out by
    ``_never``; a city neither row states is no different city.
    """
    ia, ib = a.client.industry, b.client.industry
    if ia and ib and ia != ib:
        return False
    if not a.name.trades and not (ia and ib):
        return False  # 鑫达 and 鑫达 with no trade said: two companies may share a bare 字号
    named_a, named_b = a.name.region.county, b.name.region.county
    return not (named_a and b.county and b.county != named_a) and not (named_b and a.county and a.county != named_b)


def _same_address(a: Entry, b: Entry) -> bool:
    if a.street is None or b.street is None or _other_district(a, b):
        return False
    return a.street == b.street or (a.digits == b.digits and ratio(a.street, b.street) >= SAME_ADDRESS)


def _link(a: Entry, b: Entry) -> Link | None:
    if _never(a, b):
        return None
    relation = _relation(a.name, b.name)
    if relation is None:
        return None
    mobile = a.mobile is not None and a.mobile == b.mobile
    contact = a.contact is not None and a.contact == b.contact
    address = _same_address(a, b)
    same_district = not _other_district(a, b)
    across_districts = relation == SAME and not same_district and bool(a.city) and _one_area(a, b)
    if relation == SAME:
        convinced = mobile or address or contact or same_district or across_districts
    else:
        convinced = mobile or address or (contact and same_district)
    if not convinced:
        return None
    score = NAME_SCORE[relation] + MOBILE_SCORE * mobile + CONTACT_SCORE * contact + ADDRESS_SCORE * address
    if a.client.industry and a.client.industry == b.client.industry:
        score += INDUSTRY_SCORE
    evidence = [_name_evidence(relation, a, b)]
    if mobile:
        evidence.append(("mobile", a.mobile))
    if contact:
        evidence.append(("contact", a.contact))
    if address:
        evidence.append(("address", min(a.client.address, b.client.address, key=len)))
    if across_districts and not (mobile or address or contact):
        evidence.append(("one_city", a.city))
    return Link(a, b, round(min(score, 1.0), 2), evidence)


def _name_evidence(relation: str, a: Entry, b: Entry) -> tuple:
    na, nb = a.name, b.name
    if relation == SAME:
        if a.client.name == b.client.name:
            return ("same_name",)
        removed = tuple(dict.fromkeys(w for w in (*na.removed, *nb.removed) if w not in na.removed or w not in nb.removed))
        synonyms = (na.trade_text, nb.trade_text) if na.trade_text != nb.trade_text else None
        return ("normalised", removed, synonyms)
    if relation == SHORT:
        short, full = (a, b) if (len(na.trades), len(na.brand)) < (len(nb.trades), len(nb.brand)) else (b, a)
        return ("short", short.client.name, full.client.name)
    return (relation, na.brand, nb.brand)


# --- blocks and groups -----------------------------------------------------------------------

def _keys(e: Entry) -> list:
    """The mobile, rare contact and street (in its city) of a row: what rows that may be one company share."""
    return [key for key in (e.mobile, e.contact, e.street and (e.city, e.street)) if key]


def _blocks(entries: list[Entry]) -> dict[tuple, list[Entry]]:
    """Rows that may be one company share a key: their name, or a mobile, rare contact or street.

    A key that only one row has makes no block. A key that many rows share (a common contact) makes
    one block per first and per last character of the 字号, where a misspelling keeps one of them; such a
    block of one row compares nothing and is not kept (at 100,000 clients most of them are: 140,000 lists).
    Every block holds its rows in entry order.
    """
    names = [(e.name.brand, e.name.trades) for e in entries]
    repeated_names = {key for key, n in Counter(names).items() if n > 1}
    rows_with = Counter(chain.from_iterable(map(_keys, entries)))
    blocks: dict[tuple, list[Entry]] = defaultdict(list)
    common: dict[object, list[Entry]] = defaultdict(list)   # a key of more than SMALL_BLOCK rows → its rows
    for e, name in zip(entries, names):
        if name in repeated_names:
            blocks[name].append(e)
        for key in _keys(e):
            n = rows_with[key]
            if n == 1:
                continue
            if n <= SMALL_BLOCK:
                blocks[key].append(e)
            else:
                common[key].append(e)
    del names, repeated_names, rows_with
    for key, rows in common.items():
        split: dict[str, list[Entry]] = defaultdict(list)
        for e in rows:
            brand = e.name.brand
            first, last = brand[:1], brand[-1:]
            split[first].append(e)
            if last != first:
                split[last].append(e)
        for char, members in split.items():
            if len(members) > 1 or (key, char) in blocks:   # (key, char) may also be a (city, street)
                block = blocks[(key, char)]
                block.extend(members)
                if len(block) > len(members):
                    block.sort(key=lambda e: e.index)
    return blocks


def _links(entries: list[Entry]) -> list[Link]:
    seen: set[int] = set()
    links = []
    for block in _blocks(entries).values():
        if len(block) < 2 or len(block) > MAX_BLOCK:
            continue
        for a, b in combinations(block, 2):  # in entry order: a.index < b.index
            pair = a.index * len(entries) + b.index
            if pair in seen:
                continue
            seen.add(pair)
            link = _link(a, b)
            if link is not None:
                links.append(link)
    links.sort(key=lambda link: (-link.score, link.a.index, link.b.index))
    return links


def _groups(links: list[Link]) -> list[Group]:
    """Join links strongest first; two groups join only if every pair across them may be one company."""
    group_of: dict[int, Group] = {}
    for link in links:
        ga = group_of.get(link.a.index) or Group([link.a])
        gb = group_of.get(link.b.index) or Group([link.b])
        if ga is gb:
            ga.links.append(link)
            continue
        if len(ga.members) + len(gb.members) > MAX_GROUP:
            continue
        if not all(_may_join(x, y) for x in ga.members for y in gb.members):
            continue
        ga.members.extend(gb.members)
        ga.links.extend(gb.links)
        ga.links.append(link)
        for member in ga.members:
            group_of[member.index] = ga
    return list({id(g): g for g in group_of.values()}.values())


# --- findings --------------------------------------------------------------------------------

EVIDENCE = {
    "zh": {
        "same_name": "名称相同",
        "normalised": "名称去掉“{0}”后相同",
        "written": "名称仅繁简/全半角/空格写法不同",
        "synonyms": "“{0}”即“{1}”",
        "short": "“{0}”是“{1}”的简称",
        "sound": "名称读音相同（{0}/{1}）",
        "typo": "名称只差一个字（{0}/{1}）",
        "mobile": "同一手机号{0}",
        "contact": "同一负责人{0}",
        "address": "同一地址“{0}”",
        "one_city": "同在{0}市、同一行业（注册名称在本市唯一，各行地址在不同区县）",
    },
    "en": {
        "same_name": "same name",
        "normalised": "names match after removing “{0}”",
        "written": "names differ only in traditional/simplified characters, width or spaces",
        "synonyms": "“{0}” means “{1}”",
        "short": "“{0}” is a short form of “{1}”",
        "sound": "names sound the same ({0}/{1})",
        "typo": "names differ by one character ({0}/{1})",
        "mobile": "same mobile {0}",
        "contact": "same contact {0}",
        "address": "same address “{0}”",
        "one_city": "both in {0}, one trade (a registered name is unique in its city; the addresses are in different districts)",
    },
}


def _render(item: tuple, language: str) -> str:
    texts = EVIDENCE[language]
    kind, *data = item
    if kind != "normalised":
        return texts[kind].format(*data)
    removed, synonyms = data
    parts = [texts["normalised"].format("/".join(removed))] if removed else []
    if synonyms:
        parts.append(texts["synonyms"].format(*synonyms))
    return ("，" if language == "zh" else ", ").join(parts) or texts["written"]


def _group_evidence(links: list[Link]) -> list[tuple]:
    """Every reason of the group's links once, strongest link first; the words removed from names merged."""
    items: dict[tuple, None] = {}
    removed: dict[str, None] = {}
    synonyms: dict[frozenset, tuple] = {}
    for link in links:
        for item in link.evidence:
            if item[0] == "normalised":
                removed.update(dict.fromkeys(item[1]))
                if item[2]:
                    synonyms.setdefault(frozenset(item[2]), item[2])
                item = ("normalised",)
            items.setdefault(item)
    result = []
    for item in items:
        if item == ("normalised",):
            pairs = list(synonyms.values())
            result.append(("normalised", tuple(removed), pairs[0] if pairs else None))
            result.extend(("synonyms", *pair) for pair in pairs[1:])
        else:
            result.append(item)
    return result


_ID_NUMBER = re.compile(r"\d+")


def _age(client_id: str | None, row: int = 0) -> tuple:
    """Oldest first: the smallest number in the 客户编号, then the earliest row."""
    if client_id and (m := _ID_NUMBER.search(client_id)):
        return (0, int(m.group()), client_id, row)
    return (1, 0, client_id or "", row)


def _finding(register: Register, group: Group, language: str) -> Finding:
    clients = sorted((e.client for e in group.members), key=lambda c: c.row)
    keep = min(clients, key=lambda c: _age(c.client_id, c.row))
    links = sorted(group.links, key=lambda link: (-link.score, link.a.client.row, link.b.client.row))
    evidence = [_render(item, language) for item in _group_evidence(links)]
    rows = [c.row for c in clients]
    sheet = register.sheet_titles["clients"]
    separator = "；" if language == "zh" else "; "
    managers = list(dict.fromkeys(c.account_manager for c in clients if c.account_manager))
    owner = client_owner(register, keep)
    return Finding(
        code="duplicate_client", sheet=sheet, rows=rows, column=None,
        client_ids=sorted({c.client_id for c in clients if c.client_id}, key=_age),
        staff=managers, owner=owner, notify=[m for m in managers if m != owner],
        message=DUPLICATE_CLIENT.text(language, sheet=sheet, rows=join_rows(rows, language),
                        evidence=separator.join(evidence), keep=client_label(keep)),
        details={
            "keep": keep.client_id,
            "keep_row": keep.row,
            "evidence": evidence,
            "score": min(link.score for link in links),
            "pairs": [{"rows": sorted((link.a.client.row, link.b.client.row)), "score": link.score,
                       "evidence": [_render(item, language) for item in link.evidence]} for link in links],
        },
    )


def duplicate_client(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    # Some ten small objects a row and no cycles among them: the cyclic garbage collector would only
    # rescan the whole register again and again, so it waits until the check is done.
    with gc_paused():
        groups = _groups(_links(_entries(register.clients)))
        return [_finding(register, g, settings.language) for g in groups]


DUPLICATE_CLIENT = Check(
    code="duplicate_client", severity=WARNING, function=duplicate_client,
    label={"zh": "疑似重复客户", "en": "Possible duplicate client"},
    message={
        "zh": "{sheet}第{rows}行可能是同一家公司重复登记（{evidence}），请核实后保留{keep}，其余行的记录并入后删除",
        "en": "{sheet} rows {rows} look like one company registered more than once ({evidence}); check, keep {keep} and merge the other rows into it",
    },
    client_level=True,
)
