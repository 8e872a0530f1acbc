"""Notes' Markdown as sanitised HTML, rendered once at build time."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from html import escape

from tracker.publish.plugin import NOTES_FILES_PREFIX, sanitize_html

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
ImageUrl = Callable[[str], "str | None"]


@lru_cache(maxsize=1)
def _renderer():
    from markdown_it import MarkdownIt

    # Raw HTML in a note is shown as text ("html": False); the sanitiser is the second fence.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
    default_image = md.renderer.rules["image"]

    def image(self, tokens, idx, options, env):
        token = tokens[idx]
        src = token.attrGet("src") or ""
        if src.startswith(("http://", "https://")):
            return default_image(tokens, idx, options, env)
        # A picture beside the note (images/x.png): served by the reading room when the file is there.
        local = env.get("image_url", lambda _src: None)(src)
        if local is not None:
            token.attrSet("src", local)
            return default_image(tokens, idx, options, env)
        alt = self.renderInlineAsText(token.children or [], options, env)
        return f"<em>[picture: {escape(alt or src)} (no file {escape(src)} beside the note)]</em>"

    md.add_render_rule("image", image)
    return md


def render_markdown(text: str, image_url: ImageUrl | None = None) -> str:
    """Markdown to HTML that cannot run scripts or load anything but http(s) images and the notes' own
    pictures (``image_url`` maps a relative picture to its address under /notes-files/, or None)."""
    env = {"image_url": image_url} if image_url else {}
    return sanitize_html(_renderer().render(text or "", env))


def notes_image_url(notes_dir, note_path) -> ImageUrl:
    """For a note file, map ``images/x.png`` to ``/notes-files/images/x.png`` when that picture exists inside
    the notes folder (never outside it, whatever ``..`` or links say)."""
    from pathlib import Path
    from urllib.parse import quote, unquote

    root = Path(notes_dir).resolve()
    base = Path(note_path).resolve().parent

    def image_url(src: str) -> str | None:
        if not src or src.startswith(("/", "\\")) or ":" in src.split("/", 1)[0]:
            return None
        target = (base / unquote(src.split("#", 1)[0].split("?", 1)[0])).resolve()
        if target.suffix.lower() not in IMAGE_SUFFIXES or not target.is_file() or not target.is_relative_to(root):
            return None
        return NOTES_FILES_PREFIX + quote(target.relative_to(root).as_posix())

    return image_url
