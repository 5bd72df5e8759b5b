"""Company names and addresses taken apart: places, 字号, trade words, legal form, branch."""

import pytest

from huimao_sheets.company_names import FUJIAN, Region, parse_address, parse_companies, parse_company, sounds_alike

FUZHOU = Region("福建", "福州")


@pytest.mark.parametrize("name, brand, trades, region, branch", [
    # legal forms and leading places come off; the 字号 and trade words stay
    ("福建省鑫达贸易有限公司", "鑫达", ("贸易",), Region("福建"), ""),
    ("福建鑫达贸易有限责任公司", "鑫达", ("贸易",), Region("福建"), ""),
    ("福州市鑫达贸易股份有限公司", "鑫达", ("贸易",), FUZHOU, ""),
    ("福建省福州市鑫达贸易公司", "鑫达", ("贸易",), FUZHOU, ""),
    ("鑫达集团有限公司", "鑫达", (), Region(), ""),
    ("鑫达贸易（集团）有限公司", "鑫达", ("贸易",), Region(), ""),
    # width, brackets, traditional characters, stray spaces, case
    ("鑫達貿易有限公司", "鑫达", ("贸易",), Region(), ""),
    ("鑫达（福州）贸易有限公司", "鑫达", ("贸易",), FUZHOU, ""),
    ("鑫达(福州)贸易有限公司", "鑫达", ("贸易",), FUZHOU, ""),
    ("鑫达【福州】贸易有限公司", "鑫达", ("贸易",), FUZHOU, ""),
    ("兴海（福建）建筑材料有限责任公司", "兴海", ("建材",), Region("福建"), ""),
    (" 福州　鑫达 贸易 有限公司 ", "鑫达", ("贸易",), FUZHOU, ""),
    ("ＸＤ鑫达贸易", "xd鑫达", ("贸易",), Region(), ""),
    # trade words: synonyms read as one, compounds as several, fillers dropped, any X业 is a trade
    ("兴海建材", "兴海", ("建材",), Region(), ""),
    ("鑫达商贸", "鑫达", ("贸易",), Region(), ""),
    ("鑫达国际进出口贸易有限公司", "鑫达", ("贸易",), Region(), ""),
    ("鑫达电子科技有限公司", "鑫达", ("电子", "科技"), Region(), ""),
    ("合邦塑胶制品有限公司", "合邦", ("塑胶",), Region(), ""),
    ("鑫达竹业有限公司", "鑫达", ("竹业",), Region(), ""),
    # counties and districts: bare counties anywhere, districts after their city
    ("晋江市鑫达鞋业有限公司", "鑫达", ("鞋业",), Region("福建", "泉州", "晋江"), ""),
    ("晋江鑫达鞋业有限公司", "鑫达", ("鞋业",), Region("福建", "泉州", "晋江"), ""),
    ("厦门集美鑫达电子有限公司", "鑫达", ("电子",), Region("福建", "厦门", "集美"), ""),
    ("广东省深圳市鑫达电子有限公司", "鑫达", ("电子",), Region("广东", "深圳"), ""),
    # a province or city between 字号 and trade words, without brackets, is a place; a bare county is not
    ("环银福建建筑材料有限公司", "环银", ("建材",), Region("福建"), ""),
    ("铁达福州市贸易有限公司", "铁达", ("贸易",), FUZHOU, ""),
    ("福建省铁达福州贸易有限公司", "铁达", ("贸易",), FUZHOU, ""),
    ("厦门铁达福州贸易有限公司", "铁达福州", ("贸易",), Region("福建", "厦门"), ""),
    ("鑫达晋江鞋业有限公司", "鑫达晋江", ("鞋业",), Region(), ""),
    ("鑫达晋江市鞋业有限公司", "鑫达", ("鞋业",), Region("福建", "泉州", "晋江"), ""),
    ("金福建贸易有限公司", "金福建", ("贸易",), Region(), ""),
    # a place that is the 字号 itself stays
    ("华安贸易有限公司", "华安", ("贸易",), Region(), ""),
    ("福建省德化新陶瓷有限公司", "德化新", ("陶瓷",), Region("福建"), ""),
    ("三明治餐饮有限公司", "三明治", ("餐饮",), Region(), ""),
    # branches are part of the identity
    ("福建鑫达贸易有限公司厦门分公司", "鑫达", ("贸易",), Region("福建"), "厦门分公司"),
    ("福建鑫达贸易有限公司厦门市分公司", "鑫达", ("贸易",), Region("福建"), "厦门分公司"),
    ("鑫达贸易（泉州分公司）", "鑫达", ("贸易",), Region(), "泉州分公司"),
    ("鑫达贸易有限公司五四路分店", "鑫达", ("贸易",), Region(), "五四路分店"),
])
def test_a_name_is_taken_apart(name, brand, trades, region, branch):
    parsed = parse_company(name)
    assert (parsed.brand, parsed.trades, parsed.region, parsed.branch) == (brand, trades, region, branch)


@pytest.mark.parametrize("city", list(FUJIAN))
@pytest.mark.parametrize("written", ["{city}", "{city}市", "福建省{city}市", "福建{city}"])
def test_every_prefecture_city_of_fujian_is_a_leading_place(city, written):
    parsed = parse_company(written.format(city=city) + "鑫达贸易有限公司")
    assert (parsed.brand, parsed.region) == ("鑫达", Region("福建", city))


def test_what_was_removed_is_kept_as_written_to_explain_a_match():
    assert parse_company("福建省鑫达贸易有限公司").removed == ("有限公司", "福建省")
    assert parse_company("兴海（福建）建筑材料有限责任公司").removed == ("（福建）", "有限责任公司")
    assert parse_company("兴海（福建）建筑材料有限责任公司").trade_text == "建筑材料"


def test_many_names_at_once_read_like_one_at_a_time():
    names = ["福州鑫達貿易有限公司", "兴海（福建）建筑材料有限责任公司", "鑫达贸易（泉州分公司）"]
    assert parse_companies(names) == [parse_company(n) for n in names]


@pytest.mark.parametrize("address, region, street", [
    ("福建省福州市鼓楼区五四路88号1201室", Region("福建", "福州", "鼓楼"), "五四路88号1201室"),
    ("福州市 鼓楼区 五四路 88号", Region("福建", "福州", "鼓楼"), "五四路88号"),
    ("鼓楼区五四路88#12F", Region("福建", "福州", "鼓楼"), "五四路88号12楼"),
    ("福州鼓楼五四路88号", Region("福建", "福州", "鼓楼"), "五四路88号"),
    ("廈門市思明區湖濱南路100號", Region("福建", "厦门", "思明"), "湖滨南路100号"),
    ("晋江市陈埭镇工业区8号", Region("福建", "泉州", "晋江"), "陈埭镇工业区8号"),
    ("五四路88号", Region(), "五四路88号"),
])
def test_an_address_loses_its_places_and_keeps_the_street(address, region, street):
    parsed = parse_address(address)
    assert (parsed.region, parsed.street) == (region, street)


@pytest.mark.parametrize("a, b, alike", [
    ("鼎盛", "鼎胜", True),     # the same syllables
    ("隆昌", "隆长", True),     # 长 also reads chang
    ("鑫达", "新大", True),
    ("瑞丰", "瑞祥", False),
    ("鼎盛", "鼎盛达", False),  # another length is not a homophone
])
def test_names_that_sound_alike(a, b, alike):
    assert sounds_alike(a, b) is alike
