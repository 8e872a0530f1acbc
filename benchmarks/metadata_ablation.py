"""Which metadata rules earn their keep on pages they were not written from: rule-family ablations scored per
site family, and a leave-one-family-out estimate of the score on unseen pages.

    python benchmarks/metadata_ablation.py [--bench-dir ../shared/bench/metadata] [--only RULE,...]

How it estimates generalisation: the corpus is split into site families (``ms-instagram-*`` is one family,
``ms-the-guardian`` and ``ms-the-register`` share the family ``the``; a trafilatura page's family is its domain).
Each rule family is switched off in turn (monkeypatched, the code is not changed) and the per-case, per-field
correctness is compared with the full extractor. A rule that helps pages of one family only was, by all odds,
written from that family: on unseen pages it is worth nothing (or costs). The held-out proxy scores every family
with the rules that help some *other* family (plus those that help nowhere and cost nothing), i.e. as if the
family had been held out while the rules were written.

Run as ``--worker ABLATION MANIFEST`` it is the batch extractor score.py drives.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIELDS = ("title", "description", "author", "date", "publisher", "canonical_url", "image")
_NEVER = re.compile(r"(?!x)x")


def _patch(name: str) -> None:
    """Switch one rule family off."""
    from tracker.web.meta import authors, metadata, sites, titles

    none = lambda *a, **k: None  # noqa: E731
    patches = {
        "title.scholarly_title": lambda: setattr(titles, "_scholarly_title", lambda t, c: t),
        "title.leading_site_of_shared": lambda: setattr(titles, "_strip_leading_site", lambda t, s: t),
        "title.headline_in_title": lambda: setattr(titles, "_headline_in_title", none),
        "title.names_on_page": lambda: setattr(titles, "site_names_on_page", lambda p: frozenset()),
        "title.powered_by": lambda: setattr(titles, "_POWERED_BY", _NEVER),
        "title.docs_and_cjk_site": lambda: (setattr(titles, "_DOCS_SEGMENT", _NEVER),
                                            setattr(titles, "_CJK_SITE", _NEVER)),
        "title.host_label_partial": lambda: setattr(titles, "site_like", _site_like_exact(titles.site_like)),
        "title.heading_ending": lambda: setattr(titles, "_headline_ending_title", none),
        "site.logo_or_copyright": lambda: setattr(metadata, "site_from_logo", none),
        "author.linked_people": lambda: setattr(authors, "_linked_people", lambda b: []),
        "author.people_first": lambda: setattr(authors, "_people_first", lambda n, o: n),
        "author.interface_phrases": lambda: setattr(authors, "_reads_like_a_phrase", lambda t: False),
        "title.cut_author_segment": lambda: setattr(metadata, "cut_author_segment", lambda t, a: t),
        "site.from_title": lambda: setattr(metadata, "site_from_title", none),
        "site.publishing_house": lambda: setattr(metadata, "_PUBLISHING_HOUSE", _NEVER),
        "author.site_prefix": lambda: setattr(authors, "_without_site_prefix", lambda n, p, s: n),
        "author.role_tail": lambda: (setattr(authors, "_ROLE_TAIL", _NEVER), setattr(authors, "_CJK_ROLE", _NEVER)),
        "author.role_part": lambda: setattr(authors, "_is_role", lambda t: False),
        "author.names_the_site": lambda: setattr(authors, "_names_the_site", lambda *a: False),
        "author.organisations": lambda: setattr(authors, "_names_an_organisation", lambda *a: False),
        "author.social_title": lambda: setattr(authors, "_SOCIAL_TITLE", _NEVER),
        "author.byline": lambda: setattr(authors, "_byline_names", lambda p: []),
        "author.by_line_text": lambda: setattr(authors, "_by_line_text", lambda p: []),
        "author.author_link": lambda: setattr(authors, "_author_page_link", lambda p: []),
        "author.twitter_label": lambda: setattr(authors, "_labelled_author", lambda p: []),
        "date.url": lambda: setattr(metadata, "date_from_url", none),
        "date.visible": lambda: setattr(metadata, "_visible_date", none),
        "date.embedded_json": lambda: setattr(metadata, "_embedded_json_date", none),
        "date.description": lambda: setattr(metadata, "_DATE_IN_DESCRIPTION", _NEVER),
        "date.byline_block": lambda: setattr(metadata, "_date_near_byline", none),
        "date.near_top": lambda: setattr(metadata, "_date_near_top", none),
        "date.modified": lambda: setattr(metadata, "_MODIFIED_META", ()),
        "site_helpers": lambda: setattr(sites, "apply_site_rules", none),
    }
    if name != "none":
        for part in name.split("+"):
            patches[part]()


def _site_like_exact(original):
    def exact(segment, site, host, loose=True, partial=True, known=frozenset()):
        return original(segment, site, host, loose, False, known)
    return exact


RULES = [
    "title.scholarly_title", "title.leading_site_of_shared", "title.headline_in_title", "title.names_on_page", "title.powered_by",
    "title.docs_and_cjk_site", "title.host_label_partial", "title.heading_ending", "title.cut_author_segment",
    "site.from_title", "site.logo_or_copyright", "author.linked_people", "author.interface_phrases",
    "author.people_first",
    "site.publishing_house", "author.site_prefix", "author.role_tail", "author.role_part", "author.names_the_site",
    "author.organisations", "author.social_title", "author.byline", "author.by_line_text", "author.author_link",
    "author.twitter_label", "date.url", "date.visible", "date.embedded_json", "date.description",
    "date.byline_block", "date.near_top", "date.modified", "site_helpers",
]


def worker(ablation: str, manifest: str) -> None:
    _patch(ablation)
    from tracker.web.meta.metadata import extract_metadata

    for line in Path(manifest).read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            data = extract_metadata(Path(case["html"]).read_bytes(), case.get("url") or "").to_dict()
            data["id"] = case["id"]
            print(json.dumps(data, ensure_ascii=False))


def family(case: str) -> str:
    source, _, rest = case.partition("-")
    return f"{source}-{re.split(r'[-.]', rest)[0]}"


def score(bench: Path, ablation: str) -> dict[tuple[str, str], bool]:
    with tempfile.TemporaryDirectory() as tmp:
        details = Path(tmp) / "details.jsonl"
        cmd = f"{sys.executable} {Path(__file__).resolve()} --worker {ablation} {{manifest}}"
        subprocess.run([sys.executable, str(bench / "score.py"), "--batch", "--cmd", cmd, "--details", str(details)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
        out = {}
        for line in details.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for field in FIELDS:
                if field in row:
                    out[(row["id"], field)] = bool(row[field][0])
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-dir", default=str(ROOT.parent.parent / "shared" / "bench" / "metadata"))
    parser.add_argument("--only", help="comma list of rule families (default: all)")
    parser.add_argument("--worker", nargs=2, metavar=("ABLATION", "MANIFEST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    bench = Path(args.bench_dir)
    full = score(bench, "none")
    total = len(full)
    print(f"full extractor: {sum(full.values())}/{total} = {sum(full.values()) / total:.1%}")
    rules = args.only.split(",") if args.only else RULES
    helps_only: dict[str, set[str]] = {}
    losses: dict[str, dict[tuple[str, str], bool]] = {}
    print(f"{'rule family':32} {'gain':>5} {'fixes':>5} {'breaks':>6}  families it helps")
    for rule in rules:
        off = score(bench, rule)
        fixes = [key for key in full if full[key] and not off.get(key)]
        breaks = [key for key in full if not full[key] and off.get(key)]
        fams = defaultdict(int)
        for case, _ in fixes:
            fams[family(case)] += 1
        for case, _ in breaks:
            fams[family(case)] -= 1
        helped = {fam for fam, net in fams.items() if net > 0}
        helps_only[rule] = helped
        losses[rule] = off
        shown = ", ".join(f"{fam}{net:+d}" for fam, net in sorted(fams.items(), key=lambda kv: -kv[1]) if net)
        print(f"{rule:32} {len(fixes) - len(breaks):+5d} {len(fixes):5d} {len(breaks):6d}  {shown[:150]}")
    # Leave-one-family-out: a family scored without the rules that help it and no other family.
    proxy = 0
    for key, ok in full.items():
        fam = family(key[0])
        own_rules = [rule for rule, helped in helps_only.items() if helped == {fam}]
        for rule in own_rules:
            if losses[rule].get(key) != ok:
                ok = losses[rule].get(key, False)
        proxy += ok
    print(f"held-out proxy (rules that help only the family being scored switched off): {proxy}/{total} "
          f"= {proxy / total:.1%}")


if __name__ == "__main__":
    main()
