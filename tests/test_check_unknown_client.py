"""unknown_client: a visit or plan whose 客户编号 (when given) or else 客户名称 matches no registered client."""

from workbooks import client, findings, located, make_workbook, plan, visit


def test_visits_and_plans_naming_no_registered_client_are_found(tmp_path):
    path = make_workbook(
        tmp_path,
        clients=[client(), client(客户编号="KH0002", 客户名称="厦门兴海建材有限公司")],
        visits=[
            visit(客户编号="kh0001"),                                  # row 2: id, messy but registered
            visit(客户编号=None, 客户名称=" 厦门兴海建材有限公司 "),          # row 3: name, registered
            visit(客户编号=None, 客户名称="福州某某科技有限公司"),            # row 4: name, unknown
            visit(客户编号="KH0999", 客户名称="福州鼎盛贸易有限公司"),        # row 5: unknown id, known name
        ],
        plans=[plan(客户编号="KH0002"), plan(客户编号="KH0777")],
    )
    found = findings(path, "unknown_client")
    assert located(found) == [("拜访计划", [3], "客户编号"), ("拜访记录", [4], "客户名称"), ("拜访记录", [5], "客户编号")]
    assert [f.details["value"] for f in found] == ["KH0777", "福州某某科技有限公司", "KH0999"]
    assert all(f.owner == "张伟" for f in found)


def test_a_visit_naming_no_client_at_all_is_missing_required_not_unknown(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(客户编号=None, 客户名称=None)])
    assert findings(path, "unknown_client") == []
