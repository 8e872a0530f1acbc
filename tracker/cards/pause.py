"""Why a card is paused (suspended): its source is gone, so the learner could not check the answer.

- A note's card pauses when every reading-list item the note names in ``related:`` has a dead link; a
  glossary card pauses when every link of its term is dead. (One live source is enough to keep studying.)
- A card whose note row (or glossary term) was removed pauses with its history kept in the log; see
  ``collection``. It comes back by itself when the row does.

Dead means the verdict ``dead`` in the link checker's tracked history (``tracker check`` writes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tracker.cards.deck import Card

LINK_HISTORY_FILE = ".tracker-links.json"  # tracker.web.links.linkhistory.HISTORY_NAME (a test checks), no httpx


def dead_links(root: Path) -> dict[str, str]:
    """URL identity key -> since when it is dead, from the link history beside resources.yaml (none when there
    is none). Keys are ``identity_key``s, so an item's URL matches however the checker spelled it.

    The link checker's reader is imported only when the file exists: it brings the HTTP stack with it.
    """
    path = root / LINK_HISTORY_FILE
    if not path.is_file():
        return {}
    from tracker.web.links.linkhistory import load_history

    dead: dict[str, str] = {}
    for url, record in load_history(path).items():
        key = _key(url)
        if record.verdict == "dead" and key is not None:
            dead[key] = record.since
    return dead


def _key(url: str) -> str | None:
    from tracker.errors import TrackerError
    from tracker.urls import identity_key

    try:
        return identity_key(url)
    except TrackerError:
        return None


def pause_reasons(cards: Sequence[Card], item_urls: dict[str, str], dead: dict[str, str]) -> dict[str, str]:
    """Card id -> why it is paused, for the cards whose every source link is dead (``dead``: see
    ``dead_links``)."""
    reasons: dict[str, str] = {}
    if not dead:
        return reasons
    for card in cards:
        if card.items:
            sources = [(item, item_urls.get(item)) for item in card.items]
            sources = [(item, url) for item, url in sources if url]
        else:
            sources = [(url, url) for url in card.urls]
        keys = [_key(url) for _name, url in sources]
        if sources and all(key in dead for key in keys):
            name = sources[0][0]
            more = f" (and {len(sources) - 1} more)" if len(sources) > 1 else ""
            reasons[card.id] = f"the link of {name}{more} is dead since {dead[keys[0]][:10]}"
    return reasons
