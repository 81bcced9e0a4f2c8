"""The one filter every message passes before it can reach a log, a file or a page.

Servers echo what they were sent: Looker answering 400 with the login body in `message`
(`client_id=…&client_secret=…`), a proxy quoting the `Authorization` header, a Google error
quoting a key file. So messages are not trusted to be clean because *we* never put a secret
in them: `scrub` removes every configured secret value (Looker client id and secret, the
secrets inside the Google credentials file; also JSON- and URL-encoded, as echoes carry
them), and anything shaped like a credential: access and refresh tokens, `Bearer …` /
`token …` headers, `client_secret=` / `"client_secret": …` pairs, PEM private keys.

`PullError` scrubs its message when it is made, and `snapshot.store.write_atomic` scrubs
every snapshot and attempt file it writes, so pages and `catalog.json` (built from those
files) and the CLI's and the build's logs only ever see scrubbed text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
_MIN_SECRET = 4  # shorter configured "secrets" would blank ordinary words

# Credential-shaped text, whoever configured it: (pattern, replacement).
_SHAPES = [
    (
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
        ),
        MASK,
    ),
    (re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {MASK}"),
    (re.compile(r"\bya29\.[A-Za-z0-9._-]+"), MASK),  # Google OAuth access tokens
]
# key=value and "key": "value" pairs for secret-bearing keys: in messages only, since
# catalog data may well contain a title like "Password: reset funnel".
_PAIRS = re.compile(
    r"""(?i)(["']?\b(?:client_secret|client_id|access_token|refresh_token|id_token|"""
    r"""private_key(?:_id)?|password|api_?key|secret)\b["']?\s*[:=]\s*)"""
    r"""("(?:[^"\\]|\\.)*"|'[^']*'|[^\s&,;'"}\[\]]+)"""
)


def _variants(secret: str) -> set[str]:
    """The forms an echoed secret takes: as is, JSON-escaped, URL-encoded."""
    forms = {secret, json.dumps(secret)[1:-1], quote_plus(secret), quote(secret, safe="")}
    return {f for f in forms if len(f) >= _MIN_SECRET}


def _configured() -> list[str]:
    from handbook.settings import SettingsError, load_settings

    try:
        return load_settings().secrets()
    except SettingsError:
        return []  # a wrong setting is reported on its own; the patterns below still apply


def scrub(text: str, secrets: Iterable[str] | None = None, *, pairs: bool = True) -> str:
    """`text` with every secret (configured or credential-shaped) replaced by [redacted].

    `pairs=False` keeps `key: value` text (for catalog data, not messages).
    """
    if not text:
        return text
    values = _configured() if secrets is None else list(secrets)
    forms = sorted({f for s in values if s for f in _variants(s)}, key=len, reverse=True)
    for form in forms:
        text = text.replace(form, MASK)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    if pairs:
        text = _PAIRS.sub(lambda m: m.group(1) + MASK, text)
    return text
