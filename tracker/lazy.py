"""Resolve a ``"package.module:function"`` name on first use, so a format registry costs no imports."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def load_function(target: str) -> Callable[..., Any]:
    """The function ``target`` names (``"tracker.exporters.bibtex:render_bibtex"``), importing its module now."""
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)
