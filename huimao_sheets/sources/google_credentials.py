"""The Google service account the service acts as: which key file, what is wrong with it, which scope.

The file is found as ``--credentials FILE``, else ``GOOGLE_APPLICATION_CREDENTIALS``, else the config's
``credentials`` (the CLI folds the first two into ``Settings.credentials``). Its private key is never
printed or logged; its ``client_email`` is, because the sheet must be shared with that address. A key file
that other users can read (group or others, e.g. mode 0644) is refused by every command, with the
``chmod 600`` to run.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from google.oauth2 import service_account

from huimao_sheets.errors import SourceError

ENV_VAR = "GOOGLE_APPLICATION_CREDENTIALS"
READ_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
WRITE_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
REQUIRED_FIELDS = ("type", "client_email", "private_key", "token_uri")
HOW_TO = "见 README 的“Connect your Google Sheet”一节：在 Google Cloud 控制台为服务账号创建 JSON 密钥并下载。"
HOW_TO_EN = ("See “Connect your Google Sheet” in the README: create a JSON key for the service account in the "
             "Google Cloud console and download it.")


@dataclass(frozen=True)
class ServiceAccount:
    path: Path
    client_email: str
    credentials: Credentials


def credentials_path(configured: str | os.PathLike | None) -> Path:
    """The key file to use: the one given (option or config), else ``GOOGLE_APPLICATION_CREDENTIALS``."""
    chosen = configured or os.environ.get(ENV_VAR)
    if not chosen:
        raise SourceError(
            "没有 Google 服务账号凭据：请用 --credentials FILE 指定 JSON 密钥文件，或设置环境变量 "
            f"{ENV_VAR}，或在 huimao.toml 中写 credentials = \"credentials.json\"。{HOW_TO}",
            en="No Google service-account credentials: give the JSON key file with --credentials FILE, or set the "
               f"environment variable {ENV_VAR}, or write credentials = \"credentials.json\" in huimao.toml. {HOW_TO_EN}"
        )
    return Path(chosen).expanduser()


def read_key_file(path: Path) -> dict:
    """The key file's fields, or a SourceError that says what is wrong with the file — one that other
    users could read is refused, with the ``chmod`` to run."""
    try:
        refuse_if_readable_by_others(path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SourceError(f"找不到凭据文件 {path}。{HOW_TO}",
                          en=f"Credentials file {path} not found. {HOW_TO_EN}") from exc
    except IsADirectoryError as exc:
        raise SourceError(f"凭据路径 {path} 是一个文件夹，应是服务账号的 JSON 密钥文件。",
                          en=f"The credentials path {path} is a folder; it should be the service account's "
                             "JSON key file.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"无法读取凭据文件 {path}: {exc}",
                          en=f"Cannot read the credentials file {path}: {exc}. Check that it exists and that "
                             "you may read it.") from exc
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"凭据文件 {path} 不是有效的 JSON（第 {exc.lineno} 行: {exc.msg}）。请重新下载密钥文件。",
                          en=f"The credentials file {path} is not valid JSON (line {exc.lineno}: {exc.msg}). "
                             "Download the key file again.") from exc
    if not isinstance(info, dict):
        raise SourceError(f"凭据文件 {path} 应是一个 JSON 对象（service account key）。",
                          en=f"The credentials file {path} should hold one JSON object (a service account key). "
                             "Download the key file again.")
    if info.get("type") != "service_account":
        raise SourceError(
            f"凭据文件 {path} 的 type 是“{info.get('type')}”，需要服务账号密钥（\"type\": \"service_account\"）。{HOW_TO}",
            en=f"The credentials file {path} has type “{info.get('type')}”; a service account key is needed "
               f"(\"type\": \"service_account\"). {HOW_TO_EN}"
        )
    missing = [name for name in REQUIRED_FIELDS if not info.get(name)]
    if missing:
        raise SourceError(f"凭据文件 {path} 缺少字段 {', '.join(missing)}。请重新下载完整的服务账号 JSON 密钥。",
                          en=f"The credentials file {path} lacks the fields {', '.join(missing)}. Download the "
                             "service account's JSON key again, whole.")
    return info


def load_service_account(configured: str | os.PathLike | None, *, write: bool = False) -> ServiceAccount:
    """Service-account credentials with the narrowest scope: read-only unless the command writes."""
    path = credentials_path(configured)
    info = read_key_file(path)
    scope = WRITE_SCOPE if write else READ_SCOPE
    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=[scope])
    except (ValueError, GoogleAuthError) as exc:
        # The message of these errors is about the key's format; it never contains the key itself.
        raise SourceError(
            f"凭据文件 {path} 的 private_key 无法使用（{type(exc).__name__}）。文件可能被改动过，请重新下载密钥。",
            en=f"The private_key of the credentials file {path} cannot be used ({type(exc).__name__}). The file "
               "may have been edited: download the key again."
        ) from exc
    return ServiceAccount(path=path, client_email=info["client_email"], credentials=credentials)


class KeyFileExposed(SourceError):
    """The key file can be read by users other than its owner: it is not used until it is ``chmod 600``."""

    def __init__(self, path: Path):
        super().__init__(f"凭据文件 {path} 其他用户也能读取，私钥可能泄露，已拒绝使用。请运行: chmod 600 {path}",
                         en=f"The credentials file {path} can be read by other users, so its private key may have "
                            f"leaked; it was not used. Run: chmod 600 {path}")
        self.path = path


def refuse_if_readable_by_others(path: Path) -> None:
    """Raise KeyFileExposed when users other than the owner may read the key file."""
    if path.is_file() and readable_by_others(path):
        raise KeyFileExposed(path)


def readable_by_others(path: Path) -> bool:
    """Whether users other than the owner may read the key file (POSIX permissions; False on Windows)."""
    if os.name != "posix":
        return False
    return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
