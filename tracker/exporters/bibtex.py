"""BibTeX for papers only: arXiv items become ``@article`` entries (authors, year, eprint); other papers (a PDF, a
paper site, an item marked as a paper) ``@misc``. Blog posts, videos, courses and tools are left out."""

from __future__ import annotations

import re
import unicodedata

from tracker.models import Document, Resource
from tracker.urls import arxiv_id, names_pdf

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def escape_latex(text: str) -> str:
    return "".join(_SPECIAL.get(char, char) for char in " ".join(text.split()))


def paper_year(item: Resource, eprint: str | None) -> str | None:
    """The publication year, else the year an arXiv id encodes (``1706.03762`` -> 2017)."""
    if item.published:
        return str(item.published.year)
    if eprint:
        match = re.match(r"(\d{2})(\d{2})\.", eprint) or re.search(r"/(\d{2})(\d{2})\d{3}$", eprint)
        if match:
            year = int(match.group(1))
            return str(2000 + year if year < 90 else 1900 + year)
    return None


def citation_key(item: Resource, year: str | None, taken: set[str]) -> str:
    surname = item.authors[0].split()[-1] if item.authors else ""
    first_word = next((w for w in re.findall(r"[A-Za-z0-9]+", item.title) if len(w) > 3), "")
    raw = f"{surname}{year or ''}{first_word}" if surname else item.id
    key = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9:-]+", "", key) or item.id
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}{chr(ord('a') + number - 2)}", number + 1
    taken.add(candidate)
    return candidate


def bibtex_entry(item: Resource, taken: set[str]) -> str:
    eprint = paper_eprint(item)
    year = paper_year(item, eprint)
    fields: list[tuple[str, str]] = [("title", "{" + escape_latex(item.title) + "}")]
    if item.authors:
        fields.append(("author", " and ".join(escape_latex(name) for name in item.authors)))
    if year:
        fields.append(("year", year))
    if eprint:
        fields += [
            ("journal", f"arXiv preprint arXiv:{eprint}"),
            ("eprint", eprint),
            ("archivePrefix", "arXiv"),
            ("url", f"https://arxiv.org/abs/{eprint}"),
        ]
    else:
        fields.append(("howpublished", "\\url{" + item.url.replace("%", "\\%").replace("#", "\\#") + "}"))
    if item.comment:
        fields.append(("note", escape_latex(item.comment)))
    kind = "article" if eprint else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{citation_key(item, year, taken)},\n{body}\n}}\n"


_PAPER_MARKS = {"paper", "papers", "scholarly-article", "scholarlyarticle", "research paper"}


def paper_eprint(item: Resource) -> str | None:
    """The arXiv id of the item, or of its paper link (a blog post about a paper cites the paper)."""
    return arxiv_id(item.url) or next(
        (found for link in item.links if link.label in {"paper", "pdf"} and (found := arxiv_id(link.url))), None
    )


def is_paper(item: Resource) -> bool:
    """A paper, and only a paper: an arXiv or other paper-site link, an item marked as a paper (kind, category
    or tag), or a PDF. A blog post (kind "article", the web's word for any page with an author) is not one."""
    from tracker.importers.link_words import url_kind

    marks = {(item.kind or "").casefold(), (item.category or "").casefold(), *(t.casefold() for t in item.tags)}
    return bool(paper_eprint(item) or url_kind(item.url) == "paper" or marks & _PAPER_MARKS or names_pdf(item.url))


def render_bibtex(document: Document) -> str:
    """One entry per paper in the list; videos, blogs and tools are left out."""
    taken: set[str] = set()
    return "\n".join(bibtex_entry(item, taken) for item in document.resources if is_paper(item))
