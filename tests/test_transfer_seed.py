"""The seed README (LLM-FastTrack) read by the importer: every section, the merged duplicates, the notes.

The numbers below were counted by reading the README: 7 study-resource rows (1 + 2 + 4), 2 Next Up and 53 Inbox
entries, 3 free training resources and 2 Discord servers = 67 links, of which 5 repeat an earlier one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from tracker.importers import read_import_file
from tracker.importers.merge_content import combine
from tracker.models import Document

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "fixtures" / "transfer" / "LLM-FastTrack-README.md"
SHIPPED_ON = dt.date(2026, 11, 28)  # the day resources.yaml was generated: items' added date


@pytest.fixture(scope="module")
def seed():
    fmt, content = read_import_file(SEED)
    assert fmt == "markdown"
    return content, combine(Document(), content)


def test_every_link_is_found_per_section(seed):
    content, _ = seed
    lines = Counter()
    for item in content.found:
        line = int(item.origin.rsplit(":", 1)[1])
        section = (
            "studyplan" if line < 40 else "pytorch" if line < 200 else "linear-algebra" if line < 400
            else "next-up" if line < 456 else "inbox" if line < 542 else item.tags[0]
        )
        lines[section] += 1
    assert lines == {
        "studyplan": 1, "pytorch": 2, "linear-algebra": 4, "next-up": 2, "inbox": 53,
        "free-ml-training-resources": 3, "discord-servers": 2,
    }


def test_duplicates_merge_into_one_item_each(seed):
    _, result = seed
    plan = result.plan
    assert plan.counts() == {"added": 62, "merged": 5, "skipped": 0}
    merged = {outcome.origin.rsplit(":", 1)[1]: outcome.item_id for outcome in plan.outcomes if outcome.action == "merged"}
    assert merged == {
        "458": "mic-ocw-linear-algebra-fall-2011",  # the same OCW course in a table and in the inbox
        "476": "neural-networks-incl-transformers",  # the playlist with and without &pp=
        "514": "transformer-attention-is-all-you-need",  # arXiv 1706.03762 twice
        "523": "griffin-mixing-gated-linear-recurrences-with-local-attention",  # 2402.19427 under two titles
        "525": "what-are-the-recent-trends-in-machine-learning-deep-learning",  # the same tweet twice
    }
    by_id = {item.id: item for item in plan.resources}
    griffin = by_id["griffin-mixing-gated-linear-recurrences-with-local-attention"]
    assert griffin.title.startswith("Griffin: Mixing Gated")  # the fuller of the two titles
    tweet = by_id["what-are-the-recent-trends-in-machine-learning-deep-learning"]
    assert 'also listed as "CNNs are still widely used"' in tweet.comment
    assert len({item.id for item in plan.resources}) == 62


def test_statuses_categories_topics_and_comments(seed):
    _, result = seed
    by_id = {item.id: item for item in result.plan.resources}
    statuses = Counter(item.status.value for item in result.plan.resources)
    assert statuses == {"next-up": 2, "inbox": 60}
    assert by_id["broadcasting-in-python-c1w2l15"].status == "next-up"
    assert by_id["broadcasting-in-python-c1w2l15"].comment == "YT Video by Andrew Ng"
    vectors = by_id["4-3-vectors-matrices-and-broadcasting"]
    assert (vectors.title, vectors.category, vectors.topic) == ("4.3 Vectors, Matrices, and Broadcasting", "Coding", "1.1")
    assert by_id["mit-ocw-lecture-1-the-geometry-of-linear-equations"].topic == "3.1.1"
    assert by_id["mit-ocw-lecture-2-elimination-with-matrices"].topic == "3.1"
    assert by_id["deep-learning-book"].comment.endswith("**TIP**: Read only the first 2 parts, skip the 3rd.")
    book = by_id["ml-interviews-book-huyenchip-com"]
    assert (book.title, book.url) == ("ML interviews book (huyenchip.com)", "https://huyenchip.com/ml-interviews-book/")
    assert by_id["eleutherai"].category == "Discord Servers"
    assert by_id["eleutherai"].tags == ["discord-servers"]
    assert by_id["google-colaboratory"].tags == ["free-ml-training-resources"]
    assert by_id["efficiently-scaling-transformer-inference"].comment is None


def test_advice_and_glossary(seed):
    _, result = seed
    assert len(result.advice) == 15
    assert Counter(a.category for a in result.advice) == {"Study": 7, "Coding": 1, "Training LLMs": 4, "Impact": 3}
    assert all(a.source and a.source.url for a in result.advice)
    brockman = [a for a in result.advice if a.source.name == "Greg Brockman"]
    assert brockman[0].source.url == "https://twitter.com/gdb/status/1729893902814192096"
    assert brockman[0].text == "It is much easier to learn ML as an SWE than the other way around"
    terms = {term.term: term for term in result.glossary}
    assert list(terms) == [
        "Temperature", "Top P (Nucleus Sampling)", "Top K", "Q (Query)", "K (Key)", "V (Value)",
        "Embeddings", "Tokenizers", "Rankers",
    ]
    assert [len(term.links) for term in terms.values()] == [1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert terms["Temperature"].links[0].title == "Peter Chng"


def test_study_plan_topics(seed):
    _, result = seed
    topics = {topic.id: topic for topic in result.topics}
    assert len(topics) == 53
    assert [t for t in topics if t in {"I", "II", "III", "IV", "V", "VI"}] == ["I", "II", "III", "IV", "V", "VI"]
    assert [t for t in topics if t.startswith("1.1.")] == ["1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5"]
    chapters = [t for t in topics if t.startswith("3.1.")]
    assert len(chapters) == 34 and "3.1.24b" in chapters and "3.1.2" not in chapters
    assert chapters[-3:] == ["3.1.32", "3.1.33", "3.1.34"]
    assert [t for t in topics if t.count(".") == 1] == ["1.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7"]
    assert topics["3.1.24b"].parent == "3.1" and topics["3.1"].parent == "III" and topics["1.1"].parent == "I"
    assert topics["II"].parent is None and topics["II"].number == "II."
    assert topics["1.1.4"].summary.endswith("overfitting, underfitting, and regularization techniques.")
    assert "**Cross-Entropy and KL Divergence**" in topics["3.5"].summary
    assert topics["V"].summary.startswith("- **Introduction to RAG**")


def test_notes_with_question_tables(seed):
    content, result = seed
    notes = {note.draft.slug: note for note in result.notes}
    assert set(notes) == {
        "1-1-1-pytorch-tensors-vs-numpy-arrays", "1-1-pytorch-tensors", "3-1-1-the-geometry-of-linear-equations",
    }
    tensors = notes["1-1-pytorch-tensors"]
    assert tensors.related == ["4-3-vectors-matrices-and-broadcasting", "broadcasting-semantics-in-pytorch"]
    assert tensors.draft.body.count("\n| ") == 8  # header + 7 questions
    geometry = notes["3-1-1-the-geometry-of-linear-equations"]
    assert geometry.draft.topic == "3.1.1"
    assert geometry.draft.body.count("\n| ") == 14  # header + 13 questions
    assert "| Question | Answer |" in geometry.draft.body
    assert "Study Resources" not in geometry.draft.body
    assert [s.text for s in content.skipped] == ["https://pytorch.org/get-started", "https://jupyter.org/install"]


def test_shipped_data_is_the_importers_output(tmp_path):
    """resources.yaml and notes/ at the repo root are byte for byte what importing the seed into a fresh
    ``tracker init`` gives (on the day they were generated), apart from the ``lab:`` lines added afterwards with
    ``tracker edit/glossary edit/topics edit --lab`` (tests/test_lab_links.py checks those links)."""
    from tracker.importers.apply import import_into_store
    from tracker.project import init_project
    from tracker.store import Store

    init_project(tmp_path, commit=False)
    report = import_into_store(Store(tmp_path / "resources.yaml", commit=False), SEED, today=SHIPPED_ON)
    assert report.counts()["added"] == 62
    shipped_text = (REPO / "resources.yaml").read_bytes().decode("utf-8")
    without_links = re.sub(r"(?m)^ +lab: [a-z0-9-]+\n", "", shipped_text)
    assert shipped_text.count("\n  lab: ") >= 50  # the links are there, and only they are removed here
    assert (tmp_path / "resources.yaml").read_bytes() == without_links.encode("utf-8")
    fresh = {path.name: path.read_bytes() for path in (tmp_path / "notes").glob("*.md")}
    shipped = {path.name: path.read_bytes() for path in (REPO / "notes").glob("*.md")}
    assert fresh == shipped


def test_cli_import_of_the_seed_makes_one_commit(project, invoke):
    """Into the conftest's sample list: its arXiv 1706.03762 and Illustrated Transformer are already there."""
    from tests.conftest import commit_count, git

    before = commit_count(project)
    result = invoke("import", str(SEED))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Imported LLM-FastTrack-README.md (markdown): 60 added, 7 merged as duplicate, 2 skipped; "
        "15 advice, 9 terms, 52 topics, 3 notes"
    )
    assert (
        "LLM-FastTrack-README.md:493  The Transformer: Attention is All You Need -> attention-is-all-you-need "
        "(already in the list)"
    ) in result.output
    assert commit_count(project) == before + 1
    message = git(project, "log", "-1", "--format=%s%n%b").strip()
    assert message == ("import: 60 items from LLM-FastTrack-README.md\n"
                       "Also: 15 advice, 9 terms, 52 topics, 3 notes.")
    changed = git(project, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == sorted([
        "resources.yaml", "notes/1-1-1-pytorch-tensors-vs-numpy-arrays.md", "notes/1-1-pytorch-tensors.md",
        "notes/3-1-1-the-geometry-of-linear-equations.md",
    ])
    again = invoke("import", str(SEED), "--dry-run")
    assert "Would import LLM-FastTrack-README.md (markdown): 0 added, 67 merged as duplicate" in again.output
    assert "Already there, left as they are: 15 advice, 9 terms, 53 topics, 3 notes" in again.output
    assert commit_count(project) == before + 1
