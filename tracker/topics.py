"""Progress through the study plan: done / total reading-list items per chapter, summed up the parts."""

from __future__ import annotations


def topic_progress(topics: list[dict], counts: dict[str, tuple[int, int]]) -> list[dict]:
    """One row per topic in plan order: id, number, title, depth, done and total (a part counts its chapters).

    ``counts`` maps a topic id to (done, total) of the items whose ``topic`` is that id.
    """
    by_id = {str(t["id"]): t for t in topics}
    totals = {topic_id: [0, 0] for topic_id in by_id}
    for topic_id, (done, total) in counts.items():
        seen: set[str] = set()
        current: str | None = topic_id
        while current is not None and current in by_id and current not in seen:
            seen.add(current)
            totals[current][0] += done
            totals[current][1] += total
            parent = by_id[current].get("parent")
            current = str(parent) if parent is not None else None
    rows = []
    for topic in topics:
        depth = 0
        seen_depth: set[str] = set()
        parent = topic.get("parent")
        while parent is not None and str(parent) in by_id and str(parent) not in seen_depth:
            seen_depth.add(str(parent))
            depth += 1
            parent = by_id[str(parent)].get("parent")
        done, total = totals[str(topic["id"])]
        rows.append({"id": str(topic["id"]), "number": topic.get("number"), "title": topic.get("title", ""),
                     "parent": topic.get("parent"), "depth": depth, "done": done, "total": total})
    return rows
