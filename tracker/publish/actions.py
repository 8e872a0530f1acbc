"""What a learner can do from the reading room: move, tag, comment, add. Each is the CLI's own change.

Every action calls the same core function as the matching command (``tracker move``, ``tracker edit
--add-tag/--remove-tag/--comment``, ``tracker add``), so it takes the same lock, writes the same surgical change
and makes one git commit with the same message. Nothing here knows about Datasette or HTTP: the room's routes
parse a form, call one of these, and show the sentence it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.errors import TrackerError

MAX_TAG_LENGTH = 100
MAX_COMMENT_LENGTH = 20_000


@dataclass(frozen=True)
class Outcome:
    """What an action did, in a sentence for the page, and the item the page should show next."""

    message: str
    item_id: str
    changed: bool = True


def _store(resources_file: Path):
    from tracker.store import Store

    return Store(resources_file)


def move_item(resources_file: Path, item_id: str, status: str) -> Outcome:
    """``tracker move ITEM --to STATUS``."""
    from tracker.reading_list import move_items

    moves = move_items(_store(resources_file), [item_id], status)
    if not moves:
        return Outcome(f"{item_id} is already {status}", item_id, changed=False)
    move = moves[0]
    return Outcome(f"Moved {move.item_id}: {move.old} -> {move.new}", move.item_id)


def change_tags(resources_file: Path, item_id: str, add: list[str], remove: list[str]) -> Outcome:
    """``tracker edit ITEM --add-tag A --remove-tag B``: the same tag arithmetic and the same commit message."""
    from tracker.reading_list import edit_item, resolve_ref

    add = [t.strip() for t in add if t.strip()]
    remove = [t.strip() for t in remove if t.strip()]
    if not add and not remove:
        raise TrackerError("give a tag to add or remove")
    if any(len(t) > MAX_TAG_LENGTH for t in add):
        raise TrackerError(f"a tag is at most {MAX_TAG_LENGTH} characters")
    store = _store(resources_file)
    index = store.index()
    item_id = resolve_ref(index, item_id)
    current = list((index.resource(item_id) or {}).get("tags", []))
    tags = [t for t in dict.fromkeys([*current, *add]) if t not in set(remove)]
    item_id, changed = edit_item(store, item_id, {"tags": tags})
    if not changed:
        return Outcome(f"{item_id}: tags unchanged", item_id, changed=False)
    said = [*(f"+{t}" for t in add if t not in current), *(f"-{t}" for t in remove if t in current)]
    return Outcome(f"Tags of {item_id}: {' '.join(said)}", item_id)


def set_comment(resources_file: Path, item_id: str, comment: str) -> Outcome:
    """``tracker edit ITEM --comment TEXT`` (an empty text removes the comment)."""
    from tracker.reading_list import edit_item

    comment = comment.replace("\r\n", "\n").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise TrackerError(f"a comment is at most {MAX_COMMENT_LENGTH} characters")
    item_id, changed = edit_item(_store(resources_file), item_id, {"comment": comment or None})
    if not changed:
        return Outcome(f"{item_id}: comment unchanged", item_id, changed=False)
    return Outcome(f"Saved the comment on {item_id}" if comment else f"Removed the comment on {item_id}", item_id)


def add_page(resources_file: Path, url: str, title: str | None = None, comment: str | None = None,
             fetch: bool = True) -> Outcome:
    """``tracker add URL [--title T] [--comment C]``, page metadata fetched as the command does."""
    from tracker.reading_list import add_resource
    from tracker.urls import validate_url

    url = validate_url(url.strip())
    title = (title or "").strip() or None
    comment = (comment or "").replace("\r\n", "\n").strip() or None
    store = _store(resources_file)
    metadata = also_write = None
    if fetch:
        from tracker.archive.capture import snapshot_writer  # archive hook: the page's text, same commit
        from tracker.commands.metadata import metadata_for_add

        metadata = metadata_for_add(store, url, {"title": title})
        also_write = snapshot_writer(store.path.parent)
    added = add_resource(store, url, title=title, comment=comment, metadata=metadata, also_write=also_write)
    return Outcome(f"Added {added['id']}: {added['title']} ({added['status']})", added["id"])
