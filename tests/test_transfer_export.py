"""Exports: each format, the round trips back through the importers, the --into README update, BibTeX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.errors import DataError
from tracker.exporters import export_document
from tracker.exporters.markdown import update_into
from tracker.importers import read_import_file
from tracker.importers.merge_content import combine
from tracker.models import Document, Resource, Status

SEED = Path(__file__).resolve().parent / "fixtures" / "transfer" / "LLM-FastTrack-README.md"
FIELDS = ("id", "url", "title", "status", "category", "tags", "topic", "comment", "added")


@pytest.fixture(scope="module")
def seed_document() -> Document:
    _, content = read_import_file(SEED)
    result = combine(Document(), content)
    resources = list(result.plan.resources)
    # Give a few items the fields the seed lacks so the round trips carry them too.
    resources[0] = resources[0].model_copy(update={"added": dt.date(2024, 3, 14), "tags": ["career", "a|b"]})
    resources[1] = resources[1].model_copy(update={"status": Status.DONE, "comment": 'Quotes "inside", commas'})
    return Document(resources=resources, advice=result.advice, glossary=result.glossary, topics=result.topics)


def fields_of(items: list[Resource], fields=FIELDS) -> list[tuple]:
    return [tuple(str(getattr(item, name)) for name in fields) for item in items]


@pytest.mark.parametrize(("fmt", "suffix"), [("json", "json"), ("csv", "csv"), ("netscape", "html")])
def test_round_trip_into_an_empty_list_gives_the_same_items(tmp_path, seed_document, fmt, suffix):
    exported = tmp_path / f"list.{suffix}"
    exported.write_text(export_document(seed_document, fmt), encoding="utf-8")
    used, content = read_import_file(exported)
    assert used == fmt
    result = combine(Document(), content)
    assert result.plan.counts() == {"added": 62, "merged": 0, "skipped": 0}
    expected = fields_of(seed_document.resources)
    assert fields_of(result.plan.resources) == expected


def test_markdown_round_trip_in_the_seed_layout(tmp_path, seed_document):
    text = export_document(seed_document, "markdown")
    assert "**Next Up:**" in text and "**Inbox:**" in text and "**Done:**" in text
    assert "| Category | Advice | Source |" in text and "| Keyword | Explanation | Links |" in text
    exported = tmp_path / "README.md"
    exported.write_text(text, encoding="utf-8")
    _, content = read_import_file(exported)
    result = combine(Document(), content)
    fields = ("url", "title", "status", "comment")
    assert sorted(fields_of(result.plan.resources, fields)) == sorted(fields_of(seed_document.resources, fields))
    assert [a.model_dump() for a in result.advice] == [a.model_dump() for a in seed_document.advice]
    assert [t.model_dump() for t in result.glossary] == [t.model_dump() for t in seed_document.glossary]


def test_status_filter(seed_document):
    text = export_document(seed_document, "json", (Status.NEXT_UP,))
    assert text.count('"status": "next-up"') == 2 and text.count('"id"') == 2


def test_into_replaces_only_the_marked_sections(seed_document):
    readme = (
        "# My README\n\nHand-written intro.\n\n<!-- tracker:reading-list:start -->\nold list\n"
        "<!-- tracker:reading-list:end -->\n\n## Footer\n\nKeep me.\n"
    )
    updated = update_into(readme, seed_document)
    assert updated.startswith("# My README\n\nHand-written intro.\n\n<!-- tracker:reading-list:start -->\n# Reading List")
    assert updated.endswith("<!-- tracker:reading-list:end -->\n\n## Footer\n\nKeep me.\n")
    assert "old list" not in updated and "# Advice" not in updated  # no advice markers: no advice section
    assert update_into(updated, seed_document) == updated  # idempotent
    with pytest.raises(DataError, match="README.md: no tracker markers found"):
        update_into("# Nothing here\n", seed_document)
    with pytest.raises(DataError, match="start marker without an end marker"):
        update_into("<!-- tracker:advice:start -->\n", seed_document)


def test_bibtex_for_arxiv_papers():
    document = Document(
        resources=[
            Resource(id="attention", url="https://arxiv.org/pdf/1706.03762v7.pdf", title="Attention Is All You Need",
                     authors=["Ashish Vaswani", "Noam Shazeer"]),
            Resource(id="gpt2", url="https://cdn.openai.com/x/language_models.pdf", title="GPT-2 & friends_1",
                     published=dt.date(2019, 2, 14)),
            Resource(id="video", url="https://www.youtube.com/watch?v=abc", title="A video"),
        ]
    )
    text = export_document(document, "bibtex")
    assert "@article{vaswani2017attention," in text
    assert "author = {Ashish Vaswani and Noam Shazeer}" in text
    assert "year = {2017}" in text and "eprint = {1706.03762}" in text and "archivePrefix = {arXiv}" in text
    assert "@misc{gpt2," in text and r"GPT-2 \& friends\_1" in text and "year = {2019}" in text
    assert "A video" not in text


def test_bibtex_holds_papers_only_and_says_what_it_left_out(project, invoke):
    """A fetched blog post has kind "article" (the web's word for any page with an author): not a paper."""
    document = Document(
        resources=[
            Resource(id="blog", url="https://lilianweng.github.io/posts/attention/", title="Attention? Attention!",
                     kind="article", category="article"),
            Resource(id="acl", url="https://aclanthology.org/N19-1423/", title="BERT"),
            Resource(id="marked", url="https://example.org/report", title="A report", tags=["paper"]),
            Resource(id="explainer", url="https://example.org/mamba-explained", title="Mamba explained",
                     links=[{"label": "paper", "url": "https://arxiv.org/abs/2312.00752"}]),
        ]
    )
    text = export_document(document, "bibtex")
    assert [line.split("{")[0] for line in text.splitlines() if line.startswith("@")] == ["@misc", "@misc", "@article"]
    assert "Attention? Attention!" not in text and "eprint = {2312.00752}" in text
    result = invoke("export", "--format", "bibtex")
    assert "Note: bibtex holds papers only:" in result.stderr


def test_export_names_the_fields_markdown_cannot_hold(project, invoke):
    result = invoke("export", "--format", "markdown")
    assert "Note: markdown cannot hold: " in result.stderr and "tags (" in result.stderr
    assert "Note:" not in invoke("export", "--format", "json").stderr
