"""The extractor on small pages written for these tests: field rules, site helpers, cleaning, charsets."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.metadata_support import FIXTURES
from tracker.cli import cli
from tracker.web.http.charset import decode_html
from tracker.web.meta.dates import date_from_url, parse_date
from tracker.web.meta.lookup import pdf_metadata
from tracker.web.meta.metadata import extract_metadata, split_authors, strip_site_suffix
from tracker.web.meta.sites import fetch_url_for, metadata_from_url
from tracker.web.meta.text import clean_text


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_arxiv_page_gives_all_authors_first_last_v1_date_and_abstract():
    meta = extract_metadata(fixture("arxiv_abs.html"), "https://arxiv.org/abs/2101.00001v2")
    assert meta.title == "Sparse Mixtures of Tiny Experts"
    assert meta.authors == ["Ada Lovelace", "Alan M. Turing", "Grace Hopper"]
    assert meta.published == "2021-01-02"  # v1, not the v2 online date
    assert meta.description == "We route tokens to tiny experts and find that it works. Surprisingly well."
    assert meta.kind == "paper"


def test_youtube_page_channel_is_author_and_upload_date_is_published():
    meta = extract_metadata(fixture("youtube_watch.html"), "https://www.youtube.com/watch?v=abcDEF12345")
    assert meta.title == "Backprop from scratch, live"
    assert meta.authors == ["Tiny Grad School"]
    assert meta.published == "2023-05-06"
    assert (meta.kind, meta.site) == ("video", "YouTube")


def test_github_repo_title_is_owner_slash_repo_with_about_text():
    meta = extract_metadata(fixture("github_repo.html"), "https://github.com/tinyorg/microgpt")
    assert meta.title == "tinyorg/microgpt"
    assert meta.description == "A GPT in 300 lines of numpy, for learning."
    assert meta.authors == ["tinyorg"]
    assert (meta.kind, meta.site) == ("repo", "GitHub")


def test_blog_post_jsonld_graph_published_not_modified_and_urls_absolute():
    meta = extract_metadata(fixture("blog_post.html"), "https://garden.example/posts/why-layer-norm-works/")
    assert meta.title == "Why Layer Norm Works"
    assert meta.authors == ["Jane Q. Writer"]  # resolved through the @graph @id reference
    assert meta.published == "2024-02-10"
    assert meta.site == "Gradient Garden"
    assert meta.description == "A short tour of layer normalisation & what it buys a transformer."
    assert meta.canonical_url == "https://garden.example/posts/why-layer-norm-works/"
    assert meta.image == "https://garden.example/img/layernorm.png"
    assert meta.lang == "en-gb"
    assert meta.kind == "article"


def test_plain_page_falls_back_to_title_tag_byline_and_visible_date():
    meta = extract_metadata(fixture("plain_page.html"), "https://bytenotes.example/tokenizers")
    assert meta.title == "Tokenizers explained"  # " | Byte Notes" dropped
    assert meta.site == "Byte Notes"
    assert meta.authors == ["Sam Example"]
    assert meta.published == "2022-03-03"
    assert meta.description.startswith("Byte-pair encoding merges")


def test_html_in_title_is_reduced_to_text():
    meta = extract_metadata(fixture("html_in_title.html"), "https://x.example/")
    assert meta.title == "Attention really is [bold]all[/bold] you need"


def test_meta_command_prints_markup_in_titles_literally(tmp_path):
    result = CliRunner().invoke(cli, ["meta", str(FIXTURES / "html_in_title.html"), "--url", "https://x.example/"])
    assert result.exit_code == 0, result.output
    assert "[bold]all[/bold]" in result.output  # rich did not interpret it
    assert "<script>" not in result.output


def test_meta_command_json_and_batch(tmp_path):
    runner = CliRunner()
    one = runner.invoke(cli, ["meta", str(FIXTURES / "arxiv_abs.html"), "--url", "https://arxiv.org/abs/2101.00001",
                              "--json"])
    assert one.exit_code == 0, one.output
    assert json.loads(one.output)["authors"][0] == "Ada Lovelace"
    manifest = tmp_path / "pages.jsonl"
    manifest.write_text(
        json.dumps({"id": "a", "html": str(FIXTURES / "blog_post.html"), "url": "https://garden.example/p/"}) + "\n"
        + json.dumps({"id": "b", "html": str(tmp_path / "missing.html"), "url": "https://x.example/"}) + "\n"
    )
    batch = runner.invoke(cli, ["meta", "--batch", str(manifest)])
    assert batch.exit_code == 0, batch.output
    rows = [json.loads(line) for line in batch.output.splitlines()]
    assert rows[0]["id"] == "a" and rows[0]["published"] == "2024-02-10"
    assert rows[1]["id"] == "b" and "missing.html" in rows[1]["_error"]


def test_meta_command_rejects_missing_file():
    result = CliRunner().invoke(cli, ["meta", "/nonexistent/page.html"])
    assert result.exit_code == 1
    assert "no such file" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-07-09T10:00:00-07:00", "2017-07-09"),
        ("2017/07/09", "2017-07-09"),
        ("Sun, 09 Jul 2017 10:00:00 GMT", "2017-07-09"),
        ("July 9th, 2017", "2017-07-09"),
        ("9. Juli 2017", "2017-07-09"),
        ("2012 Nov 26", "2012-11-26"),
        ("09.07.2017", "2017-07-09"),
        ("1499594400", "2017-07-09"),
        ("yesterday", None),
        ("2017-13-45", None),
    ],
)
def test_parse_date_formats(text, expected):
    assert parse_date(text) == expected


def test_date_from_url():
    assert date_from_url("https://blog.example/2016/12/23/post") == "2016-12-23"
    assert date_from_url("https://blog.example/posts/12345") is None


def test_author_names_are_split_and_flipped():
    assert split_authors("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]
    assert split_authors("Doe, Jane") == ["Jane Doe"]
    assert split_authors("Ada Lovelace, Alan Turing, Grace Hopper") == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert split_authors("https://example.com/jane") == []


def test_site_suffix_stripping_keeps_titles_with_separators():
    assert strip_site_suffix("A | B: a study | Example News", "Example News", "example.com") == "A | B: a study"
    assert strip_site_suffix("Post title - Example", None, "example.com") == "Post title"
    assert strip_site_suffix("Before - after", None, "other.org") == "Before - after"


def test_clean_text_decodes_entities_and_whitespace():
    assert clean_text("  Caf&eacute;&amp;amp;\n\t bar ") == "Café& bar"


def test_url_knowledge_without_fetching():
    paper = metadata_from_url("https://arxiv.org/pdf/1706.03762v5.pdf")
    assert (paper.kind, paper.canonical_url) == ("paper", "https://arxiv.org/abs/1706.03762")
    assert fetch_url_for("https://arxiv.org/pdf/1706.03762v5") == "https://arxiv.org/abs/1706.03762"
    video = metadata_from_url("https://youtu.be/abcDEF12345")
    assert (video.kind, video.site) == ("video", "YouTube")
    assert video.canonical_url == "https://www.youtube.com/watch?v=abcDEF12345"
    repo = metadata_from_url("https://github.com/karpathy/nanoGPT/tree/master")
    assert (repo.title, repo.authors, repo.kind) == ("karpathy/nanoGPT", ["karpathy"], "repo")


def test_pdf_title_and_author_from_info_dictionary():
    meta = pdf_metadata(fixture("paper.pdf"), "https://x.example/paper.pdf")
    assert meta.title == "Scaling Laws for Tiny Models (draft)"
    assert meta.authors == ["Grace Hopper"]
    assert meta.kind == "pdf"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<title>café</title>".encode("cp1252"), "text/html; charset=utf-8"),  # wrong header
        ("<title>café</title>".encode(), "text/html; charset=iso-8859-1"),  # UTF-8 sent as Latin-1
        ('<meta charset="windows-1252"><title>café</title>'.encode("cp1252"), "text/html"),
        ("<title>café</title>".encode("cp1252"), None),  # no charset anywhere
        ("\ufeff<title>café</title>".encode("utf-16-le"), "text/html"),
    ],
)
def test_charset_from_header_meta_or_detection(body, content_type):
    assert "café" in decode_html(body, content_type)


def test_empty_and_garbage_pages_do_not_raise():
    assert extract_metadata(b"", "https://x.example/a-post").title == "A post (x.example)"
    assert extract_metadata(b"\x00\x01\x02 not html", "https://x.example/").url == "https://x.example/"
    broken = b"<html><head><script type='application/ld+json'>{not json</script><title>T</title>"
    assert extract_metadata(broken, "https://x.example/").title == "T"


def test_site_named_author_is_only_a_last_resort():
    html = b"""<html><head><meta property="og:site_name" content="Daily Example">
    <meta name="author" content="Daily Example"><title>A story</title></head><body>
    <span itemprop="author">Autor/in: Korinna Beispiel</span></body></html>"""
    assert extract_metadata(html, "https://daily.example/story").authors == ["Korinna Beispiel"]
    only_site = b'<html><head><meta property="og:site_name" content="Daily Example"><meta name="author" content="Daily Example"></head></html>'
    assert extract_metadata(only_site, "https://daily.example/story").authors == ["Daily Example"]


def test_bylines_in_reader_comments_are_ignored():
    html = b"""<html><head><title>Post</title></head><body><article><p>Text of the post.</p></article>
    <div id="comments"><div class="comment"><span class="comment-author">By Random Reader</span>
    <time datetime="2020-01-01">Jan 1, 2020</time></div></div>
    <p class="post-meta">by <a rel="author" href="/u/kim">Kim Writer</a></p></body></html>"""
    meta = extract_metadata(html, "https://blog.example/post")
    assert meta.authors == ["Kim Writer"]
    assert meta.published is None


def test_utf8_bytes_win_over_a_wrong_meta_charset_and_a_cut_last_character():
    html = '<html><head><meta charset="iso-8859-1"><title>Transformers für Anfänger ü</title></head></html>'
    data = html.encode("utf-8")
    assert extract_metadata(data, "https://x.example/").title == "Transformers für Anfänger ü"
    latin = '<html><head><meta charset="iso-8859-1"><title>Café</title></head></html>'.encode("latin-1")
    assert extract_metadata(latin, "https://x.example/").title == "Café"
    cut = "<html><head><title>Ünïcode</title></head><body>é".encode()[:-1]
    assert extract_metadata(cut, "https://x.example/").title == "Ünïcode"


def test_unclassed_by_line_and_german_date_element():
    html = """<html><head><title>Aufmerksamkeit erklärt</title></head><body><article>
    <h1>Aufmerksamkeit erklärt</h1><p>Von <a href="/autoren/max">Max Mustermann</a></p>
    <div class="artikel-datum">12. Juli 2017, 10:35 Uhr</div><p>Ein langer Absatz über Attention.</p>
    </article></body></html>""".encode()
    meta = extract_metadata(html, "https://zeitung.example/artikel")
    assert meta.authors == ["Max Mustermann"]
    assert meta.published == "2017-07-12"


def test_modified_date_only_when_nothing_says_published():
    html = b"""<html><head><meta property="og:updated_time" content="2024-06-01T00:00:00Z">
    <title>T</title></head><body><p class="post-date">March 3, 2022</p></body></html>"""
    assert extract_metadata(html, "https://x.example/p").published == "2022-03-03"
    only_modified = b'<html><head><meta property="og:updated_time" content="2024-06-01T00:00:00Z"></head></html>'
    assert extract_metadata(only_modified, "https://x.example/p").published == "2024-06-01"


def test_structured_title_loses_a_leading_site_name_but_keeps_a_trailing_one():
    lead = b"""<html><head><meta property="og:site_name" content="Frontier Notes">
    <meta property="og:title" content="Frontier Notes | Using Bayes on small data"></head></html>"""
    assert extract_metadata(lead, "https://notes.example/p").title == "Using Bayes on small data"
    trail = b"""<html><head><meta property="og:site_name" content="TechNews">
    <meta property="og:title" content="Startup raises money | TechNews"></head></html>"""
    assert extract_metadata(trail, "https://technews.example/p").title == "Startup raises money | TechNews"


def test_docs_pages_drop_the_documentation_suffix_and_are_kind_docs():
    html = """<html lang="en"><head><title>Quickstart — tinylib 0.3 documentation</title></head>
    <body><div role="main"><h1>Quickstart</h1><p>Install it with pip and import it in two lines.</p></div>
    </body></html>""".encode()
    meta = extract_metadata(html, "https://tinylib.readthedocs.io/en/latest/quickstart.html")
    assert meta.title == "Quickstart"
    assert meta.site == "tinylib 0.3 documentation"
    assert meta.kind == "docs"


def test_date_near_the_top_of_the_article_text():
    html = b"""<html><head><title>Notiz</title></head><body><nav>Archiv 01.01.2015</nav><article>
    <h1>Notiz</h1><p>Stand: 12.07.2017, 10:35 Uhr</p><p>Mehr dazu am 3. August 2019.</p></article></body></html>"""
    assert extract_metadata(html, "https://x.example/notiz").published == "2017-07-12"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Posted on March 3, 2022 - updated 2023-01-01", "2022-03-03"), ("no date here", None),
     ("12. Juli 2017 and 2018-01-01", "2017-07-12")],
)
def test_first_date_in_text(text, expected):
    from tracker.web.meta.dates import first_date_in_text

    assert first_date_in_text(text) == expected


def test_author_page_link_is_a_late_author_source():
    html = b"""<html><head><title>Post</title></head><body><article><h1>Post</h1>
    <div class="meta"><a href="/author/jane-roe/">Jane Roe</a> wrote this.</div><p>Body text.</p></article></body></html>"""
    assert extract_metadata(html, "https://blog.example/post").authors == ["Jane Roe"]


def test_leading_title_segment_is_dropped_only_when_it_is_the_site():
    assert strip_site_suffix("Python tips - 10 tricks", None, "python.org") == "Python tips - 10 tricks"
    assert strip_site_suffix("Python - Release notes", None, "python.org") == "Release notes"
