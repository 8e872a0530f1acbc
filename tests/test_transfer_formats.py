"""Each import format read from fixtures written for the project (modelled on real exports, see the fixtures)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.errors import DataError
from tracker.importers import guess_format, read_import_file
from tracker.importers.markdown_blocks import find_links, split_row
from tracker.importers.plan import FoundItem, plan_import
from tracker.models import Resource

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "transfer"


def imported(name: str, fmt: str | None = None):
    used, content = read_import_file(FIXTURES / name, fmt)
    return used, content, plan_import(content.found)


def test_firefox_bookmarks_folders_tags_dates_and_duplicates():
    fmt, content, plan = imported("firefox-bookmarks.html")
    assert fmt == "netscape"
    assert plan.counts() == {"added": 4, "merged": 1, "skipped": 0}
    by_id = {item.id: item for item in plan.resources}
    attention = by_id["attention-is-all-you-need"]
    assert attention.tags == ["machine-learning", "transformers", "papers"]  # folder, then the TAGS attribute
    assert attention.category == "Machine Learning"
    assert attention.added == dt.date(2024, 3, 1)  # ADD_DATE="1709251200"
    assert attention.comment.startswith("The paper that introduced the Transformer.")  # the <DD> line
    assert by_id["essence-of-linear-algebra-more"].tags == ["machine-learning", "math-stats"]  # nested, &amp; decoded
    assert by_id["illustrated-transformer"].tags == []  # the toolbar is a container, not a topic
    merged = [o for o in plan.outcomes if o.action == "merged"]
    assert merged[0].url == "https://arxiv.org/pdf/1706.03762v5.pdf" and merged[0].item_id == "attention-is-all-you-need"
    assert [(s.text, s.reason) for s in content.skipped] == [("Recently Bookmarked", "a browser-internal or script bookmark")]


def test_chrome_bookmarks_entities_tracking_params_and_bookmarklets():
    fmt, content, plan = imported("chrome-bookmarks.html")
    assert fmt == "netscape"
    assert plan.counts() == {"added": 4, "merged": 1, "skipped": 0}
    by_id = {item.id: item for item in plan.resources}
    gpt = by_id["let-s-build-gpt-from-scratch-in-code-spelled-out-youtube"]
    assert gpt.url == "https://www.youtube.com/watch?v=kCc8FmEb1nY&t=42s"
    assert gpt.title.startswith("Let's build GPT")
    assert by_id["fast-ai"].tags == ["llm", "courses"]
    assert by_id["token-selection-strategies-top-k-top-p-and-temperature"].tags == []  # "Other bookmarks" root
    # The same course with and without ?utm_source= and with a differently cased host is one item.
    assert [o.item_id for o in plan.outcomes if o.action == "merged"] == ["introduction-hugging-face-nlp-course"]
    assert content.skipped[0].text == "Save to list"


def test_pocket_csv_status_tags_time_added_and_url_titles():
    fmt, content, plan = imported("pocket-export.csv")
    assert fmt == "pocket"
    assert plan.counts() == {"added": 3, "merged": 1, "skipped": 1}
    by_id = {item.id: item for item in plan.resources}
    gpt2 = by_id["illustrated-gpt-2-visualizing-transformer-language-models"]
    assert (gpt2.status, gpt2.tags, gpt2.added) == ("inbox", ["transformers", "visual"], dt.date(2023, 11, 14))
    lora = by_id["lora-pdf-again"]  # Pocket titled it with its URL; the pdf duplicate brought a real title
    assert lora.status == "done" and lora.url == "https://arxiv.org/abs/2106.09685"
    assert by_id["building-a-semantic-search-engine-in-python-with-embeddings"].title.endswith('with "embeddings"')
    reasons = {o.title: o.reason for o in plan.outcomes if o.action == "skipped"}
    assert "only http and https" in reasons["An FTP link"]
    assert [(s.text, s.reason) for s in content.skipped] == [("No address here", "no url")]


def test_generic_csv_columns_by_name():
    fmt, content, plan = imported("generic.csv")
    assert fmt == "csv"
    by_id = {item.id: item for item in plan.resources}
    book = by_id["deep-learning-book"]
    assert (book.status, book.tags, book.comment) == ("reading", ["book", "theory"], "Read parts 1 and 2")
    assert book.model_extra == {"rating": "5"}  # a column tracker does not know is kept
    assert by_id["mathematics-for-machine-learning"].tags == ["book", "math"]
    assert content.skipped[0].reason == "status 'someday' is not one I know"


def test_awesome_list_sections_tables_badges_and_anchors():
    fmt, content, plan = imported("awesome-list.md")
    assert fmt == "markdown"
    assert plan.counts() == {"added": 10, "merged": 1, "skipped": 0}
    by_id = {item.id: item for item in plan.resources}
    attention = by_id["attention-is-all-you-need"]
    assert attention.published == dt.date(2017, 6, 12)  # the Date column
    assert attention.category == "Milestone Papers"
    assert "Institute: Google" in attention.comment and "Badge" not in attention.comment
    assert [(link.label, link.url) for link in attention.links] == [
        ("code", "https://github.com/tensorflow/tensor2tensor")  # the Code column's link, kept as the paper's code
    ]
    assert "Date: 2018-06" in by_id["improving-language-understanding-by-generative-pre-training"].comment
    zero = by_id["neural-networks-zero-to-hero"]
    assert zero.tags == ["courses", "university-courses", "video-lectures"]  # headings, then the parent item
    assert by_id["dive-into-deep-learning"].category == "Books"  # :books: shortcode dropped
    assert by_id["llama-cpp"].title == "llama.cpp"  # a name with a dot is not an address
    urls = {item.url for item in plan.resources}
    assert not any("shields.io" in url or "awesome.re" in url or url.startswith("#") for url in urls)
    assert "https://docs.github.com/en/pull-requests" not in urls  # the Contributing section is not content
    reasons = {(s.origin, s.reason) for s in content.skipped}
    assert {("awesome-list.md:20", "row without a link"), ("awesome-list.md:35", "relative link"),
            ("awesome-list.md:9", "navigation ('Contents' section)"), ("awesome-list.md:17", "image"),
            ("awesome-list.md:47", "contribution guide ('Contributing' section)"),
            ("awesome-list.md:51", "licence ('License' section)")} <= reasons
    assert len([s for s in content.skipped if s.origin == "awesome-list.md:17"]) == 2  # each badge once


def test_json_and_jsonl(tmp_path):
    array = tmp_path / "items.json"
    array.write_text(
        '[{"url": "https://arxiv.org/abs/1706.03762", "title": "Attention", "status": "done", "tags": ["a"],'
        ' "id": "attention", "authors": ["Ashish Vaswani"]},'
        ' {"url": "https://arxiv.org/pdf/1706.03762v2.pdf", "title": "dup"}, {"title": "no url"}, 3]'
    )
    fmt, content, plan = imported(str(array))
    assert fmt == "json"
    assert [item.id for item in plan.resources] == ["attention"]  # the file's id is kept when free
    assert plan.resources[0].authors == ["Ashish Vaswani"]
    assert plan.counts()["merged"] == 1
    assert [s.reason for s in content.skipped] == ["no url", "not an object"]
    lines = tmp_path / "items.jsonl"
    lines.write_text('{"url": "https://example.org/a", "status": "nope"}\n\n{broken\n{"url": "https://example.org/b"}\n')
    fmt, content, plan = imported(str(lines))
    assert fmt == "jsonl"
    assert [item.url for item in plan.resources] == ["https://example.org/b"]
    assert [s.origin for s in content.skipped] == ["items.jsonl:1", "items.jsonl:3"]
    broken = tmp_path / "broken.json"
    broken.write_text('[{"url": ]')
    with pytest.raises(DataError, match=r"broken.json:1: not valid JSON"):
        read_import_file(broken)


def test_duplicates_of_existing_items_are_reported_not_added():
    existing = [Resource(id="attention", url="https://arxiv.org/abs/1706.03762", title="Attention")]
    found = [
        FoundItem(url="http://ARXIV.org/pdf/1706.03762v7", title="pdf", origin="f:1"),
        FoundItem(url="https://example.org/attention", title="Attention", origin="f:2"),
    ]
    plan = plan_import(found, existing)
    assert [(o.action, o.item_id, o.reason) for o in plan.outcomes] == [
        ("merged", "attention", "already in the list"),
        ("added", "attention-2", ""),  # the id is taken, so the new item is numbered
    ]


def test_guess_format_by_content_then_suffix(tmp_path):
    assert guess_format(Path("x.txt"), "<!DOCTYPE NETSCAPE-Bookmark-file-1>") == "netscape"
    assert guess_format(Path("x.txt"), "title,url,time_added,cursor,tags,status\n") == "pocket"
    assert guess_format(Path("x.txt"), '{"url": "a"}\n{"url": "b"}\n') == "jsonl"
    assert guess_format(Path("x.txt"), '{"resources": []}') == "json"
    assert guess_format(Path("x.csv"), "url,title\n") == "csv"
    assert guess_format(Path("notes"), "# Title\n\n- [a](https://a.org)") == "markdown"
    with pytest.raises(DataError, match="pass --format"):
        guess_format(tmp_path / "blob.bin", "\x00\x01")


def test_markdown_inline_parsing_edge_cases():
    assert split_row("| a | b \\| c | `x|y` |") == ["a", "b | c", "`x|y`"]
    assert split_row("| a | b") == ["a", "b"]
    links = find_links("[![badge](https://img.shields.io/x.svg)](https://ci.org) [Wiki (en)](https://en.wikipedia.org/wiki/A_(b)) <https://auto.org> https://bare.org/x.")
    assert [(link.url, link.image) for link in links] == [
        ("https://ci.org", True),
        ("https://en.wikipedia.org/wiki/A_(b)", False),
        ("https://auto.org", False),
        ("https://bare.org/x", False),
    ]


def test_safari_and_linkding_bookmarks():
    fmt, _, plan = imported("safari-bookmarks.html")
    assert fmt == "netscape"
    tags = {item.url: item.tags for item in plan.resources}
    assert tags == {
        "https://www.deeplearningbook.org/": [],  # Favorites: a container
        "https://arxiv.org/abs/2106.09685": ["papers"],
        "https://bbycroft.net/llm": [],  # Safari's Reading List: a container too
    }
    fmt, _, plan = imported("linkding-export.html")
    survey, visual = plan.resources
    assert survey.tags == ["mlops", "survey"] and survey.comment == "Chip Huyen's survey of the AI stack."
    assert survey.added == dt.date(2024, 3, 14) and survey.status == "inbox"
    assert visual.comment is None and visual.tags == ["visual"]


def test_readable_titles_for_entries_without_one():
    from tracker.urls import readable_title_from_url

    assert readable_title_from_url("https://huyenchip.com/ml-interviews-book/") == "ML interviews book (huyenchip.com)"
    assert readable_title_from_url("https://github.com/VikParuchuri/zero_to_gpt") == "Zero to GPT (github.com)"
    assert readable_title_from_url("https://www.example.org/") == "example.org"


@pytest.mark.parametrize(
    ("value", "whole", "expected"),
    [
        ("1700000000", False, dt.date(2023, 11, 14)),  # Pocket time_added, Netscape ADD_DATE (seconds)
        ("946684800", False, dt.date(2000, 1, 1)),  # nine digits: before September 2001
        ("1700000000123", False, dt.date(2023, 11, 14)),  # milliseconds
        (1700000000, False, dt.date(2023, 11, 14)),
        ("2024-03-14T10:00:00Z", False, dt.date(2024, 3, 14)),
        ("2030-01-02", False, dt.date(2030, 1, 2)),  # a file's own date is kept even in the future
        ("March 14, 2024", True, dt.date(2024, 3, 14)),
        ("14.03.2024", True, dt.date(2024, 3, 14)),
        ("2024-03-14 (v2)", True, None),  # a table cell with more than a date stays text
        ("2024-03", True, None),
        ("", False, None),
        ("99999999999999999999", False, None),
    ],
)
def test_import_dates_share_one_parser(value, whole, expected):
    from tracker.web.meta.dates import parse_day

    assert parse_day(value, whole=whole) == expected


def test_bookmark_markup_edge_cases(tmp_path):
    """Single quotes, unquoted values, ">" inside a quoted value, entities, a title over two lines, comments."""
    source = tmp_path / "odd.html"
    source.write_text(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
        "<DL><p><DT><H3>Tools &amp; <b>Things</b></H3>\n"
        "<DL><p><DT><A HREF='https://a.example/x?a=1&amp;b=2' TAGS=foo,bar ADD_DATE=1700000000>A &lt;b&gt; title\n"
        " over lines</A>\n"
        "<DD>Some &quot;desc&quot;\n more <i>x</i>\n"
        '<DT><A HREF="https://b.example/" DATA-X="a>b">B</A><DT><A HREF="ftp://c.example/">C</A>\n'
        '<!-- <DT><A HREF="https://hidden.example/">hidden</A> -->\n'
        '<DT><A href="https://c.example/" status="done" id="cee">Cee</a>\n'
        "</DL><p>\n</DL><p>\n",
        encoding="utf-8",
    )
    fmt, content = read_import_file(source)
    assert fmt == "netscape"
    first, second, third = content.found
    assert (first.url, first.title, first.origin) == ("https://a.example/x?a=1&b=2", "A <b> title over lines", "odd.html:4")
    assert first.tags == ["tools-things", "foo", "bar"] and first.category == "Tools & Things"
    assert first.added == dt.date(2023, 11, 14) and first.comment == 'Some "desc" more x'
    assert (second.url, second.title, second.origin) == ("https://b.example/", "B", "odd.html:7")
    assert (third.url, third.status, third.preferred_id) == ("https://c.example/", "done", "cee")
    assert [(s.origin, s.text) for s in content.skipped] == [("odd.html:7", "C")]
