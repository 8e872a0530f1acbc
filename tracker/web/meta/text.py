"""Text and URL cleaning shared by the metadata rules: entities, tags, whitespace, absolute http(s) URLs."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import urljoin, urlsplit

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_TAG = re.compile(r"<[^>]{0,500}>")
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def clean_text(value: object, limit: int = 2000) -> str | None:
    """Entities decoded (twice-escaped ones too), tags and control characters dropped, whitespace collapsed."""
    if value is None:
        return None
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
        if value is None:
            return None
    if not isinstance(value, str):
        return None
    text = value
    if "&" in text:
        text = htmllib.unescape(htmllib.unescape(text))
    if "<" in text:
        text = _TAG.sub(" ", _SCRIPT.sub(" ", text))
    text = _SPACE.sub(" ", text).strip()
    text = _CONTROL.sub("", text)
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return text or None


def absolute_url(value: object, base: str) -> str | None:
    """``value`` made absolute against ``base``; None unless it ends up an http(s) URL."""
    text = clean_text(value, limit=4000)
    if not text:
        return None
    if text.startswith("//"):
        text = (urlsplit(base).scheme or "https") + ":" + text
    try:
        joined = urljoin(base, text) if base else text
    except ValueError:
        return None
    return joined if joined.startswith(("http://", "https://")) else None
