"""JSON-LD: every node of every ``application/ld+json`` block (``@graph`` flattened, ``@id`` references
resolved) and the page's main entity (an article before a video or product, before a plain web page)."""

from __future__ import annotations

import json
import re

from tracker.web.text import clean_text

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


def jsonld_nodes(text: str) -> list[dict]:
    text = text.strip()
    if text.startswith("<!--"):
        text = text[4:].rsplit("-->", 1)[0]
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        # Trailing commas and stray semicolons are the usual breakage.
        try:
            data = json.loads(re.sub(r",\s*([}\]])", r"\1", text.rstrip("; \n")), strict=False)
        except ValueError:
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
