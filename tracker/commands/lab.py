"""``tracker lab list`` and ``tracker lab run``: the experiments in lab/ and the items linked to them.

Parses options, calls tracker.lab, prints. Never imports torch: experiments run in their own processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from tracker.commands import completion
from tracker.errors import NotFoundError


def _find_resources(ctx: click.Context) -> Path | None:
    """The resources.yaml in use (``--file`` / TRACKER_FILE, else the nearest one above); None when there is
    none, since the lab also works on its own."""
    from tracker.errors import TrackerError
    from tracker.store import find_data_file

    explicit = getattr(ctx.find_root().obj, "file", None)
    if explicit is not None:
        return find_data_file(explicit)
    try:
        return find_data_file()
    except TrackerError:
        return None


def _project_root(resources: Path | None) -> Path:
    return resources.resolve().parent if resources is not None else Path.cwd().resolve()


lab_dir_option = click.option(
    "--lab-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="TRACKER_LAB_DIR",
    help="Directory of experiments (default: lab/ next to resources.yaml). Env: TRACKER_LAB_DIR.",
)


@click.group("lab")
def lab_group() -> None:
    """PyTorch experiments in lab/ that check the claims of linked items.

    \b
    Example:
      tracker lab list
      tracker lab run broadcasting --device cpu
      tracker lab run --all --json
    """


@lab_group.command("list")
@lab_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_cmd(ctx: click.Context, lab_dir: Path | None, as_json: bool) -> None:
    """List the experiments with their topic, the items/terms/chapters linked to them and their last run.

    \b
    Example:
      tracker lab list
      tracker lab list --json | jq -r '.experiments[] | select(.items | length > 0) | .id'
    """
    from tracker.lab.discovery import discover_experiments, find_lab_dir
    from tracker.lab.links import add_declared_links, load_links, unknown_links
    from tracker.lab.runs import latest_runs, runs_path

    resources = _find_resources(ctx)
    root = _project_root(resources)
    experiments = discover_experiments(find_lab_dir(root, lab_dir))
    links = load_links(resources)
    add_declared_links(links, experiments, links.item_titles)
    last = {}
    for (experiment, _device), run in latest_runs(runs_path(root)).items():
        if experiment not in last or (run.get("started") or "") >= (last[experiment].get("started") or ""):
            last[experiment] = run
    rows = []
    for info in experiments.values():
        linked = links.for_experiment(info.id)
        run = last.get(info.id)
        rows.append({
            "id": info.id,
            "title": info.title,
            "topic": info.topic,
            "topic_title": links.topic_titles.get(info.topic),
            "claims": [{"key": key, "text": text} for key, text in info.claim_texts().items()],
            "path": str(info.path),
            "items": [link.key for link in linked if link.kind == "item"],
            "terms": [link.key for link in linked if link.kind == "term"],
            "topics": [link.key for link in linked if link.kind == "topic"],
            "last_run": None if run is None else {
                key: run.get(key) for key in ("status", "device", "max_error", "started", "duration_s")
            },
        })
    dangling = [{"kind": link.kind, "key": link.key, "lab": link.lab} for link in unknown_links(links, experiments)]
    # Items an experiment names that the list does not have (renamed or removed since): said, not fatal.
    missing = [{"experiment": info.id, "item": item} for info in experiments.values() for item in info.items
               if resources is not None and item not in links.item_titles]
    if as_json:
        click.echo(json.dumps({"experiments": rows, "unknown_links": dangling, "unknown_items": missing}, indent=2))
        return
    _print_list(rows, dangling, missing)


def _print_list(rows: list[dict], dangling: list[dict], missing: list[dict]) -> None:
    """A table in a terminal, tab-separated lines when piped (see tracker/commands/output.py); the links to
    unknown experiments and items are warnings, on stderr."""
    from tracker.commands.output import Col, print_table

    cells = []
    for row in rows:
        linked = [*row["items"], *(f"term:{t}" for t in row["terms"]), *(f"topic:{t}" for t in row["topics"])]
        run = row["last_run"]
        cells.append([row["id"], row["topic"] or "", row["title"], ", ".join(linked),
                      "" if run is None else f"{run['status']} on {run['device']}"])
    print_table([Col("id", cap=32, clip=True), Col("topic", cap=10), Col("title", share=2),
                 Col("linked", share=2), Col("last run", cap=16, min_terminal=70)],
                cells, title=f"lab: {len(rows)} experiments", empty="No experiments in lab/.")
    for link in dangling:
        click.echo(f"warning: {link['kind']} {link['key']!r} links unknown lab: {link['lab']!r}", err=True)
    for entry in missing:
        click.echo(f"warning: experiment {entry['experiment']} names item {entry['item']!r}, which is not in "
                   "the list", err=True)


@lab_group.command("run")
@click.argument("target", required=False, shell_complete=completion.lab_targets)
@click.option("--all", "run_all", is_flag=True, help="Run every experiment in lab/.")
@click.option("--device", default=None, envvar="TRACKER_DEVICE",
              help="auto (default), cpu, cuda, cuda:N or mps. Env: TRACKER_DEVICE.")
@click.option("--seed", default=0, show_default=True, help="Seed for every RNG.")
@click.option("--timeout", "timeout", default=120.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds each experiment may run before it is stopped and reported as a timeout.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(min=1),
              help="Experiments run at once with --all (keep 1 for honest timings).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--no-record", is_flag=True, help="Do not append the run to .tracker/lab-runs.jsonl.")
@lab_dir_option
@click.pass_context
def run_cmd(
    ctx: click.Context,
    target: str | None,
    run_all: bool,
    device: str | None,
    seed: int,
    timeout: float,
    jobs: int,
    as_json: bool,
    no_record: bool,
    lab_dir: Path | None,
) -> None:
    """Run an experiment by its id, or the one linked to an item, chapter or glossary term (TARGET).

    Exits with status 1 when a check fails, an experiment errors or times out.

    \b
    Example:
      tracker lab run broadcasting
      tracker lab run broadcasting-semantics-in-pytorch --device cpu
      tracker lab run --all --json > lab-report.json
    """
    from tracker.lab.discovery import discover_experiments, find_lab_dir
    from tracker.lab.links import add_declared_links, load_links, resolve_target
    from tracker.lab.runner import run_many
    from tracker.lab.runs import record_run, runs_path

    if run_all == bool(target):
        raise click.UsageError("give one TARGET (an experiment id or an item id), or --all")
    resources = _find_resources(ctx)
    root = _project_root(resources)
    experiments = discover_experiments(find_lab_dir(root, lab_dir))
    if not experiments:
        raise NotFoundError("lab/ holds no experiments")
    if run_all:
        chosen, via = list(experiments.values()), None
    else:
        links = load_links(resources)
        add_declared_links(links, experiments, links.item_titles)
        info, via = resolve_target(target or "", experiments, links)
        chosen = [info]
    # Pictures an experiment draws go to the study folder, where its notes point (notes/images/), not into
    # tracker's install; without a resources.yaml the experiment's own default (lab/outputs) stands.
    pictures = root / "notes" / "images" if resources is not None else None
    results = run_many(chosen, device=device, seed=seed, timeout=timeout, jobs=jobs, output_dir=pictures)
    if not no_record:
        for result in results:
            record_run(runs_path(root), result, item=via.key if via is not None and via.kind == "item" else None)
    if as_json:
        click.echo(json.dumps(results if run_all else results[0], indent=1))
    else:
        _print_results(results, run_all)
    if any(result.get("status") != "pass" for result in results):
        ctx.exit(1)


def _print_results(results: list[dict], summary: bool) -> None:
    from rich.console import Console

    from tracker.lab.report import print_result, summary_table

    console = Console()
    for result in results:
        if not summary or result.get("status") != "pass":
            print_result(result, console)
    if summary:
        console.print(summary_table(results))
