"""resources.yaml and its derived state, as one package.

- ``atomic``: atomic writes and the lock every writer takes;
- ``yamlio``: the safe YAML reader and the one deterministic writer;
- ``layout``: where each item's lines are (a line scan, no parse);
- ``document``: parse and validate the file, render it;
- ``index``: the SQLite index (typed rows, its own SQL);
- ``api``: ``Store`` and ``Edit``, the only way the file is changed.

``from tracker.store import Store`` works; the names are looked up on first use so that importing one light
submodule (``tracker.store.layout`` for the merge driver, ``tracker.store.atomic``) costs only that module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.project import DATA_FILE, STATE_DIR, find_data_file
    from tracker.store.api import EMPTY_DOCUMENT, Edit, Store
    from tracker.store.atomic import atomic_write

_EXPORTS = {"DATA_FILE": "tracker.project", "STATE_DIR": "tracker.project", "find_data_file": "tracker.project",
            "EMPTY_DOCUMENT": "tracker.store.api", "Edit": "tracker.store.api", "Store": "tracker.store.api",
            "atomic_write": "tracker.store.atomic"}

__all__ = ["DATA_FILE", "EMPTY_DOCUMENT", "STATE_DIR", "Edit", "Store", "atomic_write", "find_data_file"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tracker.store' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
