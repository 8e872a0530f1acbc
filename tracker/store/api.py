"""resources.yaml on disk: find it, lock it, read it through the index, and change it safely.

Every change goes through ``Store.edit()``: take the lock, bring the index up to date, splice new item blocks
into the text (other lines, comments included, stay byte for byte), write atomically, update the index rows,
and make one git commit of exactly the changed files. A process killed at any moment leaves the old file or
the new one: the new text is written to a temp file beside it, fsynced, and renamed over it.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import DataError, TrackerError, raise_all
from tracker.project import Project, find_data_file
from tracker.store.atomic import atomic_write, remove_stale_temp_files
from tracker.store.document import render_file
from tracker.store.index import Index, block_hash, content_hash, resource_row, to_json
from tracker.store.layout import SECTIONS, Block, Layout, block_end, scan

EMPTY_DOCUMENT = render_file({}, {})


@dataclass
class _Splice:
    start: int
    end: int
    text: str


_NEXT_COLUMN0 = re.compile(r"\n(?=\S)")
_HEADER_REST = re.compile(r"[ \t]*(\[\])?[ \t]*(?:#.*)?")


def find_header(text: str, section: str, start: int = 0) -> tuple[int, int, bool] | None:
    """(start, end of line, is "[]") of the top-level ``section:`` line at or after ``start``; None if absent.

    A plain substring search: much faster than a multi-line regex over a 30 MB file.
    """
    needle = f"{section}:"
    pos = start
    while True:
        pos = text.find(needle, pos)
        if pos < 0:
            return None
        if pos == 0 or text[pos - 1] == "\n":
            line_end = text.find("\n", pos)
            line_end = len(text) if line_end < 0 else line_end
            rest = _HEADER_REST.fullmatch(text, pos + len(needle), line_end)
            if rest:
                return pos, line_end, rest.group(1) is not None
        pos += len(needle)


_NEXT_TOP_LEVEL = re.compile(r"\n(?![ \t\r\n#]|-[ \t\r\n]|-$)")
_DOCUMENT_END = re.compile(r"^\.\.\.[ \t]*\r?$", re.M)


def section_end(text: str, section: str) -> tuple[int, int, bool] | None:
    """(header start, insertion point, header is "[]") of ``section``; None when it has no header.

    The insertion point is after the section's last item, before any blank lines and column-0 comments that
    introduce what follows (another section, a key of the person's own, a ``...`` end marker).
    """
    header = find_header(text, section)
    if header is None:
        return None
    header_start, header_end, empty = header
    following = _NEXT_TOP_LEVEL.search(text, header_end)
    point = following.start() + 1 if following else len(text)
    while point > header_end:
        line_start = text.rfind("\n", 0, point - 1) + 1
        line = text[line_start:point]
        if line.strip() and not line.startswith("#"):
            break
        point = line_start
    return header_start, max(point, header_end), empty


def _end_of_document(text: str) -> int:
    """Where new top-level text goes: before a ``...`` end marker (text after it is no longer the document)."""
    marker = _DOCUMENT_END.search(text)
    return marker.start() if marker else len(text)


def insert_items(text: str, section: str, blocks: str) -> tuple[int, int, str]:
    """The splice ``(start, end, new text)`` that adds item ``blocks`` at the end of ``section``."""
    found = section_end(text, section)
    if found is None:
        at = _end_of_document(text)
        before = text[:at]
        sep = "" if not before or before.endswith("\n") else "\n"
        lead = "\n" if before.strip() and before.strip() != "---" else ""
        return at, at, f"{sep}{lead}{section}:\n{blocks}"
    header_start, point, empty = found
    if empty:  # "section: []" becomes "section:" followed by the blocks
        line_end = text.find("\n", header_start)
        line_end = len(text) if line_end < 0 else line_end + 1
        return header_start, line_end, f"{section}:\n{blocks}"
    if point >= len(text) and not text.endswith("\n"):
        return point, point, "\n" + blocks
    if text[point - 1:point] != "\n":
        point = text.find("\n", point) + 1 or len(text)
    return point, point, blocks


@dataclass
class Edit:
    """A pending change to the file, made inside ``Store.edit()``; applied and committed when the block exits.

    Items are addressed by ``(section, pos)``: their position in that section, as in the index. Blocks are
    located on demand (by the ``- id:`` line, checked against the block hash the index keeps), so a change to
    one item in a 100k-item file costs a few string searches, not a scan of every line.
    Callers check ids and URLs against ``index`` before appending: the edit writes what it is given.
    """

    store: Store
    text: str
    index: Index
    message: str = ""
    extra_paths: list[Path] = field(default_factory=list)
    fetches: dict[str, Any] = field(default_factory=dict)  # item id -> FetchRecord (None: forget it)
    fetch_renames: dict[str, str] = field(default_factory=dict)
    _layout: Layout | None = None
    _splices: list[_Splice] = field(default_factory=list)
    _appended: dict[str, list[tuple[Any, str]]] = field(default_factory=dict)
    _replaced: dict[tuple[str, int], tuple[Any, str]] = field(default_factory=dict)
    _deleted: set[tuple[str, int]] = field(default_factory=set)

    def record_fetch(self, item_id: str, record: Any) -> None:
        """Note what a fetch wrote into an item (a ``FetchRecord``): kept in the fetch log, not in the file."""
        self.fetches[item_id] = record

    @property
    def changed(self) -> bool:
        return bool(self._splices) or any(self._appended.values())

    @property
    def layout(self) -> Layout:
        """The full line scan: only needed when a block cannot be found the fast way."""
        if self._layout is None:
            self._layout = scan(self.text)
        return self._layout

    def _block_at(self, start: int, section: str) -> Block:
        match = _NEXT_COLUMN0.search(self.text, start)
        next_start = match.end() if match else len(self.text)
        end = block_end(self.text, start, next_start)
        return Block(section, start, end, self.text.count("\n", 0, start) + 1)

    def locate(self, section: str, pos: int) -> Block:
        """The block of the item at ``pos`` in ``section``."""
        if section == "resources" and self._layout is None:
            item_id = self.index.id_at(pos)
            expected = self.index.block_hash_at(pos)
            if item_id is not None and expected is not None:
                needle = f"- id: {item_id}\n"
                start = 0 if self.text.startswith(needle) else self.text.find("\n" + needle) + 1 or -1
                while start >= 0:
                    block = self._block_at(start, section)
                    if block_hash(self.text[block.start:block.end]) == expected:
                        return block
                    start = self.text.find("\n" + needle, start) + 1 or -1
        return self.layout.blocks[section][pos]

    def item(self, section: str, pos: int) -> Any:
        """The validated model of the item at ``pos`` (parsed from its block of lines)."""
        from tracker.store.document import parse_block

        block = self.locate(section, pos)
        return parse_block(section, self.text[block.start:block.end], block.line, self.store.path)

    def resource(self, item_id: str) -> tuple[int, Any]:
        """``(pos, Resource)`` of the item with this id."""
        pos = self.index.pos_of(item_id)
        if pos is None:
            from tracker.errors import NotFoundError

            raise NotFoundError(f"no item with id '{item_id}'")
        return pos, self.item("resources", pos)

    def replace(self, section: str, pos: int, model: Any) -> None:
        """Replace the item at ``pos`` with a validated model."""
        from tracker.store.document import item_to_dict

        self.replace_data(section, pos, item_to_dict(model))

    def item_data(self, section: str, pos: int) -> dict:
        """The item at ``pos`` as plain data, without the models: for changes that cannot make it invalid."""
        from tracker.store.document import load_block_data

        block = self.locate(section, pos)
        return load_block_data(section, self.text[block.start:block.end], block.line, self.store.path)[0]

    def replace_data(self, section: str, pos: int, data: dict) -> None:
        """Replace the item at ``pos`` with ``data``, which must already be valid and in canonical key order.

        Only the lines of fields that change are rewritten: comments and lines a person formatted stay."""
        from tracker.store.document import load_block_data
        from tracker.store.fields import splice_fields
        from tracker.store.yamlio import dump_item

        block = self.locate(section, pos)
        old_text = self.text[block.start:block.end]

        def parse(text: str) -> Any:
            return load_block_data(section, text, block.line, self.store.path)

        text = splice_fields(old_text, parse(old_text)[0], data, parse)
        if text is None:
            text = dump_item(data)
        elif old_text.endswith("\n") and not text.endswith("\n"):
            text += "\n"
        self._splices.append(_Splice(block.start, block.end, text))
        self._replaced[(section, pos)] = (data, text)

    def delete(self, section: str, pos: int) -> None:
        block = self.locate(section, pos)
        self._splices.append(_Splice(block.start, block.end, ""))
        self._deleted.add((section, pos))
        if section == "resources":
            item_id = self.index.id_at(pos)
            if item_id is not None:
                self.fetches[item_id] = None  # its fetch record goes with it

    def rename_fetch(self, old_id: str, new_id: str) -> None:
        """An item's id changed: its fetch record follows it."""
        self.fetch_renames[old_id] = new_id

    def append(self, section: str, models: list[Any]) -> None:
        """Add validated models at the end of ``section``, in one splice."""
        from tracker.store.document import item_to_dict

        self.append_data(section, [item_to_dict(model) for model in models])

    def append_data(self, section: str, datas: list[dict]) -> None:
        """Add items (already valid, in canonical key order) at the end of ``section``, in one splice."""
        from tracker.store.yamlio import dump_item

        if not datas:
            return
        texts = [dump_item(data) for data in datas]
        self._appended.setdefault(section, []).extend(zip(datas, texts, strict=True))

    def result(self) -> str:
        """The new text: replacements and deletions in place, each section's new items after its last one."""
        splices = list(self._splices)
        for section, added in self._appended.items():
            start, end, new = insert_items(self.text, section, "".join(text for _data, text in added))
            splices.append(_Splice(start, end, new))
        parts: list[str] = []
        cursor = 0
        for splice in sorted(splices, key=lambda s: (s.start, s.end)):
            parts.append(self.text[cursor:splice.start])
            parts.append(splice.text)
            cursor = max(cursor, splice.end)
        parts.append(self.text[cursor:])
        return "".join(parts)

    def update_index(self) -> None:
        """Bring the index rows in line with the splices just written (inside a transaction).

        A written block's text is exactly what ``dump_item`` returned, so its hash is known without a re-scan.
        """
        from tracker.urls import identity_key

        index = self.index
        for (section, pos), (item, text) in sorted(self._replaced.items(), key=lambda kv: kv[0]):
            if (section, pos) in self._deleted:
                continue
            if section == "resources":
                index.replace_resource(resource_row(item, identity_key(item["url"]), pos, block_hash(text)))
            else:
                index.set_entry(section, pos, block_hash(text), item)
        for section, pos in sorted(self._deleted, reverse=True):
            if section == "resources":
                index.remove_resource_at(pos)
            else:
                index.remove_entry_at(section, pos)
        for section, added in self._appended.items():
            first = index.section_count(section)
            rows = []
            for offset, (item, text) in enumerate(added):
                if section == "resources":
                    rows.append(resource_row(item, identity_key(item["url"]), first + offset, block_hash(text)))
                else:
                    index.set_entry(section, first + offset, block_hash(text), item)
            if rows:
                index.insert_resources(rows)


class Store:
    """One data file and its derived state (``.tracker/`` beside it: lock and index); paths and the commit
    policy come from its ``Project``."""

    def __init__(self, path: Path, commit: bool = True) -> None:
        self.project = Project(Path(path), commit)
        self.path = self.project.data_file
        self.commit_enabled = commit
        self.notices = self.project.notices
        self.committed = False

    @classmethod
    def open(cls, explicit: Path | None = None, commit: bool = True) -> Store:
        return cls(find_data_file(explicit), commit=commit)

    @property
    def state_dir(self) -> Path:
        return self.project.state_dir

    @property
    def index_path(self) -> Path:
        return self.project.index_path

    def _ensure_state_dir(self) -> None:
        self.project.ensure_state_dir()

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Exclusive lock shared by every tracker process working on this project: they take turns."""
        return self.project.lock()

    def _read(self) -> tuple[bytes, os.stat_result]:
        try:
            with open(self.path, "rb") as handle:
                return handle.read(), os.fstat(handle.fileno())
        except FileNotFoundError:
            raise TrackerError(f"{self.path}: no such file (create one with `tracker init`)") from None

    @staticmethod
    def _decode(data: bytes, path: Path) -> str:
        try:
            return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise DataError("the file is not valid UTF-8", path, line) from None

    @staticmethod
    def _encode(text: str, original: bytes) -> bytes:
        """``text`` as bytes laid out like ``original``: its byte-order mark and Windows line ends kept, so a
        one-item change stays a one-hunk diff in a file saved by a Windows editor."""
        if original.count(b"\r\n") and original.count(b"\r\n") == original.count(b"\n"):
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        return codecs.BOM_UTF8 + data if original.startswith(codecs.BOM_UTF8) else data

    # ------------------------------------------------------------------------------------------ reading

    def index(self) -> Index:
        """The index, brought up to date first if the file changed since it was built."""
        self._ensure_state_dir()
        index = Index(self.index_path)
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise TrackerError(f"{self.path}: no such file (create one with `tracker init`)") from None
        if index.matches_stat(stat):
            return index
        with self.lock():
            data, stat = self._read()
            self._sync(index, data, stat)
        return index

    def load(self) -> Any:
        """The whole file, fully validated, as a ``Document`` (for import, publish and other full passes)."""
        from tracker.store.document import read_document

        data, _stat = self._read()
        return read_document(self._decode(data, self.path), self.path)[0]

    def _sync(self, index: Index, data: bytes, stat: os.stat_result) -> None:
        digest = content_hash(data)
        if index.matches_digest(digest):
            index.record_file(stat, digest)
            return
        text = self._decode(data, self.path)
        layout = scan(text)
        with index.transaction(first_build=index.file_state() is None):
            if layout.simple and index.layout_simple() and index.file_state() is not None:
                try:
                    with index.savepoint():
                        self._sync_changed_blocks(index, text, layout)
                    index.record_file(stat, digest, True)
                    return
                except sqlite3.DatabaseError:
                    pass  # rows that no longer fit together (a revert, a checkout): build them all again
            simple = self._rebuild(index, text, layout)
            index.record_file(stat, digest, simple)

    def _rebuild(self, index: Index, text: str, layout: Layout) -> bool:
        """Parse the whole file and replace every row; returns whether the item blocks could be used."""
        from tracker.store.document import item_to_dict, read_document
        from tracker.store.fastbuild import rebuild_canonical

        if rebuild_canonical(index, text, layout, self.path):
            return True
        doc, url_keys, simple = read_document(text, self.path, layout)

        def digest(section: str, pos: int) -> str | None:
            if not simple:
                return None
            block = layout.blocks[section][pos]
            return block_hash(text[block.start:block.end])

        resources = [resource_row(item_to_dict(r), url_keys[pos], pos, digest("resources", pos))
                     for pos, r in enumerate(doc.resources)]
        entries = [(name, pos, digest(name, pos), to_json(item_to_dict(item)))
                   for name in SECTIONS[1:] for pos, item in enumerate(getattr(doc, name))]
        index.replace_all(resources, entries)
        return simple

    def _sync_changed_blocks(self, index: Index, text: str, layout: Layout) -> None:
        """Re-parse only the blocks whose text is new; keep the rows of the others (moved if needed)."""
        from tracker.store.document import block_field_line, check_unique, item_to_dict, parse_block

        old: dict[str, tuple[int, str, str]] = {}
        stale: list[str] = []
        for pos, digest, item_id, key in index.resource_blocks():
            if digest is None or digest in old:  # a row from a full parse, or one that cannot be matched
                stale.append(item_id)
            else:
                old[digest] = (pos, item_id, key)
        blocks = layout.blocks["resources"]
        seen_ids: dict[str, int] = {}
        seen_urls: dict[str, tuple[str, int]] = {}
        moved: list[tuple[int, str]] = []
        fresh: list[tuple[int, str, Any]] = []
        problems: list[DataError] = []
        for pos, block in enumerate(blocks):
            block_text = text[block.start:block.end]
            digest = block_hash(block_text)
            known = old.pop(digest, None)
            if known is None:
                try:
                    fresh.append((pos, digest, parse_block("resources", block_text, block.line, self.path)))
                except DataError as exc:
                    problems.append(exc)
                continue
            old_pos, item_id, key = known
            seen_ids[item_id] = block.line
            seen_urls[key] = (item_id, block.line)
            if old_pos != pos:
                moved.append((pos, item_id))
        keys = {}
        for pos, _digest, model in fresh:
            block = blocks[pos]
            url_line = block_field_line(text[block.start:block.end], block.line, "url")
            try:
                keys[pos] = check_unique(model, seen_ids, seen_urls, self.path, block.line, url_line)
            except DataError as exc:
                problems.append(exc)
        raise_all(problems)
        index.delete_resources([*stale, *(item_id for _pos, item_id, _key in old.values())])
        index.move_resources(moved)
        index.insert_resources(resource_row(item_to_dict(model), keys[pos], pos, digest)
                               for pos, digest, model in fresh)
        self._sync_entries(index, text, layout)

    def _sync_entries(self, index: Index, text: str, layout: Layout) -> None:
        import json
        from types import SimpleNamespace

        from tracker.store.document import check_unique_topic, item_to_dict, parse_block

        known = index.entry_hashes()
        stored = index.entry_data()
        for section in SECTIONS[1:]:
            rows = []
            changed = False
            topic_lines: dict[str, int] = {}
            for pos, block in enumerate(layout.blocks[section]):
                block_text = text[block.start:block.end]
                digest = block_hash(block_text)
                positions = known.get((section, digest))
                if positions:
                    old_pos = positions.pop(0)
                    rows.append((section, pos, digest, stored[(section, old_pos)]))
                    changed |= old_pos != pos
                else:
                    model = parse_block(section, block_text, block.line, self.path)
                    rows.append((section, pos, digest, to_json(item_to_dict(model))))
                    changed = True
                if section == "topics":  # ids are unique across blocks: no single block can tell
                    topic = SimpleNamespace(id=json.loads(rows[-1][3]).get("id"))
                    check_unique_topic(topic, topic_lines, self.path, block.line)
            leftover = any(positions for (name, _digest), positions in known.items() if name == section)
            if changed or leftover:
                index.replace_entries(section, rows)

    # ------------------------------------------------------------------------------------------ changing

    @contextlib.contextmanager
    def edit(self, message: str = "") -> Iterator[Edit]:
        """Lock, read, yield an ``Edit``; on a clean exit write the result, update the index, and commit."""
        from tracker.store.document import header_comments, read_document, render_document

        with self.lock():
            remove_stale_temp_files(self.path)
            data, stat = self._read()
            index = Index(self.index_path)
            if not index.matches_stat(stat):
                self._sync(index, data, stat)
            text = self._decode(data, self.path)
            canonical = False
            if not index.layout_simple():
                # A layout the line scan cannot follow (flow style, odd indentation): write it out canonically
                # once, so this and later edits are surgical.
                text = render_document(read_document(text, self.path)[0], header_comments(text))
                canonical = True
            edit = Edit(self, text, index, message)
            yield edit
            if not edit.changed:
                log_paths = self._save_fetches(edit)
                if log_paths:
                    self.commit_files(log_paths, edit.message or "fetch: records")
                return
            new_text = edit.result()
            new_data = self._encode(new_text, data)
            atomic_write(self.path, new_data)
            edit.extra_paths.extend(self._save_fetches(edit))
            new_stat = os.stat(self.path)
            with index.transaction():
                simple = True
                if canonical:
                    simple = self._rebuild(index, new_text, scan(new_text))
                else:
                    try:
                        with index.savepoint():
                            edit.update_index()
                    except sqlite3.DatabaseError:  # rows that no longer fit: the file is what counts
                        simple = self._rebuild(index, new_text, scan(new_text))
                index.record_file(new_stat, content_hash(new_data), simple)
            self.commit_files([self.path, *edit.extra_paths], edit.message or "edit resources",
                              before=(data, new_data))

    def _save_fetches(self, edit: Edit) -> list[Path]:
        """Bring the fetch log in line with the edit (new records, removed and renamed items); returns the files
        written (to commit), none when the log would say what it says already (a refresh that found nothing
        new changes no file)."""
        if not edit.fetches and not edit.fetch_renames:
            return []
        from tracker.store import fetchlog

        path = self.project.fetch_log
        records = fetchlog.load(path)
        before = dict(records)
        for old_id, new_id in edit.fetch_renames.items():
            if old_id in records:
                records[new_id] = records.pop(old_id)
        for item_id, record in edit.fetches.items():
            if record is None:
                records.pop(item_id, None)
            elif not record.same_facts(records.get(item_id)):
                record.at = record.at or fetchlog.utc_now()
                records[item_id] = record
        if records == before:
            return []
        atomic_write(path, fetchlog.dump(records).encode("utf-8"))
        attributes = self.project.ensure_union_merge()
        return [path, *([attributes] if attributes else [])]

    def commit_files(self, paths: list[Path], message: str, before: tuple[bytes, bytes] | None = None) -> bool:
        """Commit exactly ``paths`` through the project's commit policy (see ``Project.commit``)."""
        self.committed = self.project.commit(paths, message, before)
        return self.committed
