"""``tracker meta`` (what the extractor finds for a URL or a saved page) and ``tracker fetch`` (refresh items)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tracker.errors import TrackerError


def _print_metadata(data: dict[str, object], as_json: bool, error: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in data.items():
        if key == "error" or value in (None, "", []):
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        # Page text is data, never markup: escape it so "[b]" or "<script>" in a title prints as written.
        table.add_row(key, escape(shown))
    console = Console()
    console.print(table)
    if error:
        console.print(f"[yellow]note:[/yellow] {escape(error)}")


def _extract_file(path: Path, url: str) -> dict[str, object]:
    from tracker.web.metadata import extract_metadata

    return extract_metadata(path.read_bytes(), url).to_dict()


def _run_batch(manifest: Path) -> None:
    """JSONL in ({"id", "html", "url"}), JSONL out ({"id", <fields>}): one process for many pages."""
    from tracker.web.metadata import extract_metadata

    out = sys.stdout
    with manifest.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
                data = extract_metadata(Path(case["html"]).read_bytes(), case.get("url") or "").to_dict()
            except (OSError, ValueError, KeyError) as exc:
                data = {"_error": f"{manifest}:{number}: {exc}"}
                case = case if isinstance(case, dict) else {}
            data["id"] = case.get("id") if isinstance(case, dict) else None
            out.write(json.dumps(data, ensure_ascii=False) + "\n")


@click.command("meta")
@click.argument("target", required=False)
@click.option("--url", "page_url", help="The address of a saved page (makes its relative links absolute).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--batch",
    "manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON-lines file of {"id", "html", "url"}: print one JSON line per page.',
)
def meta_cmd(target: str | None, page_url: str | None, as_json: bool, manifest: Path | None) -> None:
    """Show the metadata found for a URL or a saved HTML file.

    \b
    Examples:
      tracker meta https://arxiv.org/abs/1706.03762
      tracker meta saved.html --url https://example.com/post --json
      tracker meta --batch pages.jsonl
    """
    if manifest is not None:
        if target:
            raise click.UsageError("give either TARGET or --batch, not both")
        _run_batch(manifest)
        return
    if not target:
        raise click.UsageError("give a URL or an HTML file (or --batch MANIFEST)")
    if target.startswith(("http://", "https://")) and not Path(target).exists():
        from tracker.urls import validate_url
        from tracker.web.lookup import lookup

        found = lookup(validate_url(target))
        data = found.metadata.to_dict()
        data["error"] = found.error
        _print_metadata(data, as_json, found.error)
        return
    path = Path(target)
    if not path.is_file():
        raise TrackerError(f"{target}: no such file (and not an http(s) URL)")
    _print_metadata(_extract_file(path, page_url or ""), as_json)
