"""How well ``tracker import`` reads real lists: links kept, generic titles, links dropped without a reason.

For each Markdown file: the share of its non-image web links kept (as items or as their links), the share of
items whose title is a generic link word ("Paper", "Tweet", "Article"), and the links neither kept nor listed
as skipped. Targets (issue 13): at least 85% kept, under 2% generic, none unreported.

    python benchmarks/bench_import_layouts.py [FILE.md ...]   # default: tests/fixtures/transfer/layouts/*.md
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.importers import read_import_file  # noqa: E402
from tracker.importers.link_words import is_generic_text  # noqa: E402
from tracker.importers.markdown_blocks import find_links  # noqa: E402
from tracker.importers.markup import normalise_markup  # noqa: E402
from tracker.importers.merge_content import combine  # noqa: E402
from tracker.models import Document  # noqa: E402
from tracker.urls import identity_key  # noqa: E402

LAYOUTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "transfer" / "layouts"


def measure(path: Path) -> dict:
    text = path.read_text(encoding="utf-8", errors="replace")
    counted = {
        identity_key(link.url)
        for line in normalise_markup(text).splitlines()
        for link in find_links(line)
        if not link.image and re.match(r"https?://", link.url)
    }
    _fmt, content = read_import_file(path, "markdown")
    items = combine(Document(), content).plan.resources
    kept = {identity_key(item.url) for item in items} | {identity_key(x.url) for item in items for x in item.links}
    reported = {identity_key(s.text) for s in content.skipped}
    lost = counted - kept - reported
    return {
        "items": len(items),
        "links": len(counted),
        "kept": len(counted & kept) / len(counted) if counted else 1.0,
        "generic": sum(is_generic_text(item.title) for item in items) / len(items) if items else 0.0,
        "unreported": len(lost),
        "lost": sorted(lost)[:5],
    }


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or sorted(LAYOUTS.glob("*.md"))
    print(f"{'file':32} {'items':>6} {'links':>6} {'kept':>7} {'generic':>8} {'unreported':>10}")
    worst = True
    for path in paths:
        row = measure(path)
        ok = row["kept"] >= 0.85 and row["generic"] < 0.02 and row["unreported"] == 0
        worst = worst and ok
        print(f"{path.name[:32]:32} {row['items']:>6} {row['links']:>6} {row['kept']:>7.1%} {row['generic']:>8.1%} "
              f"{row['unreported']:>10}{'' if ok else '  <- ' + ', '.join(row['lost'])}")
    return 0 if worst else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
