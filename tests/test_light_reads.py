"""Read commands off the warm path stay light: a no-op ``build`` decides before importing the publishing stack,
and ``lab list`` reads its links from the index instead of parsing the whole file."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import modules_after, run_tracker

HEAVY = {"pydantic", "bleach", "datasette", "yaml"}


def test_a_no_op_build_imports_neither_pydantic_nor_bleach_nor_datasette(project: Path) -> None:
    first = run_tracker("build", cwd=project)
    assert first.returncode == 0, first.stderr
    loaded = modules_after(["build"], project)
    assert not HEAVY & loaded, sorted(HEAVY & loaded)


def test_the_build_knows_the_picture_suffixes_the_notes_renderer_shows() -> None:
    from tracker.publish.build import NOTE_PICTURE_SUFFIXES
    from tracker.publish.markdown import IMAGE_SUFFIXES

    assert NOTE_PICTURE_SUFFIXES == IMAGE_SUFFIXES


def test_lab_list_reads_the_index_not_the_yaml(project: Path) -> None:
    assert run_tracker("list", cwd=project).returncode == 0  # the index exists, as after any first command
    loaded = modules_after(["lab", "list"], project)
    assert not {"pydantic", "yaml"} & loaded, sorted({"pydantic", "yaml"} & loaded)
