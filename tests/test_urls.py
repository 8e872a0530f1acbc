"""tracker.urls: the one dedupe key, and the small URL facts other modules share."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.urls import identity_key, names_pdf, site_host


@pytest.mark.parametrize(
    "variants",
    [
        ["https://arxiv.org/abs/1706.03762", "http://arxiv.org/abs/1706.03762v5", "https://arxiv.org/pdf/1706.03762v2.pdf",
         "https://www.arxiv.org/pdf/1706.03762"],
        ["https://www.youtube.com/watch?v=abcDEF12345&t=10s", "https://youtu.be/abcDEF12345",
         "https://m.youtube.com/shorts/abcDEF12345"],
        ["https://Example.org:443/a/b/?utm_source=x&b=2&a=1#frag", "http://www.example.org/a/b?a=1&b=2&fbclid=z",
         "https://example.org//a/b/index.html?a=1&b=2"],
    ],
)
def test_one_key_for_every_spelling_of_a_page(variants):
    assert len({identity_key(url) for url in variants}) == 1


def test_different_pages_keep_different_keys():
    assert identity_key("https://example.org/a?page=2") != identity_key("https://example.org/a?page=3")
    assert identity_key("https://example.org:8080/a") != identity_key("https://example.org/a")
    assert identity_key("https://arxiv.org/abs/1706.03762") != identity_key("https://arxiv.org/abs/1706.03763")


def test_site_host_and_names_pdf():
    assert site_host("https://WWW.GitHub.com/karpathy/micrograd") == "github.com"
    assert site_host("not a url") == ""
    assert names_pdf("https://example.org/paper.PDF?download=1")
    assert not names_pdf("https://example.org/pdf/viewer")


def test_an_internationalised_host_is_one_item_in_either_spelling():
    from tracker.urls import identity_key

    assert identity_key("https://bücher.example/p") == identity_key("https://xn--bcher-kva.example/p")
    assert identity_key("https://BÜCHER.example/p/") == identity_key("https://www.xn--bcher-kva.example/p")
    assert identity_key("https://пример.рф/") == "https://xn--e1afmkfd.xn--p1ai"


@pytest.mark.parametrize(
    ("url", "title", "slug"),
    [
        ("https://bücher.example/p", None, "p-bucher-example"),
        ("https://xn--bcher-kva.example/p", None, "p-bucher-example"),
        ("https://пример.рф/", None, "primer-rf"),
        ("https://例子.中国/", None, "xn-fsqu00a-xn-fiqs8s"),
        ("https://ru.wikipedia.org/wiki/%D0%9F%D1%80%D0%B8%D0%BC%D0%B5%D1%80", None, "primer-ru-wikipedia-org"),
        ("https://x.example/a", "Пример статьи", "primer-stati"),
        ("https://x.example/a", "Ελληνικά νέα", "ellinika-nea"),
    ],
)
def test_ids_of_internationalised_urls_and_titles_are_readable(url, title, slug):
    from tracker.reading_list import base_slug

    assert base_slug(title, url) == slug


def test_add_refuses_the_same_idn_page_in_its_other_spelling(project, invoke):
    first = invoke("add", "https://bücher.example/p")
    assert first.exit_code == 0 and first.output.strip() == "p-bucher-example"
    from click.testing import CliRunner

    from tracker.cli import cli

    again = CliRunner().invoke(cli, ["add", "https://xn--bcher-kva.example/p"])
    assert again.exit_code == 1 and "already in the list as 'p-bucher-example'" in again.output


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_host_spellings_never_raise_and_are_stable(name):
    from tracker.urls import ascii_host, display_host, identity_key

    host = ascii_host(name)
    assert ascii_host(host) == host  # one ASCII form
    display_host(host)
    try:
        key = identity_key(f"https://{name}/page")
    except ValueError:  # urlsplit refuses some hosts outright (the URL is refused on add, too)
        return
    assert key == identity_key(key)
