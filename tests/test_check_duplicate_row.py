"""duplicate_row: the same visit entered more than once, identical after normalisation; one finding per group."""

from datetime import date

from workbooks import findings, located, make_workbook, visit


def test_rows_identical_after_normalisation_are_one_duplicate_group(tmp_path):
    path = make_workbook(tmp_path, visits=[
        visit(),                                                                 # row 2
        visit(拜访日期="2026/11/20", 拜访人=" 张　伟", 客户编号="kh0001"),          # row 3: the same visit, messier
        visit(拜访日期=date(2026, 11, 21)),                                        # row 4: another day
        visit(客户反映问题="想做 绩效考核"),                                         # row 5: same after spaces
        visit(拜访人="李娜"),                                                      # row 6: another visitor
    ])
    found = findings(path, "duplicate_row")
    assert located(found) == [("拜访记录", [2, 3, 5], None)]
    assert found[0].owner == "张伟"
    assert found[0].details == {"keep_row": 2}


def test_two_visits_on_one_day_with_different_problems_are_not_duplicates(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(客户反映问题="价格高"), visit(客户反映问题="交期长")])
    assert findings(path, "duplicate_row") == []


def test_full_width_and_half_width_punctuation_do_not_hide_a_duplicate(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(客户反映问题="价格高，交期长"), visit(客户反映问题="价格高,交期长")])
    assert located(findings(path, "duplicate_row")) == [("拜访记录", [2, 3], None)]


def test_visits_alike_but_for_their_type_or_follow_up_date_are_not_duplicates(tmp_path):
    # A call and a visit on one day, or one visit setting a follow-up date and one not: two visits.
    path = make_workbook(tmp_path, visits=[
        visit(),                                   # row 2
        visit(拜访方式="电话"),                      # row 3: another type
        visit(下次跟进日期=date(2026, 12, 1)),       # row 4: another follow-up date
        visit(拜访结果="已发 方案"),                  # row 5: row 2 again, spaced
    ])
    assert located(findings(path, "duplicate_row")) == [("拜访记录", [2, 5], None)]


def test_a_visit_of_an_unregistered_client_entered_twice_is_one_duplicate_group(tmp_path):
    path = make_workbook(tmp_path, visits=[
        visit(客户编号=None, 客户名称="不存在的公司"),                      # row 2
        visit(客户编号=None, 客户名称="不存在的公司", 拜访方式="电话"),      # row 3: a call that day
        visit(客户编号=None, 客户名称="不存在的公司"),                      # row 4: row 2 again
    ])
    found = findings(path, "duplicate_row")
    assert located(found) == [("拜访记录", [2, 4], None)]
    assert found[0].client_ids == []
