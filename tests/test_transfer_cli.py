"""`tracker import` and `tracker export` through the CLI, on a real git repository (conftest's ``project``)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import commit_count, git

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "transfer"


def ids(folder: Path) -> list[str]:
    data = yaml.safe_load((folder / "resources.yaml").read_text(encoding="utf-8"))
    return [item["id"] for item in data["resources"]]


def test_import_bookmarks_one_commit_and_duplicates_of_the_list(project, invoke):
    before = commit_count(project)
    result = invoke("import", str(FIXTURES / "firefox-bookmarks.html"))
    assert result.exit_code == 0, result.output
    # The sample list already holds arXiv 1706.03762 and the Illustrated Transformer.
    assert result.output.splitlines()[0] == (
        "Imported firefox-bookmarks.html (netscape): 2 added, 3 merged as duplicate, 1 skipped"
    )
    assert "firefox-bookmarks.html:28  1706.03762v5.pdf -> attention-is-all-you-need (already in the list)" in result.output
    assert "firefox-bookmarks.html:21  Recently Bookmarked: a browser-internal or script bookmark" in result.output
    assert commit_count(project) == before + 1
    assert git(project, "log", "-1", "--format=%s").strip() == "import: 2 items from firefox-bookmarks.html"
    assert ids(project)[-2:] == ["essence-of-linear-algebra-more", "unreasonable-effectiveness-of-recurrent-neural-networks"]


def test_dry_run_and_json_report_change_nothing(project, invoke):
    before_bytes = (project / "resources.yaml").read_bytes()
    before = commit_count(project)
    result = invoke("import", str(FIXTURES / "pocket-export.csv"), "--dry-run", "--json", "--status", "reading")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["format"] == "pocket" and report["dry_run"] is True
    assert report["counts"]["added"] == 3 and report["counts"]["merged"] == 1 and report["counts"]["skipped"] == 2
    assert {entry["reason"] for entry in report["skipped"]} == {
        "no url", "only http and https URLs are allowed, not 'ftp://example.org/file.txt'",
    }
    assert (project / "resources.yaml").read_bytes() == before_bytes
    assert commit_count(project) == before


def test_status_option_and_awesome_list(project, invoke):
    result = invoke("import", str(FIXTURES / "awesome-list.md"), "--status", "next-up")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((project / "resources.yaml").read_text(encoding="utf-8"))
    new = [item for item in data["resources"] if item["id"] == "stanford-cs324-large-language-models"][0]
    assert new["status"] == "next-up" and new["tags"] == ["courses", "university-courses"]
    assert "# a comment between items" in (project / "resources.yaml").read_text()  # the surgical write kept it


def test_bad_file_is_one_line_and_nothing_written(project, invoke, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"url": ')
    before_bytes = (project / "resources.yaml").read_bytes()
    from click.testing import CliRunner

    from tracker.cli import cli

    result = CliRunner().invoke(cli, ["import", str(broken)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: broken.json:1: not valid JSON")
    assert (project / "resources.yaml").read_bytes() == before_bytes
    usage = CliRunner().invoke(cli, ["import", str(broken), "--format", "yaml"])
    assert usage.exit_code == 2


def test_export_then_import_into_an_empty_list_round_trips(project, invoke, tmp_path):
    exported = tmp_path / "list.json"
    assert invoke("export", "--format", "json", "-o", str(exported)).exit_code == 0
    fresh = tmp_path / "fresh"
    assert invoke("init", str(fresh)).exit_code == 0
    result = invoke("--file", str(fresh / "resources.yaml"), "import", str(exported))
    assert result.exit_code == 0, result.output
    original = yaml.safe_load((project / "resources.yaml").read_text())["resources"]
    copied = yaml.safe_load((fresh / "resources.yaml").read_text())["resources"]
    # Every field, including the hand-added my_rating (and no status date that only repeats the added one).
    assert copied == original


def test_export_formats_and_into(project, invoke, tmp_path):
    bib = invoke("export", "--format", "bibtex")
    assert "@article{attention-is-all-you-need," in bib.output and "eprint = {1706.03762}" in bib.output
    assert "micrograd" not in bib.output  # a repository is not a paper
    csv_text = invoke("export", "--format", "csv", "--status", "inbox").output
    assert csv_text.splitlines()[0].startswith("id,url,title,status,")
    assert len(csv_text.splitlines()) == 2
    html = invoke("export", "--format", "netscape").output
    assert '<DT><A HREF="https://arxiv.org/abs/1706.03762"' in html and 'TAGS="paper"' in html
    readme = tmp_path / "README.md"
    readme.write_text("# Mine\n\n<!-- tracker:reading-list:start -->\n<!-- tracker:reading-list:end -->\n\nBye\n")
    result = invoke("export", "--into", str(readme))
    assert result.output.strip() == f"Updated {readme}"
    text = readme.read_text()
    assert "**Next Up:**\n\n- [Attention Is All You Need](https://arxiv.org/abs/1706.03762): The original" in text
    assert text.startswith("# Mine\n\n") and text.endswith("<!-- tracker:reading-list:end -->\n\nBye\n")
    assert invoke("export", "--into", str(readme)).output.strip() == f"{readme} is up to date"
    from click.testing import CliRunner

    from tracker.cli import cli

    assert CliRunner().invoke(cli, ["export", "--format", "json", "--into", str(readme)]).exit_code == 2


def test_into_a_readme_in_the_repository_is_one_commit(project, invoke):
    readme = project / "README.md"
    readme.write_text("# Mine\n\n<!-- tracker:reading-list:start -->\n<!-- tracker:reading-list:end -->\n\nBye\n")
    git(project, "add", "README.md")
    git(project, "commit", "-qm", "readme")
    (project / "notes.txt").write_text("the user's own uncommitted work\n")
    before = commit_count(project)
    result = invoke("export", "--status", "next-up", "--into", str(readme))
    assert result.exit_code == 0, result.output
    assert commit_count(project) == before + 1
    assert git(project, "log", "-1", "--format=%s").strip() == "export: regenerate the tracker sections of README.md"
    assert git(project, "show", "--name-only", "--format=", "HEAD").split() == ["README.md"]
    assert "Attention Is All You Need" in readme.read_text() and "**Inbox:**" not in readme.read_text()
    assert invoke("export", "--into", str(readme), "--status", "next-up").exit_code == 0
    assert commit_count(project) == before + 1  # up to date: no commit


def test_help_lists_the_commands_but_not_the_driver(invoke):
    text = invoke("--help").output
    assert "import" in text and "export" in text and "sync" in text
    assert "merge-driver" not in text
    for command in ("import", "export", "sync"):
        assert "Example" in invoke(command, "--help").output


def test_a_large_import_asks_the_index_once_and_dedupes_as_a_small_one(project, tmp_path):
    """300 rows take the one-query path of the index; the answers match a plan made against the list itself."""
    import csv

    from tracker.importers import read_import_file
    from tracker.importers.apply import import_into_store
    from tracker.importers.plan import plan_import
    from tracker.models import Document
    from tracker.store import Store

    source = tmp_path / "pocket.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "url", "time_added", "tags", "status"])
        writer.writerow(["Attention (pdf)", "http://arxiv.org/pdf/1706.03762v5.pdf", "1700000000", "", "unread"])
        writer.writerow(["Micrograd", "https://example.org/another-micrograd", "1700000000", "", "archive"])
        for n in range(298):
            writer.writerow([f"Note {n}", f"https://example.org/notes/{n}", "1700000000", "a|b", "unread"])
    store = Store(project / "resources.yaml")
    document = Document.model_validate(yaml.safe_load((project / "resources.yaml").read_text(encoding="utf-8")))
    expected = plan_import(read_import_file(source)[1].found, document.resources)

    report = import_into_store(store, source)
    got = [(o.action, o.item_id, o.reason) for o in report.result.plan.outcomes]
    assert got == [(o.action, o.item_id, o.reason) for o in expected.outcomes]
    assert got[:2] == [("merged", "attention-is-all-you-need", "already in the list"), ("added", "micrograd-2", "")]
    assert report.counts()["added"] == 299
    assert ids(project)[-299:] == ["micrograd-2", *[f"note-{n}" for n in range(298)]]
