"""Notes' Markdown as sanitised HTML, rendered once at build time."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from tracker.publish.plugin import sanitize_html


@lru_cache(maxsize=1)
def _renderer():
    from markdown_it import MarkdownIt

    # Raw HTML in a note is shown as text ("html": False); the sanitiser is the second fence.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
    default_image = md.renderer.rules["image"]

    def image(self, tokens, idx, options, env):
        # A picture beside the note (images/x.png) cannot be served by Datasette: show its caption instead.
        src = tokens[idx].attrGet("src") or ""
        if src.startswith(("http://", "https://")):
            return default_image(tokens, idx, options, env)
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return f"<em>[picture: {escape(alt or src)}]</em>"

    md.add_render_rule("image", image)
    return md


def render_markdown(text: str) -> str:
    """Markdown to HTML that cannot run scripts or load anything but http(s) images."""
    return sanitize_html(_renderer().render(text or ""))
