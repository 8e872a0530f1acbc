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

from tracker.store.document import RESOURCE_FIELDS
from tracker.store.fastread import reads_as_str

# What the value may not hold: YAML's non-printables and line breaks, and what JSON would escape.
_NO = r"\s\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029\"\\"
_WORD = rf"[^{_NO}:]*+(?::[^{_NO}:]++)*+"
# fastread's safe plain scalar, less quotes and backslashes, and never a null.
_PLAIN = (rf"(?!(?:~|null|Null|NULL)\n)[^{_NO}\-?:,\[\]{{}}#&*!|>'%@`]{_WORD}(?: [^{_NO}:#&*!]{_WORD})*+")
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
    return all(map(reads_as_str, words))


def url_key_of(host: str, path: str | None) -> str | None:
    """``fastbuild.simple_url_key`` from the URL's host and path (None for a host with its own rules)."""
    bare_host = host.removeprefix("www.")
    if bare_host in _SPECIAL_HOSTS:
        return None
    path = path or ""
    if "//" in path:
        path = _SLASHES.sub("/", path)
    path = path.rstrip("/")
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


def fast_row(block_text: str, pos: int, digest: str) -> tuple | None:
    """The ``resources`` row of a block of the commonest shape (see the module docstring), or None."""
    match = BLOCK.fullmatch(block_text)
    if match is None:
        return None
    groups = match.groups()
    key = url_key_of(groups[2], groups[3])
    if key is None:
        return None
    values: dict[str, str] = {}
    parts = []
    tags_json = "[]"
    for name, kind, at in _GROUPS:
        value = groups[at]
        if value is None:
            continue
        if kind == "text":
            if value[0] == '"':
                value = value[1:-1]
        elif kind == "list":
            if not value:
                continue
            if not _words_ok(value.split(", ")):
                return None
            listed = '["' + value.replace(", ", '", "') + '"]'
            if name == "tags":
                tags_json = listed
            parts.append(f'"{name}": {listed}')
            continue
        elif kind == "date" and not _date_ok(value):
            return None
        values[name] = value
        parts.append(f'"{name}": "{value}"')
    if "status" not in values:
        values["status"] = "inbox"
        parts.insert(3, '"status": "inbox"')  # after id, url and title, as the models order it
    get = values.get
    added, changed = get("added"), get("status_changed")
    if changed is not None and changed == added:
        changed = None
        parts.remove(f'"status_changed": "{added}"')
    return (values["id"], values["url"], key, values["title"], values["status"], get("category"), tags_json,
            get("topic"), get("lab"), get("comment"), added, changed, get("description"),
            "{" + ", ".join(parts) + "}", pos, digest)
