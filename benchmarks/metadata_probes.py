"""Fallback probes: how the extractor does on pages that state less, as unseen pages often do.

    python benchmarks/metadata_probes.py [--bench-dir ../shared/bench/metadata] [-v]

Each probe takes away the structured sources of one field and scores what the visible page alone gives, on
every corpus page whose reference asserts that field:

- title: from the ``<title>`` tag only (no og:title, JSON-LD, citation tags): does the site's name come off,
  and only it? The reference headline is the asserted title without a segment that is the asserted publisher
  or the site name (so "Post | Site" and "Post" both count as "Post").
- author: from the visible byline only (classed bylines, "By ..." lines, author-page links).
- date: from the URL and the visible page only (``<time>``, date-classed elements, the byline's block, the
  top of the article).

The pages' structured data is what the main benchmark scores; these probes test the general rules with 130-150
real pages each, none of which a probe's rules were fitted to as a whole.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cases(corpus: Path, field: str):
    from tracker.web.meta.page import Page, parse_html

    for expected_file in sorted(corpus.glob("*/expected.json")):
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        if not expected.get(field) or expected.get("_match", {}).get(field):
            continue
        root, text = parse_html((expected_file.parent / "page.html").read_bytes())
        if root is not None:
            yield expected_file.parent.name, expected, Page(root, expected.get("url", ""), text)


def title_probe(corpus: Path, ntext, verbose: bool) -> dict[str, int]:
    from tracker.urls import site_host
    from tracker.web.meta import metadata, titles

    counts = {"right": 0, "site left on": 0, "cut too much": 0, "other": 0}
    for case, expected, page in _cases(corpus, "title"):
        tag = titles.title_tag(page)
        if not tag:
            continue
        site = metadata._site(page)
        got = titles.title_from_tag(page, tag, site, site_host(page.url))
        parts = titles.TITLE_SEPARATORS.split(expected["title"])
        names = {ntext(name) for name in (expected.get("publisher"), site) if name}
        while len(parts) > 1 and ntext(parts[-1]) in names:
            parts.pop()
        while len(parts) > 1 and ntext(parts[0]) in names:
            parts.pop(0)
        want = re.sub(r"\W+", "", ntext(" ".join(parts)))
        have = re.sub(r"\W+", "", ntext(got))
        verdict = ("right" if have == want else "site left on" if want and want in have
                   else "cut too much" if have and have in want else "other")
        counts[verdict] += 1
        if verbose and verdict != "right":
            print(f"  title  {verdict:13} {case[:34]:34} {tag[:60]!r} -> {got[:50]!r}")
    return counts


def author_probe(corpus: Path, match_field, verbose: bool) -> dict[str, int]:
    from tracker.web.meta import authors, metadata

    def visible_only(page):
        yield authors._byline_names(page), False
        yield authors._by_line_text(page), False
        yield authors._author_page_link(page), False

    counts = {"right": 0, "wrong": 0, "none": 0}
    original = authors._author_sources
    authors._author_sources = visible_only
    try:
        for case, expected, page in _cases(corpus, "author"):
            got = authors.page_authors(page, metadata._site(page))
            verdict = "none" if not got else "right" if match_field("author", expected["author"], got) else "wrong"
            counts[verdict] += 1
            if verbose and verdict == "wrong":
                print(f"  author {verdict:13} {case[:34]:34} {got}")
    finally:
        authors._author_sources = original
    return counts


def date_probe(corpus: Path, match_field, verbose: bool) -> dict[str, int]:
    from tracker.web.meta import metadata

    counts = {"right": 0, "wrong": 0, "none": 0}
    for case, expected, page in _cases(corpus, "date"):
        got = (metadata.date_from_url(page.url) or metadata._visible_date(page)
               or metadata._embedded_json_date(page.text) or metadata._date_near_byline(page)
               or metadata._date_near_top(page))
        verdict = "none" if not got else "right" if match_field("date", expected["date"], got) else "wrong"
        counts[verdict] += 1
        if verbose and verdict == "wrong":
            print(f"  date   {verdict:13} {case[:34]:34} {got}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-dir", default=str(ROOT.parent.parent / "shared" / "bench" / "metadata"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    bench = Path(args.bench_dir)
    sys.path.insert(0, str(bench))
    from score import match_field, ntext  # the benchmark's own normalisation and matching

    corpus = bench / "corpus"
    for name, counts in (("title from <title> only", title_probe(corpus, ntext, args.verbose)),
                         ("author from the visible byline only", author_probe(corpus, match_field, args.verbose)),
                         ("date from the URL and visible page only", date_probe(corpus, match_field, args.verbose))):
        total = sum(counts.values())
        shown = ", ".join(f"{key} {value}" for key, value in counts.items())
        print(f"{name:42} {counts['right']}/{total} = {counts['right'] / total:.1%}   ({shown})")


if __name__ == "__main__":
    main()
