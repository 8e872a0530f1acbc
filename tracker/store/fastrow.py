"""An item's index row straight from its block's text, for the shape tracker writes most: one regex, no dict.

A fresh clone's first command indexes every item. For a block in the writer's key order whose values are all
plain words, simple double-quoted strings without escapes, valid dates or lists of plain words, one regex match
gives every field; the row's columns and its JSON ``data`` are then put together as text (such values need no
JSON escaping), without building the item's dict and serialising it again. ``fast_row`` answers exactly the row
``fastbuild`` would build from ``read_simple_block`` and ``canonical_resource`` (a hypothesis test compares
them), or None for any other block, which then goes that way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from operator import itemgetter
from typing import NamedTuple

from tracker.store.document import RESOURCE_FIELDS
from tracker.store.fastread import known_str_words, reads_as_str

# The characters a plain value may hold here: not whitespace, YAML's non-printables and line breaks, ":", or what
# JSON would escape; ``[^\s\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029"\\:]`` spelled without categories (a test checks),
# so each character costs one table look-up.
CHARS = r'^\x00-\x20"\\:\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'
_WORD = rf"[{CHARS}]*+(?::[{CHARS}]++)*+"
# fastread's safe plain scalar, less quotes and backslashes, and never a null.
_PLAIN = (rf"(?!(?:~|null|Null|NULL)\n)(?![-?,\[\]{{}}#&*!|>'%@`])[{CHARS}]{_WORD}"
          rf"(?: (?![#&*!])[{CHARS}]{_WORD})*+")
_QUOTED = r'"[^"\\\n\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]*+"'
_TEXT = rf"({_PLAIN}|{_QUOTED})"
_LIST = (r"\[((?:[A-Za-z0-9][A-Za-z0-9._/+-]*+(?: [A-Za-z0-9._/+-]++)*+"
         r"(?:, [A-Za-z0-9][A-Za-z0-9._/+-]*+(?: [A-Za-z0-9._/+-]++)*+)*+)?)\]")
_DATE = r"(\d{4}-\d\d-\d\d)"
_URL = (r"(https?://((?:www\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)"
        r"(/[A-Za-z0-9._~/-]*)?)")

_VALUE = {"id": r"(?!null\n)([a-z0-9][a-z0-9-]{0,119})", "url": _URL, "status": r"(inbox|next-up|reading|done|dropped)",
          "tags": _LIST, "authors": _LIST, "added": _DATE, "status_changed": _DATE, "published": _DATE}
# Every field but links (nested), in the writer's order; id, url and title first and required.
FIELDS = tuple(name for name in RESOURCE_FIELDS if name != "links")
_KIND = {name: "list" if name in ("tags", "authors") else "date" if _VALUE.get(name) == _DATE else "text"
         for name in FIELDS}
_KIND.update(id="plain", url="url", status="plain")


def _line(name: str, first: bool) -> str:
    line = f"{'- ' if first else '  '}{name}: {_VALUE.get(name, _TEXT)}\n"
    return line if name in ("id", "url", "title") else f"(?:{line})?"


BLOCK = re.compile("".join(_line(name, n == 0) for n, name in enumerate(FIELDS)))
_SPECIAL_HOSTS = frozenset({"arxiv.org", "export.arxiv.org", "youtube.com", "m.youtube.com", "music.youtube.com",
                            "youtu.be", "youtube-nocookie.com"})
_INDEX_PAGES = ("/index.html", "/index.htm", "/index.php")
_SLASHES = re.compile(r"/{2,}")
_valid_dates: dict[str, bool] = {}


def _date_ok(text: str) -> bool:
    known = _valid_dates.get(text)
    if known is None:
        try:
            dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
            known = True
        except ValueError:
            known = False
        if len(_valid_dates) < 100_000:
            _valid_dates[text] = known
    return known


def _words_ok(words: list[str]) -> bool:
    return all(map(known_str_words.get, words)) or all(map(reads_as_str, words))


def url_key_of(host: str, path: str | None) -> str | None:
    """``identity_key`` of a plain ``https://host/path`` URL from its host and path (None for a host with its own
    rules); ``fastbuild.simple_url_key`` checks the URL is that plain first."""
    bare_host = host.removeprefix("www.")
    if bare_host in _SPECIAL_HOSTS:
        return None
    path = path or ""
    if "//" in path:
        path = _SLASHES.sub("/", path)
    path = path.rstrip("/")
    if path.endswith(_INDEX_PAGES):
        for index_page in _INDEX_PAGES:
            if path.endswith(index_page):
                path = path[: -len(index_page)]
    return f"https://{bare_host}{path}"


# (field, kind, index of its value in the match's groups), in the writer's order.
_GROUPS: tuple[tuple[str, str, int], ...] = ()
_next = 0
for _name in FIELDS:
    _GROUPS += ((_name, _KIND[_name], _next),)
    _next += 3 if _name == "url" else 1
del _next, _name
_AT = {name: at for name, _kind, at in _GROUPS}
_ID, _URL, _HOST, _PATH, _TITLE = 0, 1, 2, 3, _AT["title"]
_STATUS, _CATEGORY, _TAGS, _TOPIC, _LAB = _AT["status"], _AT["category"], _AT["tags"], _AT["topic"], _AT["lab"]
_COMMENT, _ADDED, _CHANGED, _DESCRIPTION = _AT["comment"], _AT["added"], _AT["status_changed"], _AT["description"]


class _Shape(NamedTuple):
    """What to do with the values of blocks that hold the same fields (a list has few such shapes)."""

    texts: tuple[int, ...]  # text values, maybe quoted
    lists: tuple[int, ...]
    dates: tuple[int, ...]
    data: str  # the item's JSON, a %-template of the values picked by ``pick``
    pick: Callable[[list], tuple]


def _shape(present: tuple[bool, ...]) -> _Shape:
    texts, lists, dates, parts, picked = [], [], [], [], []
    for name, kind, at in _GROUPS:
        if not present[at]:
            if name == "status":
                parts.append('"status": "inbox"')  # the models' default, in its place
            continue
        {"text": texts, "list": lists, "date": dates}.get(kind, []).append(at)
        parts.append(f'"{name}": %s' if kind == "list" else f'"{name}": "%s"')
        picked.append(at)
    return _Shape(tuple(texts), tuple(lists), tuple(dates), "{" + ", ".join(parts) + "}", itemgetter(*picked))


_SHAPES: dict[tuple[bool, ...], _Shape] = {}


def fast_row(block_text: str, pos: int, digest: str) -> tuple | None:
    """The ``resources`` row of a block of the commonest shape (see the module docstring), or None."""
    match = BLOCK.fullmatch(block_text)
    if match is None:
        return None
    values = list(match.groups())
    key = url_key_of(values[_HOST], values[_PATH])
    if key is None:
        return None
    changed = values[_CHANGED]
    if changed is not None and changed == values[_ADDED]:
        values[_CHANGED] = None  # a status_changed that only repeats added is left out, as the models do
    present = tuple(map(bool, values))  # an empty list ("") is left out of the item too
    shape = _SHAPES.get(present)
    if shape is None:
        shape = _SHAPES[present] = _shape(present)
    if '"' in block_text:  # a quoted value (plain ones hold no quote)
        for at in shape.texts:
            value = values[at]
            if value[0] == '"':
                values[at] = value[1:-1]
    for at in shape.dates:
        if not _date_ok(values[at]):
            return None
    for at in shape.lists:
        value = values[at]
        if not _words_ok(value.split(", ")):
            return None
        values[at] = '["' + value.replace(", ", '", "') + '"]'
    return (values[_ID], values[_URL], key, values[_TITLE], values[_STATUS] or "inbox", values[_CATEGORY],
            values[_TAGS] or "[]", values[_TOPIC], values[_LAB], values[_COMMENT], values[_ADDED], values[_CHANGED],
            values[_DESCRIPTION], shape.data % shape.pick(values), pos, digest)
