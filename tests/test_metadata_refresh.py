"""Which fetched values may be written: a person's edits survive a refresh unless --overwrite."""

from __future__ import annotations

import datetime as dt

from tracker.store.fetchlog import parse_legacy
from tracker.web.meta.metadata import PageMetadata
from tracker.web.refresh import needs_fetch, plan_refresh

TODAY = dt.date(2026, 11, 28)
URL = "https://garden.example/posts/layer-norm"


def page(**fields) -> PageMetadata:
    return PageMetadata(url=URL, **fields)


def test_first_fetch_fills_empty_fields_and_records_them():
    plan = plan_refresh({"url": URL}, page(title="Layer Norm", authors=["Jane Doe"], published="2024-02-10"),
                        today=TODAY)
    assert plan.changes == {"title": "Layer Norm", "authors": ["Jane Doe"], "published": dt.date(2024, 2, 10)}
    record = plan.record
    assert record.when == TODAY and set(record.digests) == {"title", "authors", "published"}
    assert not record.failed


def test_refresh_updates_fetched_values_but_keeps_edited_ones():
    first = plan_refresh({"url": URL}, page(title="Old title", site="Garden"), today=TODAY)
    item = {"url": URL, **first.changes}
    item["site"] = "Gradient Garden (my name for it)"  # a person's edit
    second = plan_refresh(item, page(title="New title", site="Garden Blog"), today=TODAY, record=first.record)
    assert second.changes == {"title": "New title"}
    assert second.kept == ["site"]
    forced = plan_refresh(item, page(title="New title", site="Garden Blog"), overwrite=True, today=TODAY,
                          record=first.record)
    assert forced.changes == {"title": "New title", "site": "Garden Blog"}


def test_values_given_without_a_record_count_as_the_users():
    item = {"url": URL, "title": "My own title", "authors": ["Someone"]}
    plan = plan_refresh(item, page(title="Page title", authors=["Jane Doe"], kind="article"), today=TODAY)
    assert plan.changes == {"kind": "article"}
    assert sorted(plan.kept) == ["authors", "title"]


def test_placeholder_title_from_the_url_is_replaced():
    item = {"url": URL, "title": "Layer norm (garden.example)"}
    assert plan_refresh(item, page(title="Why Layer Norm Works"), today=TODAY).changes == {
        "title": "Why Layer Norm Works"
    }


def test_failed_fetch_is_recorded_and_selected_by_missing():
    plan = plan_refresh({"url": URL}, page(title="Layer norm (garden.example)"), failed=True, today=TODAY)
    item = {"url": URL, **plan.changes}
    assert plan.record.failed
    assert needs_fetch(item, plan.record) and needs_fetch({"url": URL})
    ok = plan_refresh(item, page(title="Why Layer Norm Works"), today=TODAY, record=plan.record)
    assert ok.changes == {"title": "Why Layer Norm Works"}
    assert not needs_fetch({**item, **ok.changes}, ok.record)


def test_an_old_fetched_line_in_the_item_is_still_read():
    plan = plan_refresh({"url": URL}, page(title="Old title", site="Garden"), today=TODAY)
    line = f"{TODAY} " + " ".join(f"{k}:{v}" for k, v in plan.record.digests.items())
    item = {"url": URL, **plan.changes, "fetched": line}
    assert plan_refresh(item, page(title="New title", site="Garden"), today=TODAY).changes == {"title": "New title"}
    assert not needs_fetch(item) and needs_fetch({**item, "fetched": f"{TODAY} failed"})


def test_long_descriptions_are_shortened_and_same_canonical_dropped():
    plan = plan_refresh({"url": URL}, page(description="x" * 5000, canonical_url=URL), today=TODAY)
    assert len(plan.changes["description"]) == 600
    assert "canonical_url" not in plan.changes


def test_junk_record_is_tolerated():
    assert parse_legacy("not a record at all").when is None
    assert parse_legacy(None).digests == {}
