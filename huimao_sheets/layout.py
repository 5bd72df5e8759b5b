"""The spreadsheet's layout (DESIGN §2): its worksheets, their columns, and the value lists.

Each column is a ``Field``: the English code name (GLOSSARY), the default Chinese header, accepted
aliases, whether it is required, and the kind of value it holds (which says how it is normalised).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Kinds of value, each with its own normaliser in huimao_sheets.normalize.
TEXT = "text"          # free text: whitespace trimmed
NAME = "name"          # a company name: NFKC, all whitespace removed
PERSON = "person"      # a person's name: as NAME, and traditional characters made simplified
CLIENT_ID = "client_id"
DATE = "date"
MOBILE = "mobile"
CHOICE = "choice"      # one of a value list
EMAIL = "email"

RATINGS = ("A", "B", "C", "D")                                  # 客户综合评估
LIKELIHOODS = ("高", "中", "低")                                  # 合作可能评估
STAGES = ("收集信息", "已约访", "已拜访", "跟踪中", "合约接洽", "项目实施", "保持联系")  # 阶段
CHANNELS = ("电话", "上门", "来访")                               # 拜访方式
ROLES = ("客户经理", "部门经理", "市场总监助理", "市场总监")          # 角色, in rank order
INDUSTRIES = ("制造业", "贸易", "餐饮", "房地产", "物流", "电子", "纺织服装", "食品", "医药", "建材")

ACCOUNT_MANAGER, DEPARTMENT_MANAGER, DIRECTOR_ASSISTANT, DIRECTOR = ROLES


@dataclass(frozen=True)
class Field:
    key: str
    header: str                      # default Chinese header, used in findings and messages
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    english: str = ""                # the English label for en messages


@dataclass(frozen=True)
class SheetSpec:
    key: str                         # clients / visits / staff / plans
    title: str                       # default worksheet title
    english: str
    fields: tuple[Field, ...]
    aliases: tuple[str, ...] = field(default=())

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


CLIENTS = SheetSpec("clients", "客户档案", "Clients", (
    Field("client_id", "客户编号", CLIENT_ID, True, ("client_id", "Client ID", "客户ID", "编号"), english="Client ID"),
    Field("name", "客户名称", NAME, True, ("client_name", "Client Name", "name", "company", "公司名称", "客户"), english="Client name"),
    Field("industry", "行业", TEXT, True, ("industry", "所属行业"), english="Industry"),
    Field("address", "地址", TEXT, True, ("address", "客户地址", "公司地址"), english="Address"),
    Field("contact", "负责人", NAME, True, ("contact", "Contact", "联系人"), english="Contact"),
    Field("contact_mobile", "负责人手机", MOBILE, True,
          ("contact_mobile", "Contact Mobile", "mobile", "phone", "手机", "联系电话", "负责人电话", "联系人手机"),
          english="Contact mobile"),
    Field("account_manager", "客户经理", PERSON, True, ("account_manager", "Account Manager", "owner"), english="Account manager"),
    Field("department", "所属部门", TEXT, False, ("department", "Department", "部门"), english="Department"),
    Field("rating", "客户综合评估", CHOICE, True, ("rating", "Rating", "综合评估", "客户评级"), RATINGS, english="Rating"),
    Field("likelihood", "合作可能评估", CHOICE, True, ("likelihood", "Likelihood", "合作可能性", "合作可能"), LIKELIHOODS,
          english="Likelihood"),
    Field("stage", "阶段", CHOICE, False, ("stage", "Stage", "客户阶段"), STAGES, english="Stage"),
    Field("next_followup", "下次跟进日期", DATE, False, ("next_followup", "Next Follow-up", "next follow up", "跟进日期"),
          english="Next follow-up"),
    Field("notes", "备注", TEXT, False, ("notes", "Notes", "remark"), english="Notes"),
), aliases=("clients", "Clients", "客户登记", "客户"))

VISITS = SheetSpec("visits", "拜访记录", "Visits", (
    Field("visit_date", "拜访日期", DATE, True, ("visit_date", "Visit Date", "date", "日期"), english="Visit date"),
    Field("client_id", "客户编号", CLIENT_ID, False, ("client_id", "Client ID", "客户ID", "编号"), english="Client ID"),
    Field("client_name", "客户名称", NAME, False, ("client_name", "Client Name", "company", "公司名称", "客户"),
          english="Client name"),
    Field("visitor", "拜访人", PERSON, True, ("visitor", "Visitor", "staff", "拜访人员"), english="Visitor"),
    Field("channel", "拜访方式", CHOICE, True, ("channel", "Channel", "visit_type", "Visit Type", "方式"), CHANNELS,
          english="Visit type"),
    Field("problems", "客户反映问题", TEXT, True, ("problems", "Problems", "客户问题", "反映问题"), english="Problems raised"),
    Field("outcome", "拜访结果", TEXT, False, ("outcome", "Outcome", "result", "结果"), english="Outcome"),
    Field("next_followup", "下次跟进日期", DATE, False, ("next_followup", "Next Follow-up", "跟进日期"),
          english="Next follow-up"),
    Field("response", "应对措施", TEXT, False, ("response", "Response", "解决方案", "处理措施"), english="Response"),
), aliases=("visits", "Visits", "拜访登记", "拜访"))

STAFF = SheetSpec("staff", "员工", "Staff", (
    Field("name", "姓名", PERSON, True, ("name", "Name", "员工姓名"), english="Name"),
    Field("email", "邮箱", EMAIL, True, ("email", "Email", "e-mail", "电子邮箱", "邮件"), english="Email"),
    Field("role", "角色", CHOICE, True, ("role", "Role", "职位", "岗位"), ROLES, english="Role"),
    Field("department", "所属部门", TEXT, False, ("department", "Department", "部门"), english="Department"),
    Field("manager", "上级", PERSON, False, ("manager", "Manager", "直属上级"), english="Manager"),
), aliases=("staff", "Staff", "员工名单", "人员"))

PLANS = SheetSpec("plans", "拜访计划", "Plans", (
    Field("planned_date", "计划日期", DATE, True, ("planned_date", "Planned Date", "date", "日期", "计划拜访日期"),
          english="Planned date"),
    Field("client_id", "客户编号", CLIENT_ID, False, ("client_id", "Client ID", "客户ID", "编号"), english="Client ID"),
    Field("client_name", "客户名称", NAME, False, ("client_name", "Client Name", "company", "公司名称", "客户"),
          english="Client name"),
    Field("visitor", "拜访人", PERSON, True, ("visitor", "Visitor", "staff", "拜访人员"), english="Visitor"),
    Field("purpose", "目的", TEXT, False, ("purpose", "Purpose", "拜访目的"), english="Purpose"),
), aliases=("plans", "Plans", "计划"))

SHEETS = (CLIENTS, VISITS, STAFF, PLANS)
FINDINGS_SHEET = "数据检查"
CONFIG_SHEET_KEYS = (*(spec.key for spec in SHEETS), "findings")   # the keys of [sheets] in huimao.toml

# Why a [sheets] or [columns.*] entry of the config does not fit the workbook (``Settings.entry_error`` adds
# the file, the key and the value).
_MISMATCH = {
    "zh": {"sheet": "工作簿中没有这个工作表。工作簿中的工作表: {found}。{nearest}",
           "header": "工作表“{title}”中没有这个表头。找到的表头: {found}。{nearest}",
           "nearest": "最接近的是“{name}”。", "fix": "请改正这一项，或删掉它以使用默认名称。",
           "none": "（无）", "sep": "、"},
    "en": {"sheet": "the workbook has no such worksheet. Its worksheets: {found}.{nearest}",
           "header": "worksheet \"{title}\" has no such header. Headers found: {found}.{nearest}",
           "nearest": " The nearest is \"{name}\".", "fix": " Correct the entry, or delete it to use the default.",
           "none": "(none)", "sep": ", "},
}


def missing_sheet_why(titles: list[str], nearest: str | None, language: str) -> str:
    text = _MISMATCH.get(language, _MISMATCH["zh"])
    hint = text["nearest"].format(name=nearest) if nearest else ""
    return text["sheet"].format(found=text["sep"].join(titles) or text["none"], nearest=hint)


def missing_header_why(title: str, headers: list[str], nearest: str | None, language: str) -> str:
    text = _MISMATCH.get(language, _MISMATCH["zh"])
    hint = text["nearest"].format(name=nearest) if nearest else ""
    return text["header"].format(title=title, found=text["sep"].join(headers) or text["none"], nearest=hint)


def mismatch_fix(language: str) -> str:
    return _MISMATCH.get(language, _MISMATCH["zh"])["fix"]


_HEADER_JUNK = re.compile(r"[\s_\-*:：]|[（(](必填|选填|required|optional)[)）]")


def header_key(text: object) -> str:
    """A header as compared: width/case folded, spaces, underscores, stars and '(必填)' removed."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return _HEADER_JUNK.sub("", s)
