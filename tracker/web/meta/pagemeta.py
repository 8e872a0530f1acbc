"""What a page says about itself, as the extractor, the site helpers and the refresh planner pass it around.

Its own module so that ``metadata`` (the generic rules) and ``sites`` (the site helpers) can both use it without
importing each other."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

FIELDS = ("title", "authors", "published", "site", "description", "kind", "canonical_url", "image", "lang")


@dataclass
class PageMetadata:
    """What a page says about itself; None / [] where it says nothing usable."""

    url: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    site: str | None = None
    description: str | None = None
    kind: str | None = None
    canonical_url: str | None = None
    image: str | None = None
    lang: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def fill_from(self, other: PageMetadata) -> None:
        """Take ``other``'s values for the fields this one lacks."""
        for name in FIELDS:
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))
