"""``tracker next --minutes 45``: what to read or watch next, within a time budget.

Order: next-up items first, then the inbox; within each, the study plan's order (the position of the item's
topic in ``topics``; items without a topic after those with one), then the list's order. The budget is filled
greedily in that order: an item that does not fit is passed over for a shorter one further down (so 45
minutes are used rather than stopping at the first long read). Items with no time estimate (no saved text, a
course, a book) are never counted as fitting: they are listed apart, so the plan's total is honest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATUS_ORDER = ("next-up", "inbox")


@dataclass(frozen=True)
class Candidate:
    item_id: str
    title: str
    status: str
    topic: str | None
    minutes: int | None
    url: str


@dataclass
class Plan:
    budget: int
    planned: list[Candidate] = field(default_factory=list)
    unestimated: list[Candidate] = field(default_factory=list)  # in order, no time estimate: not in the total

    @property
    def total(self) -> int:
        return sum(c.minutes or 0 for c in self.planned)

    def to_json(self) -> dict:
        def row(c: Candidate) -> dict:
            return {"id": c.item_id, "title": c.title, "status": c.status, "topic": c.topic,
                    "read_minutes": c.minutes, "url": c.url}

        return {"budget_minutes": self.budget, "total_minutes": self.total,
                "planned": [row(c) for c in self.planned], "no_estimate": [row(c) for c in self.unestimated]}


def plan_order(candidates: list[Candidate], topic_ids: list[str]) -> list[Candidate]:
    """``candidates`` (given in list order) sorted by status, then study-plan position, then list order."""
    topic_pos = {topic_id: n for n, topic_id in enumerate(topic_ids)}
    unknown = len(topic_pos)
    keyed = [(STATUS_ORDER.index(c.status) if c.status in STATUS_ORDER else len(STATUS_ORDER),
              topic_pos.get(c.topic or "", unknown), n, c) for n, c in enumerate(candidates)]
    return [c for *_, c in sorted(keyed, key=lambda k: k[:3])]


def plan_session(candidates: list[Candidate], topic_ids: list[str], budget: int, show_unestimated: int = 5) -> Plan:
    """The items to take up within ``budget`` minutes (see the module docstring for the order)."""
    plan = Plan(budget)
    left = budget
    for candidate in plan_order([c for c in candidates if c.status in STATUS_ORDER], topic_ids):
        if candidate.minutes is None:
            if len(plan.unestimated) < show_unestimated:
                plan.unestimated.append(candidate)
            continue
        if candidate.minutes <= left:
            plan.planned.append(candidate)
            left -= candidate.minutes
    return plan
