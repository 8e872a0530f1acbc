"""Markdown: a study README in the seed's layout, or any awesome-style list of links."""

from __future__ import annotations

import re

from tracker.importers.content import ImportedContent

# Signs of the seed's layout: reading-list status labels, the study plan, advice / glossary / Q&A tables.
_SEED_SIGNS = re.compile(
    r"^(\*\*(Next Up|Inbox):\*\*|#\s+(Advice|Studyplan|Terms and Concepts)\b|<!--\s*tracker:reading-list:start"
    r"|\|\s*Question\s*\|\s*Answer\s*\||\|\s*Category\s*\|\s*Advice\s*\||\|\s*Keyword\s*\|)",
    re.MULTILINE | re.IGNORECASE,
)


def read_markdown(text: str, name: str) -> ImportedContent:
    """Pick the reader by what the file looks like."""
    if _SEED_SIGNS.search(text):
        from tracker.importers.readme import read_readme

        return read_readme(text, name)
    from tracker.importers.awesome import read_awesome

    return read_awesome(text, name)
