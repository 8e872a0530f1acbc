"""A reader of the item blocks tracker itself writes, without a general YAML parser.

The writer (``yamlio.dump_item``) puts one ``key: value`` per line, each value a plain scalar, a double-quoted
string with a handful of escapes, or a flow list of plain scalars. Reading those lines with a few regexes is
many times faster than PyYAML's C parser plus its Python constructor. Anything else (a comment inside an item,
nested data, a value a person wrote in another YAML style, anything ambiguous) makes ``read_block`` answer
``None``, and the caller falls back to the safe YAML parser for that block.

``read_block(section, text)`` answers exactly what ``document.load_block_data(section, text, ...)[0]`` answers,
or ``None``; a hypothesis test compares the two on generated canonical and hand-edited blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tracker.store.document import TEXT_FIELDS
from tracker.store.yamlio import may_hold_anchor_alias_or_tag

_LINE = re.compile(r"(?:- |  )([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?")
# The characters a YAML file may hold (and no "\r", which YAML reads as a line break): text with anything
# else goes the safe parser's way, which reports it.
NOT_SIMPLE_TEXT = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLAIN = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]+(?: [^\s\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]+)*")
_PLAIN_FIRST_BAD = frozenset("-?:,[]{}#&*!|>'\"%@`")
_QUOTED = re.compile(r'"((?:[^"\\\n]|\\(?:[\\"ntr0NLP]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))*)"')
_ESCAPE = re.compile(r"\\(?:([\\\"ntr0NLP])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")
_SIMPLE_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "0": "\x00", "N": "\x85",
                   "L": "\u2028", "P": "\u2029"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_NULLS = frozenset({"~", "null", "Null", "NULL"})

# Plain words (keys and values) that PyYAML resolves to a string: memoised, most repeat (statuses, categories).
_resolves_to_str: dict[str, bool] = {}
_resolver: Any = None


def _reads_as_str(text: str) -> bool:
    known = _resolves_to_str.get(text)
    if known is None:
        global _resolver
        import yaml

        if _resolver is None:
            _resolver = yaml.resolver.Resolver()
        known = _resolver.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
        if len(_resolves_to_str) < 100_000:
            _resolves_to_str[text] = known
    return known


reads_as_str = _reads_as_str  # whether a plain word reads back as the text written (memoised)
known_str_words = _resolves_to_str  # the memo: True for words known to read back as the text written


def _plain_syntax_ok(text: str, flow: bool) -> bool:
    """True when ``text`` after ``key: `` is certainly one plain scalar with exactly this value."""
    if not text or text[0] in _PLAIN_FIRST_BAD or not _PLAIN.fullmatch(text):
        return False
    if ": " in text or " #" in text or text.endswith(":") or may_hold_anchor_alias_or_tag(text):
        return False
    return not (flow and any(ch in text for ch in ",[]{}?:#"))


def _unescape(match: re.Match) -> str:
    simple, two, four, eight = match.groups()
    if simple is not None:
        return _SIMPLE_ESCAPES[simple]
    return chr(int(two or four or eight, 16))


class _NotCanonical(Exception):
    """The block holds something this reader does not follow: the safe parser reads it instead."""


def _quoted(text: str) -> str:
    match = _QUOTED.fullmatch(text)
    if match is None:
        raise _NotCanonical
    value = match.group(1)
    if "\\" in value:
        value = _ESCAPE.sub(_unescape, value)
        if _SURROGATE.search(value):
            raise _NotCanonical  # the safe reader refuses it, with the line
    return value


def _plain_value(text: str) -> Any:
    """A plain scalar of a field that is not text: strings, dates and small integers are read here."""
    if _reads_as_str(text):
        return text
    if _DATE.fullmatch(text):
        try:
            return dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            return text  # a date that is no date is read as the text written (as yamlio does)
    if _INT.fullmatch(text):
        return int(text)
    raise _NotCanonical


def _flow_list(text: str) -> list:
    if not text.endswith("]"):
        raise _NotCanonical
    inner = text[1:-1]
    if not inner:
        return []
    if '"' in inner:
        raise _NotCanonical
    values = []
    for part in inner.split(", "):
        if not _plain_syntax_ok(part, flow=True) or not _reads_as_str(part):
            raise _NotCanonical
        values.append(part)
    return values


def _value(raw: str | None, as_text: bool) -> Any:
    if not raw:
        raise _NotCanonical  # "key:" alone: null, or nested lines follow
    first = raw[0]
    if first == '"':
        return _quoted(raw)
    if first == "[":
        return _flow_list(raw)
    if not _plain_syntax_ok(raw, flow=False):
        raise _NotCanonical
    if as_text:
        return None if raw in _NULLS else raw
    return _plain_value(raw)


_BLOCK_LINE = re.compile(r"^(?:- |  )([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?$", re.M)
_NO = r"\s\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029"
# A word is runs of ordinary characters joined by single ":" (``https://x``); possessive, so no backtracking.
_WORD = rf"[^{_NO}:]*+(?::[^{_NO}:]++)*+"
# A plain scalar that certainly reads back as exactly its text: no indicator first, single spaces, no ": ",
# no " #", no trailing ":", no anchor, alias or tag at a word's start. Anything else goes the careful way.
_SAFE_PLAIN = re.compile(rf"[^{_NO}\-?:,\[\]{{}}#&*!|>'\"%@`]{_WORD}(?: [^{_NO}:#&*!]{_WORD})*+")
_DATE_KEYS = frozenset({"added", "status_changed", "published"})
_STATUS_WORDS = frozenset({"inbox", "next-up", "reading", "done", "dropped"})
_LIST_KEYS = frozenset({"tags", "authors"})
_KNOWN_KEYS = frozenset({"id", "url", "links", "title", "status", "category", "tags", "topic", "lab", "comment",
                         "added", "status_changed", "authors", "published", "site", "description", "kind",
                         "canonical_url", "image", "text", "source", "term", "definition", "parent", "number",
                         "summary"})


def _fast_value(key: str, raw: str, text_fields: frozenset[str]) -> Any:
    """The common shapes first (one regex each), then the careful reader."""
    if key in text_fields:
        if _SAFE_PLAIN.fullmatch(raw):
            return None if raw in _NULLS else raw
    elif key == "status":
        if raw in _STATUS_WORDS:
            return raw
    elif key in _DATE_KEYS:
        if _DATE.fullmatch(raw):
            try:
                return dt.date(int(raw[:4]), int(raw[5:7]), int(raw[8:10]))
            except ValueError:
                return raw
    elif key in _LIST_KEYS and raw[:1] == "[" and raw[-1:] == "]" and '"' not in raw:
        inner = raw[1:-1]
        if not inner:
            return []
        values = inner.split(", ")
        for part in values:
            known = _resolves_to_str.get(part)
            if known is None:
                known = _plain_syntax_ok(part, flow=True) and _reads_as_str(part)
                _resolves_to_str[part] = known
            if not known:
                raise _NotCanonical
        return values
    return _value(raw, key in text_fields)


_FLOW_WORDS = r"\[(?:[A-Za-z0-9][A-Za-z0-9._/+-]*+(?: [A-Za-z0-9._/+-]++)*+(?:, [A-Za-z0-9][A-Za-z0-9._/+-]*+(?: [A-Za-z0-9._/+-]++)*+)*+)?\]"
_SIMPLE_QUOTED = r'"[^"\\\n\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]*+"'  # a double-quoted string without escapes
_SIMPLE_LINE = rf"[A-Za-z_][A-Za-z0-9_-]*+: (?:{_SAFE_PLAIN.pattern}|{_FLOW_WORDS}|{_SIMPLE_QUOTED})\n"
# A block of the commonest shape: one key per line, each value a safe plain scalar or a list of plain words.
_SIMPLE_BLOCK = re.compile(rf"- {_SIMPLE_LINE}(?:  {_SIMPLE_LINE})*")


def _simple_block(section: str, text: str) -> dict | None:
    """``read_block`` for a block ``_SIMPLE_BLOCK`` matched: every value's syntax is known already."""
    text_fields = TEXT_FIELDS.get(section, frozenset())
    data: dict[str, Any] = {}
    for line in text[2:-1].split("\n  "):
        key, _sep, raw = line.partition(": ")
        if key in data:
            return None
        if raw[0] == '"':
            data[key] = raw[1:-1]
        elif raw[0] == "[":
            if raw == "[]":
                data[key] = []
                continue
            values = raw[1:-1].split(", ")
            for part in values:
                known = _resolves_to_str.get(part)
                if known is None and not _reads_as_str(part):
                    return None
                if known is False:
                    return None
            data[key] = values
        elif key in text_fields:
            data[key] = None if raw in _NULLS else raw
        elif key == "status" and raw in _STATUS_WORDS:
            data[key] = raw
        elif key in _DATE_KEYS and _DATE.fullmatch(raw):
            try:
                data[key] = dt.date.fromisoformat(raw)
            except ValueError:
                data[key] = raw
        else:
            try:
                data[key] = _plain_value(raw)
            except _NotCanonical:
                return None
        if key not in _KNOWN_KEYS and not _reads_as_str(key):
            return None
    return data


def read_simple_block(section: str, text: str) -> dict | None:
    """``read_block`` for the commonest shape only (None for any other): each value is then a str, a list of
    str, a date, an int, or None for a text field written ``~``/``null`` (a date that is no date, or anything
    quoted, stays a str)."""
    if text.startswith("- ") and text.endswith("\n") and _SIMPLE_BLOCK.fullmatch(text):
        return _simple_block(section, text)
    return None


def read_block(section: str, text: str) -> dict | None:
    """One item's block (``- key: value`` lines) as a dict, or None when it is not in tracker's own layout.

    The caller has checked the whole file against ``NOT_SIMPLE_TEXT`` once."""
    if not text.startswith("- "):
        return None
    if text.endswith("\n") and _SIMPLE_BLOCK.fullmatch(text):
        return _simple_block(section, text)
    pairs = _BLOCK_LINE.findall(text)
    if len(pairs) != text.count("\n") + (not text.endswith("\n")):
        return None  # a comment, a blank or nested line: not one key per line
    text_fields = TEXT_FIELDS.get(section, frozenset())
    data: dict[str, Any] = {}
    try:
        for key, raw in pairs:
            if key in data or (key not in _KNOWN_KEYS and not _reads_as_str(key)):
                return None
            data[key] = _fast_value(key, raw, text_fields) if raw else _value(raw, False)
    except _NotCanonical:
        return None
    return data
