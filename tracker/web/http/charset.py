"""Decode HTML bytes the way browsers do: BOM, then the HTTP header, then ``<meta charset>``, then detection.

A declared single-byte charset loses to bytes that are valid multi-byte UTF-8, because servers that send
``charset=iso-8859-1`` for UTF-8 pages are far more common than Latin-1 text that happens to be valid UTF-8.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{1,40})""", re.I
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]{1,40})", re.I)
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")
_SINGLE_BYTE = {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers read "latin-1"/"ascii" as windows-1252 (WHATWG encoding standard).
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def charset_from_content_type(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _codec(match.group(1)) if match else None


def charset_from_meta(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    codec = _codec(match.group(1).decode("ascii", "replace")) if match else None
    # A page that reached us as bytes cannot really be UTF-16 if its <meta> is readable ASCII.
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def _is_utf8_with_multibyte(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte sequence cut off by a byte cap is still UTF-8.
        if exc.start < len(data) - 4:
            return False
    return not data.isascii()


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 4  # a character cut off by the byte cap
    except LookupError:
        return False
    return True


def detect_charset(data: bytes, content_type: str | None = None) -> str:
    """The codec to decode ``data`` with."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    declared = charset_from_content_type(content_type) or charset_from_meta(data)
    if declared and declared not in _SINGLE_BYTE:
        if _decodes(data, declared):
            return declared
        # The declaration is wrong (a common server default): let the bytes decide.
        declared = charset_from_meta(data) if charset_from_meta(data) != declared else None
        if declared and _decodes(data, declared) and declared not in _SINGLE_BYTE:
            return declared
    if _is_utf8_with_multibyte(data):
        return "utf-8"
    if declared:
        return declared
    high = len(_HIGH_BYTES.findall(data, 0, 65536))
    if high == 0:
        return "utf-8"
    if high < 64:
        # Too little evidence for statistical detection: Windows-1252 is the web's usual legacy charset.
        return "cp1252"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536]).best()
        if best is not None:
            return _codec(best.encoding) or "cp1252"
    except ImportError:
        pass
    return "cp1252"


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """``data`` as text; undecodable bytes become U+FFFD rather than an error."""
    return data.decode(detect_charset(data, content_type), errors="replace")
