"""Merging the list between machines: a git merge driver for resources.yaml (item by item) and for tracker's
machine state, and the tools to see and settle the conflicts it leaves.

Modules: ``items`` (the 3-way merge on data), ``text`` (three texts to one that always loads), ``state`` (link
history), ``conflicts`` (find and settle conflict blocks), ``driver`` (what git runs, and its registration).
This package's top level stays light: every commit imports it for ``ensure_configured``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.merge.driver import (
    DRIVER_NAME,
    configure_merge_driver,
    driver_command,
    ensure_configured,
    register_merge_driver,
    run_merge_driver,
)

if TYPE_CHECKING:
    from tracker.merge.items import Conflict, merge_fields, merge_section
    from tracker.merge.text import MergeResult, merge_texts

__all__ = ["DRIVER_NAME", "Conflict", "MergeResult", "configure_merge_driver", "driver_command", "ensure_configured",
           "merge_fields", "merge_section", "merge_texts", "register_merge_driver", "run_merge_driver"]

_LAZY = {"Conflict": "items", "merge_fields": "items", "merge_section": "items", "MergeResult": "text",
         "merge_texts": "text"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"tracker.merge.{_LAZY[name]}"), name)
    raise AttributeError(name)
