"""Whatever bytes a person (or a bad merge) leaves in resources.yaml or the fetch log, tracker answers with its
data or with one ``file:line`` error: never another exception, never a crash of the index."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE_YAML
from tracker.errors import TrackerError
from tracker.store import Store, fetchlog

# Pieces a person types (or a merge leaves) that matter to YAML and to the line scan.
PIECES = st.sampled_from([
    "\n", "  ", "- ", ": ", "#", "---\n", "...\n", "resources:\n", "topics: []\n", "  title: A: b\n", "[", "]",
    "{", "}", "\t", "'", '"', "\\udce9", "\x00", "\ufeff", "\r\n", "- id: x\n  url: https://x.org\n  title: X\n",
    "  status: nxt\n", "  added: 2024-13-45\n", "  topic: 3.10\n", "<<: {a: 1}\n", "&a ", "*a", "!!str ",
    "settings:\n  k: v\n", "  tags: rlhf\n", "   deeper: 1\n", "- id: micrograd\n", "<<<<<<< ours\n", "é", "1e999",
])
EDITS = st.lists(st.tuples(st.integers(0, len(SAMPLE_YAML)), st.integers(0, 40), st.lists(PIECES, max_size=3)),
                 min_size=1, max_size=4)


def _apply(text: str, edits: list[tuple[int, int, list[str]]]) -> str:
    for at, cut, pieces in edits:
        at = min(at, len(text))
        text = text[:at] + "".join(pieces) + text[at + cut:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EDITS)
def test_any_hand_edit_reads_or_fails_with_a_data_error(edits: list[tuple[int, int, list[str]]]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="tracker-fuzz-"))
    try:
        path = folder / "resources.yaml"
        path.write_text(SAMPLE_YAML)
        store = Store(path, commit=False)
        store.index()  # an index built from the good file, then the hand edit: the incremental path
        path.write_bytes(_apply(SAMPLE_YAML, edits).encode("utf-8", "surrogatepass"))
        for read in (lambda: store.index().query_resources(), store.load):
            try:
                read()
            except TrackerError as exc:
                assert str(exc).startswith(str(path)), str(exc)
        try:
            with store.edit("m") as edit:
                edit.append_data("resources", [{"id": "zz-new", "url": "https://zz.example", "title": "Z"}])
        except TrackerError:
            return
        ids = [row.id for row in store.index().query_resources()]
        assert "zz-new" in ids
        assert [item.id for item in store.load().resources] == ids  # what the edit wrote reads back, indexed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=80) | st.sampled_from([
    '{"id": "a", "date": "2026-01-01", "digests": {}}', '{"id": 3}', "[]", "null", '{"id": "a", "date": 5}',
    '{"id": "a", "digests": [1]}', '{"id": "a", "at": null, "date": "2026-02-30"}']), max_size=6))
def test_any_fetch_log_loads_or_names_the_line(lines: list[str]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="tracker-fuzz-"))
    try:
        path = folder / ".tracker-fetched.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        try:
            records = fetchlog.load(path)
        except TrackerError as exc:
            assert str(exc).startswith(str(path)), str(exc)
            return
        assert fetchlog.load(_rewritten(path, records)) == records
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _rewritten(path: Path, records: dict) -> Path:
    path.write_text(fetchlog.dump(records), encoding="utf-8")
    return path
