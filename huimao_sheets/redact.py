"""``redact()``: a password in a URL (``smtp://user:PASSWORD@host``) shown as ``***``.

Used on every message that may quote a URL from the config or the command line before it is printed,
logged or stored in the ledger.
"""

from __future__ import annotations

import re

_PASSWORD_IN_URL = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:]*:)(?P<password>[^\s/@]*)@")


def redact(text: str, *also: str | None) -> str:
    """``text`` with the password of every URL in it, and each of ``also`` (secrets known to the
    caller), replaced by ``***``."""
    text = _PASSWORD_IN_URL.sub(lambda m: f"{m.group('head')}***@", str(text))
    for secret in also:
        if secret and secret != "***":
            text = text.replace(secret, "***")
    return text
