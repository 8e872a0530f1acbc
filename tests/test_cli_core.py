"""Every core command through the CLI (CliRunner, in a real git repository in a temp dir)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import SAMPLE_YAML, commit_count, git


def last_message(folder: Path) -> str:
    return git(folder, "log", "-1", "--format=%s").strip()


def test_init_makes_a_project_and_a_first_commit(tmp_path: Path, invoke, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "study")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "study"
    assert (folder / "resources.yaml").is_file() and (folder / "notes").is_dir()
    assert ".tracker/" in (folder / ".gitignore").read_text().splitlines()
    assert last_message(folder) == "init: resources.yaml, notes/"
    assert git(folder, "status", "--porcelain") == ""
    monkeypatch.chdir(folder)
    assert invoke("list", "--json").output.strip() == "[]"
    again = invoke("init", str(folder))
    assert again.exit_code == 1 and "already exists" in again.output


def test_add_prints_the_id_and_commits(project: Path, invoke) -> None:
    result = invoke("add", "https://jalammar.github.io/illustrated-gpt2/", "--title", "The Illustrated GPT-2",
                    "--status", "next-up", "--category", "Study", "--tag", "gpt", "--tag", "visual",
                    "--comment", "Pictures!", "--topic", "3.1.2", "--lab", "attention", "--no-fetch")
    assert result.exit_code == 0, result.output
    assert result.stdout == "illustrated-gpt-2\n"
    assert last_message(project) == "add: The Illustrated GPT-2 (next-up)"
    shown = json.loads(invoke("show", "illustrated-gpt-2", "--json").output)
    assert shown["tags"] == ["gpt", "visual"] and shown["lab"] == "attention" and shown["topic"] == "3.1.2"


def test_add_duplicate_is_refused_with_existing_id(project: Path, invoke) -> None:
    before = (project / "resources.yaml").read_text()
    result = invoke("add", "https://arxiv.org/abs/1706.03762v2?utm_source=twitter")
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: https://arxiv.org/abs/1706.03762v2?utm_source=twitter is already in "
                                     "the list as 'attention-is-all-you-need'")
    assert (project / "resources.yaml").read_text() == before
    assert commit_count(project) == 1


def test_add_rejects_bad_status_as_usage_error(project: Path, invoke) -> None:
    result = invoke("add", "https://example.org", "--status", "later")
    assert result.exit_code == 2


def test_list_filters_and_json_fields(project: Path, invoke) -> None:
    rows = json.loads(invoke("list", "--json").output)
    assert [r["id"] for r in rows] == ["illustrated-transformer", "attention-is-all-you-need", "micrograd"]
    for row in rows:
        assert {"id", "url", "title", "status", "category", "tags", "added"} <= set(row)
    assert rows[2]["my_rating"] == 5
    assert [r["id"] for r in json.loads(invoke("list", "--status", "done", "--json").output)] == ["micrograd"]
    assert [r["id"] for r in json.loads(invoke("list", "--category", "paper", "--json").output)] == [
        "attention-is-all-you-need"]
    assert [r["id"] for r in json.loads(invoke("list", "--tag", "attention", "--json").output)] == [
        "illustrated-transformer"]
    assert [r["id"] for r in json.loads(invoke("list", "--topic", "1.1.1", "--json").output)] == ["micrograd"]
    assert len(json.loads(invoke("list", "--limit", "2", "--json").output)) == 2
    plain = invoke("list", "--status", "inbox").output
    assert plain.split("\t")[0] == "illustrated-transformer"


def test_show_by_prefix_and_url(project: Path, invoke) -> None:
    result = invoke("show", "https://arxiv.org/pdf/1706.03762")
    assert result.exit_code == 0
    assert "Attention Is All You Need" in result.output
    assert invoke("show", "nothing-like-this").exit_code == 1


def test_move_several_items_is_one_commit(project: Path, invoke) -> None:
    result = invoke("move", "illustrated", "attention", "--to", "reading")
    assert result.exit_code == 0, result.output
    assert "illustrated-transformer: inbox -> reading" in result.output
    assert last_message(project) == "move: 2 items -> reading"
    assert git(project, "log", "-1", "--format=%b").strip().splitlines() == [
        "- illustrated-transformer: inbox -> reading", "- attention-is-all-you-need: next-up -> reading"]
    assert commit_count(project) == 2
    single = invoke("move", "micrograd", "--to", "dropped")
    assert single.exit_code == 0
    assert last_message(project) == "move: micrograd done -> dropped"
    shown = json.loads(invoke("show", "micrograd", "--json").output)
    assert shown["status"] == "dropped" and shown["status_changed"]


def test_edit_fields_and_tags(project: Path, invoke) -> None:
    result = invoke("edit", "illustrated", "--add-tag", "visual", "--remove-tag", "attention", "--comment", "Great",
                    "--category", "")
    assert result.exit_code == 0, result.output
    item = json.loads(invoke("show", "illustrated-transformer", "--json").output)
    assert item["tags"] == ["transformers", "visual"] and item["comment"] == "Great" and "category" not in item
    assert last_message(project) == "edit: illustrated-transformer (category, comment, tags)"
    assert invoke("edit", "illustrated").exit_code == 2


def test_remove(project: Path, invoke) -> None:
    result = invoke("remove", "micrograd")
    assert result.exit_code == 0
    assert last_message(project) == "remove: micrograd (micrograd)"
    assert "micrograd" not in (project / "resources.yaml").read_text()
    assert "# a comment between items" in (project / "resources.yaml").read_text()


def test_search_ranked_with_json(project: Path, invoke) -> None:
    rows = json.loads(invoke("search", "transformer", "--json").output)["results"]
    assert [r["id"] for r in rows][:1] == ["illustrated-transformer"]
    assert {r["id"] for r in rows} == {"illustrated-transformer", "attention-is-all-you-need"}
    assert invoke("search", "nothing-matches-this").output == ""


def test_log_of_list_and_item(project: Path, invoke) -> None:
    invoke("move", "illustrated", "--to", "next-up")
    invoke("move", "illustrated", "--to", "done")
    whole = invoke("log").output.splitlines()
    assert whole[0].endswith("move: illustrated-transformer next-up -> done") and whole[-1].endswith("start")
    events = json.loads(invoke("log", "illustrated", "--json").output)
    assert [(e["action"], e["old_status"], e["new_status"]) for e in events] == [
        ("added", None, "inbox"), ("status", "inbox", "next-up"), ("status", "next-up", "done")]
    assert all(len(e["commit"]) == 40 and e["date"][:4].isdigit() for e in events)


def test_advice_add_and_list(project: Path, invoke) -> None:
    result = invoke("advice", "add", "Math", "Do the exercises.", "--source", "Someone", "--source-url",
                    "https://example.org/a")
    assert result.exit_code == 0, result.output
    assert last_message(project).startswith("advice: add Math")
    entries = json.loads(invoke("advice", "list", "--json").output)
    assert [e["category"] for e in entries] == ["Study", "Math"]
    assert json.loads(invoke("advice", "list", "--category", "math", "--json").output)[0]["source"]["name"] == \
        "Someone"


def test_glossary_add_and_list(project: Path, invoke) -> None:
    result = invoke("glossary", "add", "RoPE", "Rotary position embedding.", "--link",
                    "Paper=https://arxiv.org/abs/2104.09864")
    assert result.exit_code == 0, result.output
    terms = json.loads(invoke("glossary", "list", "--json").output)
    assert [t["term"] for t in terms] == ["KV cache", "RoPE"]
    assert terms[1]["links"] == [{"title": "Paper", "url": "https://arxiv.org/abs/2104.09864"}]
    assert invoke("glossary", "add", "rope", "again").exit_code == 1
    assert invoke("glossary", "add", "X", "y", "--link", "not-a-link").exit_code == 2


def test_notes_new_and_list(project: Path, invoke) -> None:
    (project / "notes" / "attention.md").write_text(
        "---\ntitle: Attention\ntopic: 3.1.2\nrelated: [attention-is-all-you-need]\n---\n"
        "| Question | Answer |\n|---|---|\n| Why scale? | Softmax saturates. |\n| What is Q? | Queries. |\n")
    result = invoke("notes", "new", "KV caching", "--topic", "3.1.2")
    assert result.exit_code == 0, result.output
    assert last_message(project) == "notes: add KV caching"
    notes = json.loads(invoke("notes", "list", "--json").output)
    assert [n["id"] for n in notes] == ["attention", "kv-caching"]
    assert [q["question"] for q in notes[0]["questions"]] == ["Why scale?", "What is Q?"]
    assert notes[0]["questions"][0]["topic"] == "3.1.2"


def test_topics_progress(project: Path, invoke) -> None:
    rows = json.loads(invoke("topics", "--json").output)
    by_id = {row["id"]: row for row in rows}
    assert (by_id["1.1.1"]["done"], by_id["1.1.1"]["total"]) == (1, 1)
    assert (by_id["3.1.2"]["done"], by_id["3.1.2"]["total"]) == (0, 1)
    assert (by_id["part-1"]["done"], by_id["part-1"]["total"]) == (1, 2)
    assert by_id["3.1.2"]["depth"] == 1


def test_no_commit_flag_and_env_and_git_config(project: Path, invoke, monkeypatch) -> None:
    assert invoke("--no-commit", "add", "https://example.org/1").exit_code == 0
    assert commit_count(project) == 1
    monkeypatch.setenv("TRACKER_NO_COMMIT", "1")
    assert invoke("add", "https://example.org/2").exit_code == 0
    monkeypatch.delenv("TRACKER_NO_COMMIT")
    git(project, "config", "tracker.commit", "false")
    assert invoke("add", "https://example.org/3").exit_code == 0
    assert commit_count(project) == 1
    git(project, "config", "tracker.commit", "true")
    assert invoke("add", "https://example.org/4").exit_code == 0
    assert commit_count(project) == 2
    # the commit holds all the file's uncommitted changes, nothing else
    assert git(project, "status", "--porcelain") == ""


def test_outside_git_it_works_and_says_so_once(tmp_path: Path, invoke, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resources.yaml").write_text(SAMPLE_YAML)
    first = invoke("add", "https://example.org/1")
    assert first.exit_code == 0
    assert "not in a git repository" in first.stderr
    second = invoke("add", "https://example.org/2")
    assert second.exit_code == 0 and second.stderr == ""
    assert len(json.loads(invoke("list", "--json").output)) == 5


def test_file_option_and_env(tmp_path: Path, invoke, monkeypatch) -> None:
    other = tmp_path / "elsewhere.yaml"
    other.write_text(SAMPLE_YAML)
    monkeypatch.chdir(tmp_path)
    assert len(json.loads(invoke("--file", str(other), "list", "--json").output)) == 3
    monkeypatch.setenv("TRACKER_FILE", str(other))
    assert len(json.loads(invoke("list", "--json").output)) == 3
    missing = invoke("--file", str(tmp_path / "nope.yaml"), "list")
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_bad_file_is_one_error_line_and_exit_1(project: Path, invoke) -> None:
    data = project / "resources.yaml"
    data.write_text(SAMPLE_YAML.replace("status: next-up", "status: nxt-up"))
    for args in (("list",), ("add", "https://example.org/new"), ("move", "micrograd", "--to", "inbox")):
        result = invoke(*args)
        assert result.exit_code == 1
        assert result.output == (f"Error: {data}:13: status 'nxt-up' is not one of inbox, next-up, reading, done, "
                                 "dropped (did you mean next-up?)\n")
    assert data.read_text() == SAMPLE_YAML.replace("status: next-up", "status: nxt-up")
    assert commit_count(project) == 1


def test_terminal_output_is_a_table_with_markup_escaped(project: Path, invoke, monkeypatch) -> None:
    import tracker.commands.output as output

    monkeypatch.setattr(output, "is_terminal", lambda: True)
    invoke("add", "https://example.org/markup", "--title", "[bold red]<b>Not markup</b>[/]")
    result = invoke("list", "--tag", "", "--limit", "10")
    assert result.exit_code == 0
    assert "[bold red]<b>Not markup</b>[/]" in result.output
    assert "illustrated-transformer" in result.output and "id" in result.output.splitlines()[0]


def test_init_inside_an_existing_repo_commits_only_its_files(tmp_path: Path, invoke, monkeypatch) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "code.py").write_text("print('mine')\n")
    git(tmp_path, "add", "code.py")
    sub = tmp_path / "study"
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "study").exit_code == 0
    assert sorted(git(tmp_path, "show", "--name-only", "--format=", "HEAD").split()) == [
        ".gitattributes", "study/.gitignore", "study/notes/.gitkeep", "study/resources.yaml"]
    assert git(tmp_path, "status", "--porcelain").splitlines() == ["A  code.py"]
    assert not (sub / ".git").exists()


def test_init_without_commit(tmp_path: Path, invoke, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("--no-commit", "init").exit_code == 0
    assert (tmp_path / ".git").is_dir()
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True).returncode != 0


def test_log_outside_git_says_so(tmp_path: Path, invoke, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resources.yaml").write_text(SAMPLE_YAML)
    result = invoke("log")
    assert result.exit_code == 1 and "not in a git repository" in result.output
