"""The ``tracker add`` and ``tracker fetch`` workflows: look pages up, plan what changes in the list, record it.

Like ``tracker.web.links.linkrun`` for checks, this knows nothing of Click: the commands parse options, call these
functions and print what they return.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from tracker.store import Store
    from tracker.store.fetchlog import FetchRecord
    from tracker.store.index import Index
    from tracker.web.http.policy import HttpPolicy
    from tracker.web.meta.lookup import Lookup


@dataclass
class AddMetadata:
    """The fields ``tracker add`` stores from the page, and a note for the user when the fetch failed."""

    fields: dict[str, object]
    note: str | None = None


def _refuse_duplicate(index: Index, url: str, found_at: str | None, how: str) -> None:
    """Raise DuplicateError when ``found_at`` (where ``url`` led, or what the page calls itself) is an item.

    A site's home page as the canonical URL of a deeper page is a common misconfiguration, not a duplicate.
    """
    from tracker.errors import DuplicateError
    from tracker.urls import identity_key

    if not found_at:
        return
    if urlsplit(found_at).path in ("", "/") and urlsplit(url).path not in ("", "/"):
        return
    try:
        existing = index.id_for_url_key(identity_key(found_at))
    except ValueError:
        return
    if existing:
        raise DuplicateError(f"{url} {how} {found_at}, already in the list as '{existing}'", existing)


def host_does_not_exist(url: str, timeout: float) -> bool:
    """True when DNS answers that the URL's host does not exist, asked without the HTTP stack (whose import
    alone costs more than the rest of ``tracker add``). False when it resolves, when the answer is late or only
    temporary, for literal addresses, and when a proxy would resolve the name instead of this machine."""
    import ipaddress
    import socket
    import threading
    import urllib.request

    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        pass
    if urllib.request.getproxies_environment() and not urllib.request.proxy_bypass_environment(host):
        return False
    gone: list[bool] = []

    def ask() -> None:
        try:
            socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            gone.append(exc.errno != socket.EAI_AGAIN)
        except (OSError, UnicodeError):
            pass

    asking = threading.Thread(target=ask, name=f"resolve {host}", daemon=True)  # a hung resolver is left behind
    asking.start()
    asking.join(timeout)
    return bool(gone and gone[0])


def _connect_timeout() -> float:
    """``TRACKER_TIMEOUT`` when set (as ``tracker.web.http.policy.policy_from_env`` reads it), else the policy's 5 s."""
    import os

    try:
        value = float(os.environ.get("TRACKER_TIMEOUT", "") or 5.0)
    except ValueError:
        value = 5.0
    return min(value, 5.0) if value > 0 else 5.0


def metadata_for_add(
    store: Store, url: str, given: dict[str, object], policy: HttpPolicy | None = None
) -> AddMetadata:
    """Fetched fields for ``tracker add``: what the page says, minus what the user gave on the command line.

    Refuses a duplicate before fetching (same URL, normalised) and after it (the URL redirects to an item, or
    the page's canonical URL is one). Never raises for network trouble: on failure it returns what the URL
    alone tells (marked in the fetch record so ``tracker fetch --missing`` tries again) and the reason.
    """
    from tracker.errors import DuplicateError
    from tracker.urls import identity_key, validate_url
    from tracker.web.refresh import plan_refresh

    url = validate_url(url)
    index = store.index()
    existing = index.id_for_url_key(identity_key(url))
    if existing:  # refuse before spending seconds on a fetch
        raise DuplicateError(f"{url} is already in the list as '{existing}'", existing)
    current = {"url": url, **{k: v for k, v in given.items() if v not in (None, "", [], ())}}
    if host_does_not_exist(url, policy.connect_timeout if policy else _connect_timeout()):
        from tracker.web.meta.sites import metadata_from_url

        plan = plan_refresh(current, metadata_from_url(url), failed=True)
        return AddMetadata({**plan.changes, "fetched": plan.record}, "saved without page metadata: "
                           "host not found (DNS lookup failed)")
    from tracker.archive.capture import hold_for_add, reading_policy  # archive hook: the whole page, kept
    from tracker.web.http.policy import policy_from_env
    from tracker.web.meta.lookup import lookup

    found = lookup(url, reading_policy(store.path.parent, policy or policy_from_env()))
    hold_for_add(store.path.parent, url, found.page)
    if found.final_url and identity_key(found.final_url) != identity_key(url):
        _refuse_duplicate(index, url, found.final_url, "redirects to")
    canonical = found.metadata.canonical_url if found.error is None else None
    if canonical and identity_key(canonical) != identity_key(url):
        _refuse_duplicate(index, url, canonical, "names as its canonical URL")
    plan = plan_refresh(current, found.metadata, failed=found.error is not None)
    note = f"saved without page metadata: {found.error}" if found.error else None
    return AddMetadata({**plan.changes, "fetched": plan.record}, note)


# ---------------------------------------------------------------------------------------------- fetch


def fetch_records(store: Store) -> dict[str, FetchRecord]:
    """Every item's last fetch record: the fetch log, else an old ``fetched:`` line still in the item."""
    from tracker.store import fetchlog

    legacy = (data for _pos, data in store.index().resources_with_key(fetchlog.LEGACY_FIELD))
    return fetchlog.records_for(legacy, store.project.fetch_log)


def select_items(index: Index, refs: tuple[str, ...], all_items: bool, missing: bool,
                 records: dict[str, FetchRecord]) -> list[dict]:
    """The items ``tracker fetch`` refreshes: those named, or all; with ``missing`` only the never fetched
    (or whose last fetch failed)."""
    from tracker.reading_list import resolve_ref
    from tracker.web.refresh import needs_fetch

    if refs:
        items = [index.resource(resolve_ref(index, ref)) for ref in refs]
    else:
        items = [json.loads(row[7]) for row in index.query_resources()]
    if missing:
        items = [item for item in items if item and needs_fetch(item, records.get(str(item["id"])))]
    return [item for item in items if item]


@dataclass
class FetchReport:
    """What one ``tracker fetch`` found: per item the new fields and fetch record, what failed, hand edits kept."""

    fetched: int = 0
    changes: dict[str, dict] = field(default_factory=dict)  # item id -> fields to write (maybe none)
    records: dict[str, FetchRecord] = field(default_factory=dict)  # item id -> its new fetch record
    failed: list[tuple[str, str]] = field(default_factory=list)  # (item id, reason)
    kept: dict[str, list[str]] = field(default_factory=dict)  # item id -> fields kept because a person edited them

    @property
    def updated(self) -> list[str]:
        """Items whose metadata changed (not only their fetch record)."""
        return [item_id for item_id, fields in self.changes.items() if fields]

    @property
    def unchanged(self) -> int:
        return self.fetched - len(self.updated) - len(self.failed)

    def message(self) -> str:
        """The commit message: items whose metadata changed, and items where only the fetch record changed
        (a field a person edited is now marked as theirs, or a failed fetch now worked)."""
        updated, recorded_only = len(self.updated), len(self.changes) - len(self.updated)
        parts = [f"metadata for {_plural(updated, 'item')}"] if updated else []
        if recorded_only:
            parts.append(f"hand edits noted in {_plural(recorded_only, 'item')}")
        return "fetch: " + ", ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def run_fetch(
    items: list[dict],
    policy: HttpPolicy,
    records: dict[str, FetchRecord],
    overwrite: bool = False,
    on_done: Callable[[Lookup], None] | None = None,
) -> FetchReport:
    """Look every item's page up (concurrently, polite per host) and plan the changes; writes nothing."""
    from tracker.web.meta.lookup import lookup_many
    from tracker.web.refresh import plan_refresh

    found = lookup_many([str(item["url"]) for item in items], policy, on_done=on_done)
    report = FetchReport(fetched=len(items))
    for item, result in zip(items, found, strict=True):
        item_id = str(item["id"])
        if result.error:
            report.failed.append((item_id, result.error))
            continue
        plan = plan_refresh(item, result.metadata, overwrite=overwrite, record=records.get(item_id))
        if plan.kept:
            report.kept[item_id] = plan.kept
        if plan.changes or not plan.record.same_facts(records.get(item_id)):
            report.changes[item_id] = plan.changes
            report.records[item_id] = plan.record
    return report


def record_fetch(store: Store, report: FetchReport, extra_paths: Sequence[Path] = (), also: str = "") -> None:
    """Write the planned changes and fetch records in one commit (none when nothing changed); an old file's
    ``fetched:`` lines move to the fetch log on the way. ``extra_paths`` (saved page text) join that commit,
    ``also`` says so in its message."""
    from tracker.store import fetchlog

    if report.changes or store.index().resources_with_key(fetchlog.LEGACY_FIELD):
        fetchlog.save_fetches(store, {item_id: fields for item_id, fields in report.changes.items() if fields},
                              report.records, report.message() + also, extra_paths=extra_paths)
