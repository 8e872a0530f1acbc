"""Which reading-list items, glossary terms and study-plan chapters name which experiment (their ``lab:``).

Also resolves what ``tracker lab run TARGET`` means: an experiment id, or an item / chapter / term that links one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import DataError, NotFoundError
from tracker.lab.discovery import ExperimentInfo


@dataclass(frozen=True)
class LabLink:
    """One thing in resources.yaml that points at an experiment."""

    kind: str  # "item", "term" or "topic"
    key: str  # the item id, the term, or the chapter id
    title: str
    lab: str


@dataclass
class LabLinks:
    links: list[LabLink] = field(default_factory=list)
    topic_titles: dict[str, str] = field(default_factory=dict)

    def for_experiment(self, experiment_id: str) -> list[LabLink]:
        return [link for link in self.links if link.lab == experiment_id]


def read_resources(path: Path) -> dict[str, Any]:
    """The raw mapping in resources.yaml, read with PyYAML's safe C loader (no aliases expanded into objects)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path, mark.line + 1 if mark else None) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError("expected a mapping with resources, glossary, topics", path, 1)
    return data


def collect_links(data: dict[str, Any]) -> LabLinks:
    """Every ``lab:`` in the document, plus chapter titles (to label an experiment's topic)."""
    found = LabLinks()
    for entry in data.get("resources") or []:
        if isinstance(entry, dict) and entry.get("lab"):
            found.links.append(LabLink("item", str(entry.get("id")), str(entry.get("title", "")), str(entry["lab"])))
    for entry in data.get("glossary") or []:
        if isinstance(entry, dict) and entry.get("lab"):
            found.links.append(LabLink("term", str(entry.get("term")), str(entry.get("term")), str(entry["lab"])))
    for entry in data.get("topics") or []:
        if not isinstance(entry, dict):
            continue
        found.topic_titles[str(entry.get("id"))] = str(entry.get("title", ""))
        if entry.get("lab"):
            found.links.append(LabLink("topic", str(entry.get("id")), str(entry.get("title", "")), str(entry["lab"])))
    return found


def load_links(resources: Path | None) -> LabLinks:
    """The links in ``resources`` (no file: no links, the lab still works on its own)."""
    if resources is None or not resources.exists():
        return LabLinks()
    return collect_links(read_resources(resources))


def unknown_links(links: LabLinks, experiments: dict[str, ExperimentInfo]) -> list[LabLink]:
    """Links whose ``lab:`` names no experiment in lab/."""
    return [link for link in links.links if link.lab not in experiments]


def resolve_target(
    target: str, experiments: dict[str, ExperimentInfo], links: LabLinks
) -> tuple[ExperimentInfo, LabLink | None]:
    """``target`` as an experiment id, else an item id, chapter id or glossary term (case-insensitive) with a lab.

    Only ids found in lab/ resolve: a path or an unknown id is refused with the list of known ids.
    """
    if target in experiments:
        return experiments[target], None
    wanted = target.casefold()
    matches = [link for link in links.links if link.key.casefold() == wanted]
    if not matches:
        known = ", ".join(sorted(experiments)) or "none"
        raise NotFoundError(f"{target!r} is neither an experiment in lab/ nor an item with a lab: (experiments: {known})")
    link = matches[0]
    if link.lab not in experiments:
        raise DataError(f"{link.kind} {link.key!r} links lab: {link.lab!r}, which is not an experiment in lab/")
    return experiments[link.lab], link
