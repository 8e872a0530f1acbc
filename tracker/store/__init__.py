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
    from tracker.store.api import DATA_FILE, EMPTY_DOCUMENT, STATE_DIR, Edit, Store, find_data_file
    from tracker.store.atomic import atomic_write

_EXPORTS = {"DATA_FILE": "api", "EMPTY_DOCUMENT": "api", "STATE_DIR": "api", "Edit": "api", "Store": "api",
            "find_data_file": "api", "atomic_write": "atomic"}

__all__ = ["DATA_FILE", "EMPTY_DOCUMENT", "STATE_DIR", "Edit", "Store", "atomic_write", "find_data_file"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tracker.store' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tracker.store.{module}"), name)
