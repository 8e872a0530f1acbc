"""Property tests: any list exported as JSON, CSV or Netscape and imported into an empty list comes back the same
(every field: tags with commas and capitals, [brackets] in titles, ids of items sharing a title, links, comments
over several lines); Markdown gives back every field it holds, and export names the others."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.exporters import export_document
from tracker.importers import read_import_file
from tracker.importers.merge_content import combine
from tracker.importers.plan import is_url_title
from tracker.models import Document, Resource, Status

# Printable text with the characters that break naive writers: quotes, commas, pipes, <, &, newlines excluded
# from one-line fields (titles are one line by nature).
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).map(lambda s: " ".join(s.split())).filter(bool)
_TAG = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True) | st.sampled_from(
    ["Machine Learning", "a,b", "c|d", "x;y", "[tag]", "LLM", "mixed Case"]
)
_TITLE = _TEXT | st.sampled_from(["A [draft] title", "[Book] notes", "**Bold** _x_ <b>", "Same title", "a: b"])
_COMMENT = _TEXT | st.sampled_from(["two\nlines", "  spaced  ", "- starts with a dash"])
_LINK = st.builds(
    lambda label, path: {"label": label, "url": f"https://links.example.net/{path}"},
    st.sampled_from(["paper", "code", "tweet", "as [text]", "Video"]),
    st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True),
)


@st.composite
def resources(draw, comments=_COMMENT) -> list[Resource]:
    count = draw(st.integers(min_value=1, max_value=6))
    items = []
    for n in range(count):
        links = draw(st.lists(_LINK, max_size=2, unique_by=lambda link: link["url"]))
        items.append(
            Resource(
                id=f"item-{n}",
                url=f"https://example.org/{n}/{draw(st.from_regex(r'[a-z0-9]{1,8}', fullmatch=True))}?q={n}",
                links=[{**link, "url": f"{link['url']}/{n}"} for link in links],
                title=draw(_TITLE.filter(lambda t: not is_url_title(t))),  # a bare URL as title means "none"
                status=draw(st.sampled_from(list(Status))),
                category=draw(st.none() | _TEXT),
                tags=draw(st.lists(_TAG, max_size=3, unique=True)),
                topic=draw(st.none() | st.sampled_from(["1.1", "3.1.24b", "II"])),
                comment=draw(st.none() | comments),
                added=draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))),
                authors=draw(st.lists(st.sampled_from(["Ada Lovelace", "Smith, J.", "A|B"]), max_size=2)),
            )
        )
    return items


FIELDS = ("id", "url", "links", "title", "status", "category", "tags", "topic", "comment", "added", "authors")
MARKDOWN_FIELDS = ("url", "links", "title", "status", "comment")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=resources(), fmt=st.sampled_from([("json", "json"), ("csv", "csv"), ("netscape", "html")]))
def test_export_import_round_trip(items, fmt):
    name, suffix = fmt
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"list.{suffix}"
        path.write_text(export_document(Document(resources=items), name), encoding="utf-8")
        used, content = read_import_file(path)
    assert used == name
    result = combine(Document(), content)
    got = [tuple(getattr(item, field) for field in FIELDS) for item in result.plan.resources]
    want = [tuple(getattr(item, field) for field in FIELDS) for item in items]
    assert got == want


# What the Markdown layout holds: one line per item, so a comment is one line without a leading separator.
_ONE_LINE_COMMENT = _TEXT.map(lambda text: f"note {text} end")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=resources(comments=_ONE_LINE_COMMENT))
def test_markdown_round_trip_keeps_what_it_holds_and_names_the_rest(items):
    from tracker.exporters import unheld_fields

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.md"
        path.write_text(export_document(Document(resources=items), "markdown"), encoding="utf-8")
        used, content = read_import_file(path)
    assert used == "markdown"
    result = combine(Document(), content)
    got = {item.url: tuple(getattr(item, field) for field in MARKDOWN_FIELDS) for item in result.plan.resources}
    want = {item.url: tuple(getattr(item, field) for field in MARKDOWN_FIELDS) for item in items}
    assert got == want
    lost = unheld_fields(Document(resources=items), "markdown")
    assert lost["id"] == len(items) and lost["added"] == len(items)
    assert lost.get("tags", 0) == sum(bool(item.tags) for item in items)


def test_items_sharing_a_title_keep_their_ids():
    items = [Resource(id=name, url=f"https://example.org/{name}", title="Same title") for name in ("one", "two")]
    for fmt, suffix in (("json", "json"), ("csv", "csv"), ("netscape", "html")):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"list.{suffix}"
            path.write_text(export_document(Document(resources=items), fmt), encoding="utf-8")
            _used, content = read_import_file(path)
        assert [item.id for item in combine(Document(), content).plan.resources] == ["one", "two"], fmt


def test_a_title_that_only_starts_like_a_url_is_kept():
    # Found by hypothesis: "HTTP://" is a title, not an address; a bare address as a title means "no title".
    items = [
        Resource(id="a", url="https://example.org/a", title="HTTP://"),
        Resource(id="b", url="https://example.org/b", title="https://example.org/b"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.json"
        path.write_text(export_document(Document(resources=items), "json"), encoding="utf-8")
        _used, content = read_import_file(path)
    titles = [item.title for item in combine(Document(), content).plan.resources]
    assert titles[0] == "HTTP://"
    assert titles[1] != "https://example.org/b" and "example.org" in titles[1]


def test_markdown_export_keeps_titles_that_look_like_link_words():
    # Found by hypothesis: in tracker's own export the link text is the title, even "0" or "Paper".
    items = [Resource(id=f"i{n}", url=f"https://example.org/{n}", title=title) for n, title in enumerate(["0", "Paper"])]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.md"
        path.write_text(export_document(Document(resources=items), "markdown"), encoding="utf-8")
        _used, content = read_import_file(path)
    assert [item.title for item in content.found] == ["0", "Paper"]
