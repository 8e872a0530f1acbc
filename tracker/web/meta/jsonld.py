"""JSON-LD: every node of every ``application/ld+json`` block (``@graph`` flattened, ``@id`` references
resolved) and the page's main entity (an article before a video or product, before a plain web page)."""

from __future__ import annotations

import json
import re

from tracker.web.meta.text import clean_text

ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "scholarlyarticle", "techarticle", "reportagenews",
    "analysisnewsarticle", "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "socialmediaposting",
    "liveblogposting", "report", "medicalscholarlyarticle", "discussionforumposting", "creativework", "review",
    "posting", "advertisercontentarticle", "satiricalarticle",
}
MEDIA_TYPES = {
    "videoobject", "audioobject", "podcastepisode", "book", "movie", "product", "recipe", "event", "course",
    "softwaresourcecode", "softwareapplication", "musicrecording", "tvepisode", "dataset", "howto", "qapage",
    "profilepage", "mediaobject", "imageobject", "episode", "musicalbum", "collectionpage",
}
PAGE_TYPES = {"webpage", "itempage", "aboutpage", "searchresultspage", "website"}


MAX_DEPTH = 32  # metadata sits a few levels down; anything deeper is cut (see ``cut_deep_values``)


def cut_deep_values(text: str, limit: int = MAX_DEPTH) -> str:
    """``text`` with every object or array nested deeper than ``limit`` replaced by ``null``.

    One linear pass over the characters (strings and their escapes respected), so a block nested ten thousand
    levels deep costs no recursion: the parser would give up on it with a RecursionError and lose the whole
    block, the metadata a few levels down included.
    """
    if text.count("{") + text.count("[") <= limit:
        return text
    out: list[str] = []
    depth = 0
    skip_from: int | None = None  # depth at which a cut value began
    in_string = escaped = False
    for char in text:
        if in_string:
            if skip_from is None:
                out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
            if skip_from is None:
                out.append(char)
            continue
        if char in "{[":
            depth += 1
            if skip_from is None and depth > limit:
                skip_from = depth
                out.append("null")
                continue
        elif char in "}]":
            depth -= 1
            if skip_from is not None and depth < skip_from:
                skip_from = None
                continue
        if skip_from is None:
            out.append(char)
    return "".join(out)


def _load(text: str):
    try:
        return json.loads(text, strict=False)
    except RecursionError:
        return json.loads(cut_deep_values(text), strict=False)


# Old templates wrap script bodies for XHTML: "//<![CDATA[ ... //]]>", "<!-- ... -->".
_WRAPPER_START = re.compile(r"^(?://\s*)?<!\[CDATA\[|^<!--")
_WRAPPER_END = re.compile(r"(?://\s*)?\]\]>$|-->$")


def _load_all(text: str) -> list:
    """Every JSON value in ``text``: some pages put two objects in one script, one after the other."""
    decoder = json.JSONDecoder(strict=False)
    values, index = [], 0
    while index < len(text) and len(values) < 20:
        try:
            value, end = decoder.raw_decode(text, index)
        except ValueError:
            if not values:
                raise
            break  # what came before a broken block still counts
        values.append(value)
        index = end
        while index < len(text) and text[index] in " \t\r\n;,":
            index += 1
    return values


def jsonld_nodes(text: str) -> list[dict]:
    text = _WRAPPER_END.sub("", _WRAPPER_START.sub("", text.strip())).strip()
    try:
        data = _load(text)
    except (ValueError, RecursionError):
        # Trailing commas and stray semicolons are the usual breakage; then two blocks in one script.
        fixed = re.sub(r",\s*([}\]])", r"\1", text.rstrip("; \n"))
        try:
            data = _load(fixed)
        except (ValueError, RecursionError):
            try:
                data = _load_all(fixed)
            except (ValueError, RecursionError):
                return []
    nodes: list[dict] = []
    stack = [data]
    while stack and len(nodes) < 200:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            if "@graph" in item:
                stack[:0] = item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]]
                if "@type" not in item:
                    continue
            nodes.append(item)
            main = item.get("mainEntity")
            if isinstance(main, dict) and "@type" in main:
                nodes.append(main)
    return nodes


def node_types(node: dict) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value.lower().rsplit("/", 1)[-1]}
    if isinstance(value, list):
        return {v.lower().rsplit("/", 1)[-1] for v in value if isinstance(v, str)}
    return set()


def is_article(types: set[str]) -> bool:
    return bool(types & ARTICLE_TYPES) or any(t.endswith(("article", "posting")) for t in types)


def main_entity(nodes: list[dict]) -> dict | None:
    ranked = []
    for position, node in enumerate(nodes):
        types = node_types(node)
        if is_article(types):
            rank = 0
        elif types & MEDIA_TYPES:
            rank = 1
        elif types & PAGE_TYPES:
            rank = 2
        else:
            continue
        ranked.append((rank, position, node))
    return min(ranked, key=lambda r: (r[0], r[1]))[2] if ranked else None


def resolve_id(nodes: list[dict], value):
    if isinstance(value, dict) and set(value) <= {"@id"} and value.get("@id"):
        for node in nodes:
            if node.get("@id") == value["@id"] and len(node) > 1:
                return node
    return value


def ld_names(value, nodes: list[dict]) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        item = resolve_id(nodes, item)
        if isinstance(item, dict):
            item = item.get("name") or (
                " ".join(filter(None, [item.get("givenName"), item.get("familyName")])) or None
            )
        text = clean_text(item, 300) if isinstance(item, (str, list)) else None
        if text:
            names.append(text)
    return names


def ld_url(value, nodes: list[dict]) -> str | None:
    value = resolve_id(nodes, value)
    if isinstance(value, list):
        value = value[0] if value else None
        value = resolve_id(nodes, value)
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
        if isinstance(value, list):
            value = value[0] if value else None
    return value if isinstance(value, str) else None
