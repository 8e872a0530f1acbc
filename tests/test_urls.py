"""tracker.urls: the one dedupe key, and the small URL facts other modules share."""

from __future__ import annotations

import pytest

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
