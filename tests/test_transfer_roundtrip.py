"""Property test: any list exported as JSON, CSV or Netscape and imported into an empty list comes back the same."""

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
_TAG = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)


@st.composite
def resources(draw) -> list[Resource]:
    count = draw(st.integers(min_value=1, max_value=6))
    items = []
    for n in range(count):
        items.append(
            Resource(
                id=f"item-{n}",
                url=f"https://example.org/{n}/{draw(st.from_regex(r'[a-z0-9]{1,8}', fullmatch=True))}?q={n}",
                title=draw(_TEXT.filter(lambda t: not is_url_title(t))),  # a bare URL as title means "none"
                status=draw(st.sampled_from(list(Status))),
                category=draw(st.none() | _TEXT),
                tags=draw(st.lists(_TAG, max_size=3, unique=True)),
                topic=draw(st.none() | st.sampled_from(["1.1", "3.1.24b", "II"])),
                comment=draw(st.none() | _TEXT),
                added=draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))),
            )
        )
    return items


FIELDS = ("id", "url", "title", "status", "category", "tags", "topic", "comment", "added")


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
