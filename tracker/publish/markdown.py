"""Notes' Markdown as sanitised HTML, rendered once at build time."""

from __future__ import annotations

from functools import lru_cache

from tracker.publish.plugin import sanitize_html


@lru_cache(maxsize=1)
def _renderer():
    from markdown_it import MarkdownIt

    # Raw HTML in a note is shown as text ("html": False); the sanitiser is the second fence.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")


def render_markdown(text: str) -> str:
    """Markdown to HTML that cannot run scripts or load anything but http(s) images."""
    return sanitize_html(_renderer().render(text or ""))
