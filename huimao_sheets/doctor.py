"""``doctor``: a checklist of the set-up — config, credentials, sharing, worksheets and headers, SMTP —
each item right or wrong, and for each wrong one the fix. Nothing is written anywhere, and no mail is
sent: SMTP is tried as a run would (connect, EHLO, STARTTLS with the certificate verified, AUTH with
``HUIMAO_SMTP_PASSWORD``), then the connection is closed.

``diagnose`` returns the items; the CLI prints them and exits 0 only when none is wrong.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Iterator, Mapping

from huimao_sheets.config import Settings
from huimao_sheets.errors import HuimaoError, message_in
from huimao_sheets.findings_sheet import findings_title
from huimao_sheets.layout import SHEETS, header_key
from huimao_sheets.mail import PASSWORD_ENV, is_loopback, parse_smtp_url
from huimao_sheets.redact import redact
from huimao_sheets.register import (
    HEADER_SEARCH_ROWS,
    configured_header_problems,
    configured_sheet_problems,
    field_header,
    find_sheets,
    locate_columns,
    map_columns,
)
from huimao_sheets.sources import is_google_source, resolve_source
from huimao_sheets.sources.google_credentials import KeyFileExposed, load_service_account
from huimao_sheets.sources.xlsx import XlsxSource
from huimao_sheets.sources.xlsx_write import lock_files

OK, WRONG, INFO = "ok", "wrong", "info"
SMTP_TIMEOUT = 10.0

LABELS = {
    "zh": {"config": "配置文件", "credentials": "Google 凭据", "key_permissions": "凭据文件权限",
           "sheet": "表格可以打开", "config_workbook": "配置与工作簿", "worksheets": "工作表", "headers": "表头", "findings": "数据检查表",
           "smtp": "SMTP 邮件服务器", OK: "✓", WRONG: "✗", INFO: "·", "fix": "如何解决",
           "all_well": "一切正常。", "problems": "发现 {n} 个问题。"},
    "en": {"config": "config file", "credentials": "Google credentials", "key_permissions": "key file permissions",
           "sheet": "spreadsheet reachable", "config_workbook": "config vs workbook", "worksheets": "worksheets", "headers": "headers",
           "findings": "findings sheet", "smtp": "SMTP server", OK: "✓", WRONG: "✗", INFO: "·", "fix": "fix",
           "all_well": "All is well.", "problems": "{n} problem(s) found."},
}


TEXT = {
    "zh": {
        "config_wrong_fix": "按提示修改配置文件；`huimao-sheets init` 可生成一份带注释的示例。",
        "config_none": "没有 huimao.toml，使用默认设置。",
        "config_ok": "{path} 可以读取。",
        "sheet_ok": "{spec}：{n} 个工作表（{titles}）。",
        "locked": "工作簿正被 Excel/WPS 打开（{lock}）：关闭前 --write-findings 和 setup-sheet 不会写入。",
        "sheet_fix_google": "按上面的提示共享表格或更正 KEY，然后再运行 `huimao-sheets doctor`。",
        "sheet_fix_xlsx": "检查 --source 或 huimao.toml 中 source 的路径。",
        "key_exposed": "{path} 其他用户也能读取，密钥可能泄露，所有命令都会拒绝使用它。",
        "credentials_fix": "用 --credentials FILE、环境变量 GOOGLE_APPLICATION_CREDENTIALS 或配置中的 credentials "
                           "指向服务账号的 JSON 密钥。",
        "credentials_ok": "{path}：服务账号 {email}（表格须共享给这个地址）。",
        "key_ok": "只有文件所有者能读取密钥文件。",
        "optional_missing": "“{title}”没有可选列“{name}”：客户反映的问题是否已应对无从检查。",
        "optional_fix": "运行 `huimao-sheets setup-sheet` 在表头最右边加上“{name}”（不移动已有数据）。",
        "worksheets_fix": "运行 `huimao-sheets setup-sheet` 创建缺少的工作表。",
        "headers_fix": "运行 `huimao-sheets setup-sheet` 补上缺少的表头，或在 huimao.toml 中配置表头名称。",
        "headers_ok": "“{title}”的表头齐全。",
        "findings_ok": "“{title}”存在。",
        "findings_none": "还没有“{title}”：第一次运行 `check --write-findings` 时会创建。",
        "config_workbook_ok": "{where} 中配置的 {n} 个工作表名和表头在工作簿中都能找到。",
        "mismatch_fix": "改正或删掉 {where} 中的 {key}，然后再运行 `huimao-sheets doctor`。",
        "list": "、",
    },
    "en": {
        "config_wrong_fix": "Correct the config file as the message says; `huimao-sheets init` writes a commented example.",
        "config_none": "No huimao.toml: the default settings apply.",
        "config_ok": "{path} can be read.",
        "sheet_ok": "{spec}: {n} worksheet(s) ({titles}).",
        "locked": "The workbook is open in Excel/WPS ({lock}): --write-findings and setup-sheet write nothing "
                  "until it is closed.",
        "sheet_fix_google": "Share the spreadsheet or correct the KEY as the message says, then run "
                            "`huimao-sheets doctor` again.",
        "sheet_fix_xlsx": "Check the path given by --source or by source in huimao.toml.",
        "key_exposed": "{path} can be read by other users: the key may leak, and every command refuses to use it.",
        "credentials_fix": "Point --credentials FILE, the environment variable GOOGLE_APPLICATION_CREDENTIALS or "
                           "credentials in the config at the service account's JSON key.",
        "credentials_ok": "{path}: service account {email} (share the spreadsheet with this address).",
        "key_ok": "Only the file's owner can read the key file.",
        "optional_missing": "“{title}” has no optional column “{name}”: whether clients' problems were answered "
                            "cannot be checked.",
        "optional_fix": "Run `huimao-sheets setup-sheet` to add “{name}” at the right of the headers (no data moves).",
        "worksheets_fix": "Run `huimao-sheets setup-sheet` to create the missing worksheets.",
        "headers_fix": "Run `huimao-sheets setup-sheet` to add the missing headers, or name the headers in huimao.toml.",
        "headers_ok": "“{title}” has every required header.",
        "findings_ok": "“{title}” exists.",
        "findings_none": "No “{title}” yet: the first `check --write-findings` creates it.",
        "config_workbook_ok": "The {n} worksheet name(s) and header(s) configured in {where} are all in the workbook.",
        "mismatch_fix": "Correct or delete {key} in {where}, then run `huimao-sheets doctor` again.",
        "list": ", ",
    },
}


def _text(settings: Settings) -> dict[str, str]:
    return TEXT.get(settings.language, TEXT["zh"])


@dataclass
class Item:
    topic: str            # a key of LABELS
    status: str           # ok / wrong / info
    detail: str
    fix: str = ""


def diagnose(settings: Settings, *, config_path: Path | None = None, config_error: str | None = None,
             source: str | None = None, transport: Any = None, smtp_timeout: float = SMTP_TIMEOUT,
             env: Mapping[str, str] = os.environ) -> list[Item]:
    """Every check, in the order an admin fixes things. ``env`` holds ``HUIMAO_SMTP_PASSWORD``."""
    items = [_config_item(config_path, config_error, _text(settings))]
    spec = resolve_source(source, settings)
    items.extend(_source_items(spec, settings, transport))
    items.append(_smtp_item(settings, smtp_timeout, env))
    return items


def all_well(items: list[Item]) -> bool:
    return all(item.status != WRONG for item in items)


def _config_item(path: Path | None, error: str | None, t: dict[str, str]) -> Item:
    if error:
        return Item("config", WRONG, redact(error), t["config_wrong_fix"])
    if path is None:
        return Item("config", INFO, t["config_none"])
    return Item("config", OK, t["config_ok"].format(path=path))


def _source_items(spec: str, settings: Settings, transport: Any) -> Iterator[Item]:
    t = _text(settings)
    if is_google_source(spec):
        account_ok = True
        for item in _credential_items(settings):
            account_ok = account_ok and item.status != WRONG
            yield item
        if not account_ok:
            return
        # Deferred on purpose: gspread and google-auth are heavy and an .xlsx source never needs them.
        from huimao_sheets.sources.gsheets import GoogleSheetSource

        opener = lambda: GoogleSheetSource.open(spec, settings.credentials, transport=transport)  # noqa: E731
    else:
        opener = lambda: XlsxSource(spec)  # noqa: E731
    try:
        source = opener()
        titles = source.sheet_titles()
    except HuimaoError as exc:
        yield Item("sheet", WRONG, message_in(exc, settings.language),
                   t["sheet_fix_google" if is_google_source(spec) else "sheet_fix_xlsx"])
        return
    yield Item("sheet", OK, t["sheet_ok"].format(spec=spec, n=len(titles), titles=t["list"].join(titles)))
    if not is_google_source(spec):
        for lock in lock_files(Path(spec)):
            if lock.exists():
                yield Item("sheet", INFO, t["locked"].format(lock=lock.name))
    yield from _layout_items(source, titles, settings)


def _credential_items(settings: Settings) -> Iterator[Item]:
    t = _text(settings)
    try:
        account = load_service_account(settings.credentials)
    except KeyFileExposed as exc:
        yield Item("key_permissions", WRONG, t["key_exposed"].format(path=exc.path), f"chmod 600 {exc.path}")
        return
    except HuimaoError as exc:
        yield Item("credentials", WRONG, message_in(exc, settings.language), t["credentials_fix"])
        return
    yield Item("credentials", OK, t["credentials_ok"].format(path=account.path, email=account.client_email))
    yield Item("key_permissions", OK, t["key_ok"])


def _optional_items(spec: Any, title: str, head: list, settings: Settings) -> Iterator[Item]:
    """Optional columns that switch a check on: 应对措施 on 拜访记录 (``unanswered_problem``)."""
    if spec.key != "visits":
        return
    _row, mapping = locate_columns(spec, head, settings)
    if "response" not in mapping:
        name = field_header(spec, spec.field("response"), settings)
        t = _text(settings)
        yield Item("headers", INFO, t["optional_missing"].format(title=title, name=name),
                   t["optional_fix"].format(name=name))


def _layout_items(source: Any, titles: list[str], settings: Settings) -> Iterator[Item]:
    t = _text(settings)
    sheet_items, settings = _configured_sheets(titles, settings)
    yield from sheet_items
    try:
        found = find_sheets(titles, settings)
    except HuimaoError as exc:
        yield Item("worksheets", WRONG, message_in(exc, settings.language), t["worksheets_fix"])
        return
    yield Item("worksheets", OK, t["list"].join(found.values()))
    tables = source.read_tables(list(found.values()))
    heads = {key: list(islice(tables[title].rows, HEADER_SEARCH_ROWS)) for key, title in found.items()}
    header_items, settings = _configured_headers(found, heads, settings, checked=bool(sheet_items))
    yield from header_items
    for spec in SHEETS:
        if spec.key not in found:
            continue
        title = found[spec.key]
        head = heads[spec.key]
        try:
            map_columns(spec, title, head, settings)
        except HuimaoError as exc:
            yield Item("headers", WRONG, message_in(exc, settings.language), t["headers_fix"])
        else:
            yield Item("headers", OK, t["headers_ok"].format(title=title))
            yield from _optional_items(spec, title, head, settings)
    own = findings_title(settings)
    if header_key(own) in {header_key(name) for name in titles}:
        yield Item("findings", OK, t["findings_ok"].format(title=own))
    else:
        yield Item("findings", INFO, t["findings_none"].format(title=own))


def _configured_sheets(titles: list[str], settings: Settings) -> tuple[list[Item], Settings]:
    """The config's ``[sheets]`` against the workbook: a wrong item per entry naming no worksheet, and the
    settings without those entries, so that the rest is checked as if they were not there."""
    problems = configured_sheet_problems(titles, settings)
    items = [_mismatch_item(problem, settings) for problem in problems]
    bad = {key.split(".", 1)[1] for key, _, _ in problems}
    return items, settings.model_copy(update={"sheets": {k: v for k, v in settings.sheets.items() if k not in bad}})


def _configured_headers(found: dict[str, str], heads: dict[str, list], settings: Settings,
                        checked: bool) -> tuple[list[Item], Settings]:
    """The config's ``[columns.*]`` against each sheet's header row, as ``_configured_sheets``; when the
    config names sheets or headers and all are found (``checked``: sheet entries were wrong), one ok item."""
    problems = [p for spec in SHEETS if spec.key in found
                for p in configured_header_problems(spec, found[spec.key], heads[spec.key], settings)]
    items = [_mismatch_item(problem, settings) for problem in problems]
    bad = {tuple(key.split(".")[1:]) for key, _, _ in problems}
    columns = {sheet: {k: v for k, v in fields.items() if (sheet, k) not in bad}
               for sheet, fields in settings.columns.items()}
    named = sum(1 for k in settings.sheets if k in found) + sum(len(f) for f in settings.columns.values())
    if not items and not checked and named:
        where = settings.path or "huimao.toml"
        items.append(Item("config_workbook", OK, _text(settings)["config_workbook_ok"].format(where=where, n=named)))
    return items, settings.model_copy(update={"columns": columns})


def _mismatch_item(problem: tuple[str, str, str], settings: Settings) -> Item:
    key, value, why = problem
    return Item("config_workbook", WRONG, settings.entry_error(key, value, why),
                _text(settings)["mismatch_fix"].format(where=settings.path or "huimao.toml", key=key))


SMTP_TEXT = {
    "zh": {
        "none": "未配置 SMTP：邮件写入 {outbox}/ 文件夹。",
        "bad_url": "更正 --smtp 或 huimao.toml 中的 smtp。",
        "connect": "连不上 {where}: {error}",
        "connect_fix": "检查服务器名和端口（STARTTLS 一般是 587，SSL 是 465）、防火墙，以及服务器是否在运行。",
        "ehlo": "{where} 拒绝了 EHLO（{code}）。",
        "ehlo_fix": "请联系邮件服务器管理员。",
        "no_starttls": "{where} 不支持 STARTTLS，而配置要求加密。",
        "no_starttls_fix": "改用 smtps://host:465，或去掉 starttls=required。",
        "cert": "{where} 的证书无法验证: {error}",
        "cert_fix": "地址中的服务器名须与证书上的一致（不要用 IP 地址代替域名）；自签名证书须由本机信任"
                    "（或设置 SSL_CERT_FILE 指向其 CA 证书）。证书过期则请邮件服务器管理员更新。",
        "tls": "与 {where} 建立加密连接失败: {error}",
        "tls_fix": "端口 465 用 smtps://，端口 587 或 25 用 smtp://（STARTTLS）。",
        "plaintext": "{where} 不提供 STARTTLS：密码不会在未加密的连接上发送给 {host}。",
        "plaintext_fix": "改用 smtps://{user}@{host}:465，或请管理员开启服务器的 STARTTLS。",
        "no_password": "{where} 可以连接，但没有设置密码。",
        "no_password_fix": "设置环境变量 {env}（密码只从环境变量读取）。",
        "no_auth": "{where} 不接受登录（没有 AUTH），而地址中指定了用户 {user}。",
        "no_auth_fix": "换用需要登录的提交端口（通常是 587 或 465），或去掉地址中的用户名。",
        "auth": "{where} 拒绝了用户 {user} 的登录（{code}）。",
        "auth_fix": "检查用户名和环境变量 {env}；QQ、163 等邮箱须使用“授权码”而不是登录密码。",
        "other": "与 {where} 对话失败: {error}",
        "ok": "{where} 可以连接（EHLO 250{steps}），未发送任何邮件。",
        "starttls_ok": "，STARTTLS 证书有效",
        "tls_ok": "，TLS 证书有效",
        "auth_ok": "，用户 {user} 登录成功",
    },
    "en": {
        "none": "No SMTP configured: mail is written to the {outbox}/ folder.",
        "bad_url": "Correct --smtp or smtp in huimao.toml.",
        "connect": "Cannot reach {where}: {error}",
        "connect_fix": "Check the host name and port (587 for STARTTLS, 465 for SSL), the firewall, and that the server runs.",
        "ehlo": "{where} refused EHLO ({code}).",
        "ehlo_fix": "Ask the mail server's administrator.",
        "no_starttls": "{where} does not offer STARTTLS, and the address requires it.",
        "no_starttls_fix": "Use smtps://host:465, or drop starttls=required.",
        "cert": "The certificate of {where} cannot be verified: {error}",
        "cert_fix": "The host name in the address must match the certificate (not an IP address for a name); a "
                    "self-signed certificate must be trusted on this machine (or SSL_CERT_FILE set to its CA). "
                    "An expired one must be renewed by the mail server's administrator.",
        "tls": "The encrypted connection to {where} failed: {error}",
        "tls_fix": "Use smtps:// for port 465, smtp:// (STARTTLS) for port 587 or 25.",
        "plaintext": "{where} offers no STARTTLS: the password is never sent to {host} unencrypted.",
        "plaintext_fix": "Use smtps://{user}@{host}:465, or have the server's STARTTLS turned on.",
        "no_password": "{where} is reachable, but no password is set.",
        "no_password_fix": "Set the environment variable {env} (the password is only read from there).",
        "no_auth": "{where} accepts no login (no AUTH), but the address names the user {user}.",
        "no_auth_fix": "Use the submission port that takes logins (usually 587 or 465), or drop the user from the address.",
        "auth": "{where} refused the login of {user} ({code}).",
        "auth_fix": "Check the user name and {env}; QQ, 163 and similar mailboxes need an app password, not the login password.",
        "other": "Talking to {where} failed: {error}",
        "ok": "{where} is reachable (EHLO 250{steps}); nothing was sent.",
        "starttls_ok": ", STARTTLS certificate valid",
        "tls_ok": ", TLS certificate valid",
        "auth_ok": ", user {user} logged in",
    },
}


def _smtp_item(settings: Settings, timeout: float, env: Mapping[str, str]) -> Item:
    """Really try the server as a run would: connect, EHLO, STARTTLS (certificate verified), AUTH with the
    password of ``HUIMAO_SMTP_PASSWORD``; send nothing. What failed, and the fix."""
    t = SMTP_TEXT.get(settings.language, SMTP_TEXT["zh"])
    if not settings.smtp:
        return Item("smtp", INFO, t["none"].format(outbox=settings.outbox_dir))
    try:
        target = parse_smtp_url(settings.smtp)
    except HuimaoError as exc:
        return Item("smtp", WRONG, message_in(exc, settings.language), t["bad_url"])
    where, user, host = target.display(), target.user, target.host
    password = env.get(PASSWORD_ENV) or None

    def wrong(key: str, **more: Any) -> Item:
        values = {"where": where, "user": user, "host": host, "env": PASSWORD_ENV, **more}
        return Item("smtp", WRONG, redact(t[key].format(**values), password), t[f"{key}_fix"].format(**values))

    context = ssl.create_default_context()
    steps = []
    try:
        if target.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(host, target.port, timeout=timeout, context=context)
            steps.append(t["tls_ok"])
        else:
            server = smtplib.SMTP(host, target.port, timeout=timeout)
    except ssl.SSLCertVerificationError as exc:
        return wrong("cert", error=exc.verify_message or exc)
    except ssl.SSLError as exc:
        return wrong("tls", error=exc.reason or exc)
    except (OSError, smtplib.SMTPException) as exc:
        return Item("smtp", WRONG, t["connect"].format(where=where, error=exc or type(exc).__name__),
                    t["connect_fix"])
    with server:
        try:
            code, _ = server.ehlo()
            if code != 250:
                return wrong("ehlo", code=code)
            encrypted = target.scheme == "smtps"
            if not encrypted and server.has_extn("starttls"):
                server.starttls(context=context)
                server.ehlo()
                encrypted = True
                steps.append(t["starttls_ok"])
            elif not encrypted and target.starttls == "required":
                return wrong("no_starttls")
            if user:
                if not encrypted and not is_loopback(host):
                    return wrong("plaintext")
                if password is None:
                    return wrong("no_password")
                if not server.has_extn("auth"):
                    return wrong("no_auth")
                server.login(user, password)
                steps.append(t["auth_ok"].format(user=user))
        except ssl.SSLCertVerificationError as exc:
            return wrong("cert", error=exc.verify_message or exc)
        except ssl.SSLError as exc:
            return wrong("tls", error=exc.reason or exc)
        except smtplib.SMTPAuthenticationError as exc:
            return wrong("auth", code=exc.smtp_code)
        except (OSError, smtplib.SMTPException) as exc:
            return Item("smtp", WRONG, redact(t["other"].format(where=where, error=exc or type(exc).__name__),
                                              password), t["connect_fix"])
    return Item("smtp", OK, t["ok"].format(where=where, steps="".join(steps)))


def render(items: list[Item], language: str = "zh") -> list[str]:
    """The checklist as lines: one per item, a fix line under each wrong one, and a verdict."""
    labels = LABELS[language]
    lines = []
    for item in items:
        lines.append(f"{labels[item.status]} {labels[item.topic]}: {item.detail}")
        if item.status == WRONG and item.fix:
            lines.append(f"    → {labels['fix']}: {item.fix}")
    wrong = sum(1 for item in items if item.status == WRONG)
    lines.append(labels["all_well"] if not wrong else labels["problems"].format(n=wrong))
    return lines
