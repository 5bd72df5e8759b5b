"""duplicate_client: one company registered more than once under different spellings; one finding per group.

Each case is two register rows that differ in 客户编号, contact, mobile, address and account manager,
except what the case says they share.
"""

import pytest

from huimao_sheets.config import Settings
from workbooks import client, findings, located, make_workbook

SHARE = {"mobile": "负责人手机", "contact": "负责人", "address": "地址"}


def two(name_a: str, name_b: str, share: tuple[str, ...] = (), a: dict | None = None, b: dict | None = None) -> list:
    first = client(客户编号="KH0001", 客户名称=name_a, 负责人="林建国", 负责人手机="13905910001",
                   地址="福建省福州市鼓楼区五四路1号", 客户经理="张伟")
    second = client(客户编号="KH0002", 客户名称=name_b, 负责人="陈明华", 负责人手机="13705920002",
                    地址="福建省福州市鼓楼区杨桥路200号", 客户经理="李娜")
    for field in share:
        second[SHARE[field]] = first[SHARE[field]]
    first.update(a or {})
    second.update(b or {})
    return [first, second]


SAME_COMPANY = [
    # the same name once written alike: enough on its own
    ("福建省鑫达贸易有限公司", "鑫达贸易", (), {}, {}, "names match without 福建省 and 有限公司"),
    ("福州鑫达贸易有限公司", "福州市鑫达贸易有限责任公司", (), {}, {}, "市 and the legal form do not matter"),
    ("鑫達貿易有限公司", "鑫达贸易有限公司", (), {}, {}, "traditional characters are the same name"),
    ("ＸＤ鑫达贸易有限公司", "xd鑫达贸易有限公司", (), {}, {}, "full-width letters and case are the same name"),
    ("鑫达（福州）贸易有限公司", "福州鑫达贸易有限公司", (), {}, {}, "a bracketed place is a place"),
    ("鑫达 贸易 有限公司", "鑫达贸易有限公司", (), {}, {}, "stray spaces"),
    ("鑫达进出口贸易有限公司", "鑫达商贸", (), {}, {}, "进出口贸易 and 商贸 are one trade"),
    ("兴海（福建）建筑材料有限责任公司", "兴海建材", ("mobile",), {}, {}, "建材 is short for 建筑材料"),
    ("晋江市鑫达鞋业有限公司", "鑫达鞋业", (), {"地址": "晋江市陈埭镇工业区8号"}, {"地址": "泉州市晋江市安海镇3号"},
     "one county, in the name or the address"),
    ("鑫达贸易有限公司厦门分公司", "福建鑫达贸易有限公司（厦门分公司）", (), {}, {}, "the same branch of one company"),
    # a short form, a homophone or a typo, with something else in common
    ("兴海", "兴海建材有限公司", ("mobile",), {}, {}, "a short name and the same mobile"),
    ("鼎盛电子有限公司", "鼎胜电子", ("contact",), {}, {}, "a homophone and the same contact"),
    ("隆昌石材有限公司", "隆长石材有限公司", ("address",), {}, {"地址": "福州市鼓楼区五四路1号"},
     "长 also reads chang; the same address written shorter"),
    ("瑞丰食品有限公司", "端丰食品有限公司", ("mobile",), {}, {}, "a typo and the same mobile"),
    ("恒通物流有限公司", "恒道物流有限公司", ("address",), {}, {}, "a typo and the same address"),
    ("天润源泉茶业有限公司", "天润泉茶业有限公司", ("contact",), {}, {}, "a character left out of a long 字号; the same contact"),
]

NOT_THE_SAME = [
    ("福建鑫达贸易有限公司厦门分公司", "福建鑫达贸易有限公司泉州分公司", ("mobile", "contact"), {}, {},
     "two branches of one company are two clients"),
    ("福建鑫达贸易有限公司", "福建鑫达贸易有限公司厦门分公司", ("mobile", "contact"), {}, {},
     "a head office and its branch are two clients"),
    ("福州鑫达贸易有限公司", "福州鑫达物流有限公司", ("mobile", "contact", "address"), {}, {},
     "one boss, one 字号, two trades"),
    ("瑞丰食品有限公司", "瑞祥食品有限公司", (), {}, {}, "one character apart and nothing else in common"),
    ("鼎盛电子有限公司", "鼎胜电子有限公司", (), {}, {}, "a homophone and nothing else in common"),
    ("福州鑫达贸易有限公司", "厦门鑫达贸易有限公司", (), {}, {"地址": "厦门市思明区湖滨南路100号"},
     "the same name in two cities"),
    ("鑫达贸易有限公司", "鑫达贸易有限公司", (), {}, {"地址": "厦门市思明区湖滨南路100号"},
     "the same name, the addresses in two cities"),
    ("晋江鑫达鞋业有限公司", "石狮鑫达鞋业有限公司", ("mobile",), {}, {}, "two counties named"),
    ("鑫达贸易有限公司", "恒通贸易有限公司", ("mobile", "contact", "address"), {}, {},
     "one boss, two companies with different 字号"),
    ("瑞丰食品有限公司", "瑞峰食品有限公司", ("address",), {}, {"地址": "福州市台江区五四路1号"},
     "the same street and number in another district is another address"),
    ("瑞丰食品有限公司", "端丰食品有限公司", (), {"负责人": "王总"}, {"负责人": "王总"},
     "王总 is a surname and a title, not who the contact is"),
    # the same name alone is enough within one city and trade, not beyond
    ("环银（福建）建筑材料有限公司", "环银建筑材料有限公司", (), {"行业": "建材"},
     {"行业": "建材", "地址": "厦门市思明区湖滨南路100号"}, "a province in one name, the addresses in two cities"),
    ("福建省铁达贸易有限公司", "铁达贸易有限责任公司", (), {}, {"地址": "泉州市丰泽区田安路8号"},
     "福建省 and no place, the addresses in two cities"),
    ("铁达", "铁达", (), {"行业": "贸易"}, {"行业": "物流", "地址": "福州市仓山区浦上大道100号"},
     "a bare 字号 twice, 行业 says two trades, two districts"),
    ("铁达", "铁达有限公司", (), {"行业": None}, {"行业": None, "地址": "福州市仓山区浦上大道100号"},
     "a bare 字号 twice, no trade said anywhere, two districts"),
    ("铁达贸易有限公司", "铁达贸易有限公司", (), {"行业": "贸易"}, {"行业": "食品", "地址": "福州市仓山区浦上大道100号"},
     "one name, 行业 says two trades, two districts"),
    ("晋江鑫达鞋业有限公司", "鑫达鞋业有限公司", (), {"地址": "晋江市陈埭镇工业区8号"}, {"地址": "泉州市石狮市湖滨街3号"},
     "a name that names 晋江 is unique in 晋江, not in 石狮"),
    ("福州铁达贸易有限公司", "福州铁达物流有限责任公司", (), {}, {"地址": "福州市仓山区浦上大道100号"},
     "one 字号, two trades, two districts"),
]

OTHER_DISTRICT = "福建省福州市仓山区浦上大道100号"

# Two registrations of one company in two districts of one city, sharing no contact, mobile or address
# (an office and a factory): the same name once places and legal forms are set aside, in one city and
# trade, is one company. (name, name, row changes, the names' evidence)
ONE_CITY = [
    ("福州铁达贸易有限公司", "福州铁达贸易有限责任公司", {}, "名称去掉“有限公司/有限责任公司”后相同"),
    ("环银（福建）建筑材料有限公司", "环银建筑材料有限公司", {"行业": "建材"}, "名称去掉“（福建）”后相同"),
    ("福建省铁达贸易股份有限公司", "铁达（福州）贸易有限公司", {},
     "名称去掉“股份有限公司/福建省/（福州）/有限公司”后相同"),
    ("铁达(福州市)贸易有限公司", "福州市铁达贸易有限公司", {}, "名称去掉“（福州市）/福州市”后相同"),
    ("环银福建建筑材料有限公司", "环银建材有限公司", {"行业": "建材"}, "名称去掉“福建”后相同，“建筑材料”即“建材”"),
    ("福建省福州市铁达贸易有限公司", "铁达福州贸易有限公司", {}, "名称去掉“福建省/福州市/福州”后相同"),
    ("铁达", "铁达有限公司", {}, "名称去掉“有限公司”后相同"),
]


@pytest.mark.parametrize("name_a, name_b, changes, names", ONE_CITY, ids=[f"{a} / {b}" for a, b, *_ in ONE_CITY])
def test_one_name_in_one_city_and_trade_is_one_company_whatever_the_districts(tmp_path, name_a, name_b, changes, names):
    path = make_workbook(tmp_path, clients=two(name_a, name_b, a=changes, b={**changes, "地址": OTHER_DISTRICT}))
    [found] = findings(path, "duplicate_client")
    assert located([found]) == [("客户档案", [2, 3], None)]
    assert found.details["evidence"] == [names, "同在福州市、同一行业（注册名称在本市唯一，各行地址在不同区县）"]


def test_a_county_level_city_is_a_district_of_its_city(tmp_path):
    path = make_workbook(tmp_path, clients=two("福州铁达贸易有限公司", "铁达贸易有限责任公司", b={"地址": "福清市音西街道1号"}))
    [found] = findings(path, "duplicate_client")
    assert located([found]) == [("客户档案", [2, 3], None)]
    assert found.details["evidence"] == ["名称去掉“有限公司/福州/有限责任公司”后相同",
                                         "同在福州市、同一行业（注册名称在本市唯一，各行地址在不同区县）"]


def test_without_a_city_on_either_row_a_missing_place_is_no_different_place(tmp_path):
    path = make_workbook(tmp_path, clients=two("福建省铁达贸易有限公司", "铁达贸易有限责任公司",
                                                a={"地址": "工业区8号"}, b={"地址": None}))
    [found] = findings(path, "duplicate_client")
    assert located([found]) == [("客户档案", [2, 3], None)]
    assert found.details["evidence"] == ["名称去掉“有限公司/福建省/有限责任公司”后相同"]


def test_across_districts_the_english_evidence_names_the_city(tmp_path):
    path = make_workbook(tmp_path, clients=two("福州铁达贸易有限公司", "福州铁达贸易有限责任公司", b={"地址": OTHER_DISTRICT}))
    [found] = findings(path, "duplicate_client", settings=Settings(language="en"))
    assert found.details["evidence"] == [
        "names match after removing “有限公司/有限责任公司”",
        "both in 福州, one trade (a registered name is unique in its city; the addresses are in different districts)"]


def _ids(cases):
    return [case[-1] for case in cases]


@pytest.mark.parametrize("name_a, name_b, share, a, b, reason", SAME_COMPANY, ids=_ids(SAME_COMPANY))
def test_registrations_of_one_company_are_found(tmp_path, name_a, name_b, share, a, b, reason):
    path = make_workbook(tmp_path, clients=two(name_a, name_b, share, a, b))
    assert located(findings(path, "duplicate_client")) == [("客户档案", [2, 3], None)]


@pytest.mark.parametrize("name_a, name_b, share, a, b, reason", NOT_THE_SAME, ids=_ids(NOT_THE_SAME))
def test_different_companies_are_not_grouped(tmp_path, name_a, name_b, share, a, b, reason):
    path = make_workbook(tmp_path, clients=two(name_a, name_b, share, a, b))
    assert findings(path, "duplicate_client") == []


def test_the_finding_names_the_evidence_and_the_record_to_keep(tmp_path):
    path = make_workbook(tmp_path, clients=two("福建省鑫达贸易有限公司", "鑫达贸易", ("mobile",)))
    [found] = findings(path, "duplicate_client")
    assert found.message == ("客户档案第2、3行可能是同一家公司重复登记（名称去掉“有限公司/福建省”后相同；同一手机号13905910001），"
                             "请核实后保留福建省鑫达贸易有限公司（KH0001），其余行的记录并入后删除")
    assert (found.client_ids, found.staff, found.owner, found.severity) == (["KH0001", "KH0002"], ["张伟", "李娜"], "张伟", "warning")
    assert found.details == {
        "keep": "KH0001", "keep_row": 2, "score": 0.8,
        "evidence": ["名称去掉“有限公司/福建省”后相同", "同一手机号13905910001"],
        "pairs": [{"rows": [2, 3], "score": 0.8, "evidence": ["名称去掉“有限公司/福建省”后相同", "同一手机号13905910001"]}],
    }


def test_the_message_is_in_english_when_asked(tmp_path):
    path = make_workbook(tmp_path, clients=two("兴海（福建）建筑材料有限责任公司", "兴海建材", ("contact",)))
    [found] = findings(path, "duplicate_client", settings=Settings(language="en"))
    assert found.message == (
        "客户档案 rows 2, 3 look like one company registered more than once (names match after removing "
        "“（福建）/有限责任公司”, “建筑材料” means “建材”; same contact 林建国); "
        "check, keep 兴海(福建)建筑材料有限责任公司（KH0001） and merge the other rows into it")


def test_three_registrations_of_one_company_are_one_finding_keeping_the_oldest_id(tmp_path):
    path = make_workbook(tmp_path, clients=[
        client(客户编号="KH0120", 客户名称="福州鼎盛电子有限公司", 负责人手机="13905910001", 客户经理="张伟"),     # row 2
        client(客户编号="KH0009", 客户名称="鼎盛电子", 负责人手机="13905910001", 客户经理="李娜",
               地址="福州市鼓楼区五四路1号"),                                                          # row 3
        client(客户编号="KH0050", 客户名称="恒通物流有限公司", 负责人="王强", 负责人手机="13705920002",
               地址="福建省福州市台江区江滨路3号"),                                                     # row 4: another company
        client(客户编号="KH0031", 客户名称="鼎胜电子有限公司", 负责人手机="13805930003", 客户经理="张伟"),     # row 5
    ])
    [found] = findings(path, "duplicate_client")
    assert located([found]) == [("客户档案", [2, 3, 5], None)]
    assert found.client_ids == ["KH0009", "KH0031", "KH0120"]
    assert (found.details["keep"], found.details["keep_row"], found.owner) == ("KH0009", 3, "李娜")
    assert found.staff == ["张伟", "李娜"]
    assert "请核实后保留鼎盛电子（KH0009）" in found.message


def test_a_short_name_joins_one_company_and_never_chains_two_trades_together(tmp_path):
    boss = {"负责人": "林建国", "负责人手机": "13905910001", "地址": "福建省福州市鼓楼区五四路1号"}
    path = make_workbook(tmp_path, clients=[
        client(客户编号="KH0001", 客户名称="鑫达", 行业="物流", **boss),               # row 2: short, logistics
        client(客户编号="KH0002", 客户名称="福州鑫达贸易有限公司", 行业="贸易", **boss),  # row 3
        client(客户编号="KH0003", 客户名称="福州鑫达物流有限公司", 行业="物流", **boss),  # row 4
    ])
    assert located(findings(path, "duplicate_client")) == [("客户档案", [2, 4], None)]


def test_a_common_contact_name_is_no_evidence(tmp_path):
    others = [client(客户编号=f"KH01{i:02d}", 客户名称=f"{brand}贸易有限公司", 负责人="张伟",
                     负责人手机=f"1390591{i:04d}", 地址=f"福州市台江区江滨路{i}号")
              for i, brand in enumerate(["恒通", "宏远", "华兴", "金源", "泰安"])]
    pair = two("瑞丰食品有限公司", "端丰食品有限公司", a={"负责人": "张伟"}, b={"负责人": "张伟"})
    path = make_workbook(tmp_path, clients=pair + others)
    assert findings(path, "duplicate_client") == []


def test_rows_without_a_name_are_left_to_missing_required(tmp_path):
    path = make_workbook(tmp_path, clients=two("福建省鑫达贸易有限公司", None, ("mobile", "contact", "address")))
    assert findings(path, "duplicate_client") == []


def test_a_mobile_on_dozens_of_rows_is_a_placeholder_and_no_evidence(tmp_path):
    placeholder = "13800000000"
    others = [client(客户编号=f"KH01{i:02d}", 客户名称=f"第{i}号测试贸易有限公司", 负责人=f"联系人{i}",
                     负责人手机=placeholder, 地址=f"福州市台江区江滨路{i}号") for i in range(40)]
    pair = two("瑞丰食品有限公司", "端丰食品有限公司", a={"负责人手机": placeholder}, b={"负责人手机": placeholder})
    path = make_workbook(tmp_path, clients=pair + others)
    assert findings(path, "duplicate_client") == []
