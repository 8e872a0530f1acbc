"""The reading list, advice and glossary in the seed README's own layout, between marker comments.

``render_markdown`` gives the three sections, each wrapped in ``<!-- tracker:NAME:start -->`` /
``<!-- tracker:NAME:end -->``; ``update_into`` replaces only what lies between those markers in an existing
README, so the rest of a hand-written file is never touched.
"""

from __future__ import annotations

import re

from tracker.errors import DataError
from tracker.models import Advice, Document, Resource, Status, Term

SECTIONS = ("reading-list", "advice", "glossary")
STATUS_HEADINGS = {
    Status.NEXT_UP: "Next Up",
    Status.INBOX: "Inbox",
    Status.READING: "Reading",
    Status.DONE: "Done",
    Status.DROPPED: "Dropped",
}
_READING_ORDER = (Status.READING, Status.NEXT_UP, Status.INBOX, Status.DONE, Status.DROPPED)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _link_text(text: str) -> str:
    """Text for ``[...]``: brackets and backslashes escaped, so ``tracker import`` reads back the same words."""
    text = re.sub(r"([\\\[\]*_<>`~])", r"\\\1", " ".join(text.split()))
    return re.sub(r":(?=[a-z0-9_+-]+:)", r"\\:", text)  # ":smile:" is not an emoji shortcode here


def _link_target(url: str) -> str:
    return f"<{url}>" if "(" in url or ")" in url else url


def reading_list_line(item: Resource) -> str:
    """``- [Title](url) ([code](url), [tweet](url)): comment``: the item's other links in brackets after it."""
    line = f"- [{_link_text(item.title)}]({_link_target(item.url)})"
    if item.links:
        line += " (" + ", ".join(f"[{_link_text(link.label)}]({_link_target(link.url)})" for link in item.links) + ")"
    if item.comment:
        line += f": {' '.join(item.comment.split())}"
    return line


def render_reading_list(items: list[Resource]) -> str:
    lines = ["# Reading List", ""]
    for status in _READING_ORDER:
        group = [item for item in items if item.status == status]
        if not group:
            continue
        lines += [f"**{STATUS_HEADINGS[status]}:**", ""]
        lines += [reading_list_line(item) for item in group]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_advice(advice: list[Advice]) -> str:
    lines = ["# Advice", "", "| Category | Advice | Source |", "|---|---|---|"]
    for entry in advice:
        source = ""
        if entry.source:
            source = f"[{_link_text(entry.source.name)}]({entry.source.url})" if entry.source.url else entry.source.name
        lines.append(f"| {_cell(entry.category)} | {_cell(entry.text)} | {_cell(source)} |")
    return "\n".join(lines) + "\n"


def render_glossary(terms: list[Term]) -> str:
    lines = ["# Terms and Concepts", "", "| Keyword | Explanation | Links |", "|---|---|---|"]
    for term in terms:
        links = ", ".join(f"[{_link_text(link.title)}]({link.url})" for link in term.links)
        lines.append(f"| **{_cell(term.term)}** | {_cell(term.definition)} | {_cell(links)} |")
    return "\n".join(lines) + "\n"


def render_sections(document: Document) -> dict[str, str]:
    return {
        "reading-list": render_reading_list(document.resources),
        "advice": render_advice(document.advice),
        "glossary": render_glossary(document.glossary),
    }


def _wrap(name: str, body: str) -> str:
    return f"<!-- tracker:{name}:start -->\n{body}<!-- tracker:{name}:end -->\n"


def render_markdown(document: Document) -> str:
    """A README fragment: Reading List (Next Up, Inbox, ...), the Advice table, the Terms table."""
    return "\n".join(_wrap(name, body) for name, body in render_sections(document).items())


def update_into(readme_text: str, document: Document, path: str = "README.md") -> str:
    """``readme_text`` with each marked section replaced; an error when the file has no markers at all."""
    sections = render_sections(document)
    found = 0
    out = readme_text
    for name, body in sections.items():
        pattern = re.compile(
            rf"(<!--\s*tracker:{name}:start\s*-->\n?)(.*?)(<!--\s*tracker:{name}:end\s*-->)", re.DOTALL
        )
        matches = list(pattern.finditer(out))
        if len(matches) > 1:
            raise DataError(f"the tracker:{name} markers appear more than once", path)
        if matches:
            found += 1
            out = pattern.sub(lambda m, body=body: f"{m.group(1).rstrip()}\n{body}{m.group(3)}", out)
        elif f"tracker:{name}:" in out:
            raise DataError(f"tracker:{name} has a start marker without an end marker (or the reverse)", path)
    if not found:
        names = ", ".join(SECTIONS)
        raise DataError(
            f"no tracker markers found; put <!-- tracker:NAME:start --> and <!-- tracker:NAME:end --> "
            f"around the part to replace (NAME: {names})",
            path,
        )
    return out
