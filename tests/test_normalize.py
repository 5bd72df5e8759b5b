"""Every messy form staff type is read as a person would read it (DESIGN §2)."""

from datetime import date, datetime

import pytest

from huimao_sheets.layout import CHANNELS, LIKELIHOODS, RATINGS, ROLES, STAGES
from huimao_sheets.normalize import (
    Unreadable,
    is_blank,
    name_key,
    name_keys,
    normalize_client_id,
    normalize_name,
    parse_choice,
    parse_date,
    parse_mobile,
)

AS_OF = date(2026, 11, 27)


@pytest.mark.parametrize("cell, expected", [
    ("2026-11-03", date(2026, 11, 3)),
    ("2026-11-3", date(2026, 11, 3)),
    ("2026/11/3", date(2026, 11, 3)),
    ("2026.11.03", date(2026, 11, 3)),
    ("2026年11月3日", date(2026, 11, 3)),
    ("2026年11月3", date(2026, 11, 3)),
    ("２０２６／１１／３", date(2026, 11, 3)),          # full-width digits and slash
    (" 2026-11-03 ", date(2026, 11, 3)),
    ("2026-11-03 14:30", date(2026, 11, 3)),
    ("20261103", date(2026, 11, 3)),
    (20261103.0, date(2026, 11, 3)),                   # yyyymmdd typed as a number
    ("11/3", date(2026, 11, 3)),                       # year-less: the year nearest the as-of date
    ("11月3日", date(2026, 11, 3)),
    ("11月3号", date(2026, 11, 3)),
    ("2026年11月3号", date(2026, 11, 3)),
    ("2026-11-03（周二）", date(2026, 11, 3)),
    ("2026/11/3 星期二", date(2026, 11, 3)),
    (46329.0, date(2026, 11, 3)),                      # Excel/Sheets serial
    (46329, date(2026, 11, 3)),
    ("46329", date(2026, 11, 3)),
    (46329.75, date(2026, 11, 3)),                     # a serial with a time of day
    (date(2026, 11, 3), date(2026, 11, 3)),            # a date cell
    (datetime(2026, 11, 3, 9, 30), date(2026, 11, 3)),
])
def test_dates_in_every_form_staff_type_are_read(cell, expected):
    assert parse_date(cell, AS_OF) == expected


@pytest.mark.parametrize("cell, as_of, expected", [
    ("1/5", date(2026, 12, 28), date(2027, 1, 5)),    # early January read at the end of December: next year
    ("12/20", date(2027, 1, 3), date(2026, 12, 20)),  # late December read in early January: last year
    ("12/30", AS_OF, date(2026, 12, 30)),              # 33 days ahead is nearer than 332 days back
    ("2/29", date(2027, 6, 1), date(2028, 2, 29)),    # only leap years have it
])
def test_yearless_dates_take_the_year_nearest_the_as_of_date(cell, as_of, expected):
    assert parse_date(cell, as_of) == expected


@pytest.mark.parametrize("cell", [
    "2026-06-31", "2026-02-29", "2026-13-01", "2026/0/3", "11/31", "下周一", "明天", "2026.11.", "11-32",
    "abc", 12.5, 123, 999999.0, True, "3/4/5",
])
def test_impossible_or_unreadable_dates_are_unreadable_not_errors(cell):
    result = parse_date(cell, AS_OF)
    assert isinstance(result, Unreadable)
    assert result.raw != ""


@pytest.mark.parametrize("cell", [None, "", "   ", "\u3000", "无", "-", "N/A", "n/a", "Ｎ／Ａ", "——"])
def test_blank_and_placeholder_cells_are_blank(cell):
    assert is_blank(cell)
    assert parse_date(cell, AS_OF) is None
    assert parse_mobile(cell) is None
    assert normalize_name(cell) is None


@pytest.mark.parametrize("cell", [
    "13800138000", "138 0013 8000", "138-0013-8000", "(138)0013-8000", "（138）00138000", "+86 138 0013 8000",
    "+8613800138000", "0086 13800138000", "0086-138-0013-8000", "86 13800138000", "１３８００１３８０００",
    "＋８６　１３８００１３８０００", 13800138000.0, 13800138000, " 13800138000 ", "138.0013.8000",
    "13800138000.0",  # a number cell exported as text
])
def test_mainland_mobiles_in_every_form_normalise_to_eleven_digits(cell):
    assert parse_mobile(cell) == "13800138000"


@pytest.mark.parametrize("cell, reason", [
    ("0591-87654321", "a Fuzhou landline, not a mobile"),
    ("1380013800", "ten digits"),
    ("138001380001", "twelve digits"),
    ("12345678901", "12x is not a mobile range"),
    ("10086", "a service number"),
    ("+1 415 555 0100", "not a mainland number"),
    ("13800138000转8", "an extension is not a mobile"),
    ("微信同号", "text"),
    (True, "a checkbox"),
])
def test_numbers_that_are_not_mainland_mobiles_are_unreadable(cell, reason):
    assert isinstance(parse_mobile(cell), Unreadable), reason


@pytest.mark.parametrize("cell, expected", [
    ("张伟", "张伟"), (" 张伟 ", "张伟"), ("张　伟", "张伟"), ("张\t伟\n", "张伟"), ("\u00a0张伟", "张伟"),
    ("ＡＢＣ贸易（福州）", "ABC贸易(福州)"),
])
def test_names_are_nfkc_with_all_whitespace_removed(cell, expected):
    assert normalize_name(cell) == expected


@pytest.mark.parametrize("cell", ["張偉", " 张伟", "張　偉"])
def test_person_names_in_traditional_characters_are_one_person(cell):
    from huimao_sheets.normalize import normalize_person

    assert normalize_person(cell) == "张伟"


@pytest.mark.parametrize("cell", ["kh0123", "KH0123", "ＫＨ0123", "ｋｈ０１２３", " KH 0123 ", "KH-0123", "kh_0123"])
def test_client_ids_normalise_to_upper_case_half_width(cell):
    assert normalize_client_id(cell) == "KH0123"


def test_traditional_and_simplified_names_have_one_matching_key():
    assert name_key("鼎盛貿易有限公司") == name_key("鼎盛贸易 有限公司") == name_key("鼎盛贸易有限公司")


def test_many_names_get_the_keys_that_each_gets_alone():
    """The register keys all its clients' names at once (one OpenCC call): line breaks, spaces, full-width
    letters, traditional phrases and a blank name keep each key what ``name_key`` makes of it alone."""
    names = ["鼎盛貿易有限公司", "鼎盛贸易\n有限公司", "ＡＢＣ　科技", "台灣積體電路製造", "", "理髮店\u3000髮型",
             "厦门 分公司", "Straße GmbH", "後來的發展"]
    assert name_keys(names) == [name_key(name) for name in names]
    assert name_keys(names)[:2] == ["鼎盛贸易有限公司"] * 2
    assert name_keys([]) == []


@pytest.mark.parametrize("cell, choices, expected", [
    ("A", RATINGS, "A"), ("a", RATINGS, "A"), ("Ａ", RATINGS, "A"), (" B ", RATINGS, "B"), ("C级", RATINGS, "C"),
    ("D类", RATINGS, "D"), ("高", LIKELIHOODS, "高"), (" 低 ", LIKELIHOODS, "低"), ("跟踪中", STAGES, "跟踪中"),
    ("上门", CHANNELS, "上门"), ("电话拜访", CHANNELS, "电话"), ("上门拜访", CHANNELS, "上门"),
    ("客户经理", ROLES, "客户经理"), ("市场总监助理", ROLES, "市场总监助理"),
])
def test_list_values_are_read_with_width_case_and_suffixes_folded(cell, choices, expected):
    assert parse_choice(cell, choices) == expected


@pytest.mark.parametrize("cell, choices", [
    ("E", RATINGS), ("AA", RATINGS), ("很高", LIKELIHOODS), ("已成交", STAGES), ("微信", CHANNELS),
    ("实习生", ROLES), (1, RATINGS),
])
def test_values_outside_their_list_are_unreadable(cell, choices):
    assert isinstance(parse_choice(cell, choices), Unreadable)


def test_mobile_validity_depends_only_on_the_first_five_digits():
    """parse_mobile decides validity once per 5-digit prefix; phonenumbers must agree on whole numbers."""
    import random

    import phonenumbers

    rng = random.Random(7)
    for _ in range(3000):
        digits = f"1{rng.randrange(10**10):010d}"
        number = phonenumbers.PhoneNumber(country_code=86, national_number=int(digits))
        valid = phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
            phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
        assert (parse_mobile(digits) == digits) == valid, digits
