"""Saving snapshots while ``tracker add`` and ``tracker fetch`` fetch pages: the hooks the fetch workflow calls.

The fetch code hands over what it fetched (the HTML or PDF bytes it already has in memory); this module
extracts the text, writes ``archive/<id>.md`` and commits the files it wrote. Nothing here fails an add or a
fetch: an unreadable page simply gets no snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tracker.archive.extract import Snapshot, extract_snapshot
from tracker.archive.files import saving_enabled, write_page

if TYPE_CHECKING:
    from tracker.store import Store
    from tracker.web.http.policy import HttpPolicy


class FetchedPage(Protocol):
    """What a fetch produced (``tracker.web.http.fetch.FetchResult`` has these)."""

    body: bytes
    content_type: str | None
    truncated: bool


def snapshot_of(page: FetchedPage | None, url: str = "") -> Snapshot | None:
    """The readable text of a fetched page, or None (nothing fetched, nothing readable, or an odd page)."""
    if page is None or not page.body:
        return None
    try:
        snapshot = extract_snapshot(page.body, page.content_type, url)
    except Exception:  # noqa: BLE001 - a page that trips the extractor is saved without text, never fails
        return None
    if snapshot is not None and page.truncated:
        snapshot.truncated = True  # the fetch stopped reading early: the text may be the start only
    return snapshot


def reading_policy(root: Path, policy: HttpPolicy) -> HttpPolicy:
    """``policy`` reading whole pages (and PDFs, within its caps) when page text is saved for this list: the
    metadata needs only the head, a snapshot needs the article to its end."""
    import dataclasses

    return dataclasses.replace(policy, whole_page=True) if saving_enabled(root) else policy


# ------------------------------------------------------------------------------------------------ add

_PENDING: dict[str, Snapshot] = {}  # url -> snapshot of the page ``tracker add`` just fetched (one at a time)


def hold_for_add(root: Path, url: str, page: FetchedPage | None) -> None:
    """Keep the snapshot of the page being added until the item (and so its id) exists."""
    _PENDING.clear()  # only this page's text may be saved with the item being added
    if saving_enabled(root):
        snapshot = snapshot_of(page, url)
        if snapshot is not None:
            _PENDING[_key(url)] = snapshot


def _key(url: str) -> str:
    """The URL as the list compares URLs (the form typed and the form stored may differ)."""
    from tracker.urls import identity_key

    try:
        return identity_key(url)
    except ValueError:
        return url


def snapshot_writer(root: Path) -> Callable[[dict], list[Path]]:
    """For ``add_resource(also_write=...)``: writes the held snapshot of a new item's page, inside the add's
    edit, and returns the file so the add's one commit holds it."""

    def write(item: dict) -> list[Path]:
        snapshot = _PENDING.pop(_key(str(item.get("url", ""))), None)
        _PENDING.clear()
        if snapshot is None or not saving_enabled(root, item):
            return []
        path = write_page(root, str(item["id"]), str(item["url"]), snapshot)
        return [path] if path is not None else []

    return write


# ------------------------------------------------------------------------------------------------ fetch


@dataclass
class PageCollector:
    """Saves snapshots as a ``tracker fetch`` run finishes each page, then commits them in one commit."""

    root: Path
    ids_by_url: dict[str, list[str]]
    written: list[Path] = field(default_factory=list)

    @classmethod
    def for_items(cls, root: Path, items: list[dict]) -> PageCollector:
        ids: dict[str, list[str]] = {}
        if saving_enabled(root):
            for item in items:
                if saving_enabled(root, item):
                    ids.setdefault(str(item["url"]), []).append(str(item["id"]))
        return cls(root, ids)

    def take(self, url: str, page: FetchedPage | None) -> None:
        """Save the page fetched for ``url`` under each item that has that URL."""
        item_ids = self.ids_by_url.get(url)
        if not item_ids:
            return
        snapshot = snapshot_of(page, url)
        if snapshot is None:
            return
        for item_id in item_ids:
            path = write_page(self.root, item_id, url, snapshot)
            if path is not None:
                self.written.append(path)

    def message_suffix(self) -> str:
        count = len(self.written)
        return f", page text of {count} item{'s' if count != 1 else ''}" if count else ""

    def commit(self, store: Store) -> bool:
        if not self.written:
            return False
        count = len(self.written)
        return store.commit_files(self.written, f"archive: page text of {count} item{'s' if count != 1 else ''}")
