"""The reading room publishes each lab run's claims as their own rows (issue 17): after `tracker lab run` of an
experiment with a CUDA-only claim on the CPU, `tracker build` writes one `lab_claims` row per claim with its
status and why, a facet on status, and a summary ("2 passed, 1 not checked") on the run, the experiment and the
"Items with a lab experiment" page."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from tracker.publish.metadata import CANNED_QUERIES, datasette_metadata
from tracker.publish.serve import make_datasette

EXPERIMENT = '''
"""A fixture experiment with one claim only a CUDA device can check."""

from tracker.lab.experiment import Experiment, main

EXPERIMENT = {
    "id": "gpu-claims",
    "title": "Two claims anywhere, one on CUDA only",
    "topic": "1.1.1",
    "claims": {"sum": "1 + 1 = 2", "product": "2 * 3 = 6", "kernel": "a CUDA kernel computes 2 + 2"},
}


def run(exp: Experiment) -> None:
    exp.claim("sum")
    exp.equal("1 + 1", 1 + 1, 2)
    exp.claim("product")
    exp.equal("2 * 3", 2 * 3, 6)
    exp.close("2 * 3 in floating point", abs(2.0 * 3.0 - 6.0), 1e-12)
    if exp.device.type != "cuda":
        exp.not_checked("kernel", f"needs CUDA (this run is on {exp.device.type})")
        return
    import torch

    exp.claim("kernel")
    exp.equal("2 + 2 on the GPU", int((torch.ones(1, device=exp.device) * 4).item()), 4)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
'''


def test_a_runs_claims_are_published_as_rows_with_status_and_why(project: Path, invoke, tmp_path: Path) -> None:
    (project / "lab").mkdir()
    (project / "lab" / "gpu_claims.py").write_text(EXPERIMENT)
    assert invoke("edit", "micrograd", "--lab", "gpu-claims").exit_code == 0
    ran = invoke("lab", "run", "gpu-claims", "--device", "cpu")
    assert ran.exit_code == 0, ran.output
    db = tmp_path / "room.db"
    built = invoke("build", "--db", str(db))
    assert built.exit_code == 0, built.output

    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute(
        "select run, experiment, device, key, text, status, why, checks, check_names from lab_claims order by id")]
    run_id = conn.execute("select id from lab_runs where experiment = 'gpu-claims'").fetchone()[0]
    assert rows == [
        {"run": run_id, "experiment": "gpu-claims", "device": "cpu", "key": "sum", "text": "1 + 1 = 2",
         "status": "passed", "why": None, "checks": 1, "check_names": "1 + 1"},
        {"run": run_id, "experiment": "gpu-claims", "device": "cpu", "key": "product", "text": "2 * 3 = 6",
         "status": "passed", "why": None, "checks": 2, "check_names": "2 * 3\n2 * 3 in floating point"},
        {"run": run_id, "experiment": "gpu-claims", "device": "cpu", "key": "kernel",
         "text": "a CUDA kernel computes 2 + 2", "status": "not checked", "why": "needs CUDA (this run is on cpu)",
         "checks": 0, "check_names": None},
    ]
    fks = {(r[3], r[2], r[4]) for r in conn.execute("select * from pragma_foreign_key_list('lab_claims')")}
    assert fks == {("run", "lab_runs", "id"), ("experiment", "lab_experiments", "id")}
    summary = "2 passed, 1 not checked"
    assert conn.execute("select claims_summary from lab_runs where id = ?", [run_id]).fetchone()[0] == summary
    assert conn.execute("select last_claims from lab_experiments where id = 'gpu-claims'").fetchone()[0] == summary
    linked = [dict(r) for r in conn.execute(CANNED_QUERIES["items_with_lab"]["sql"])]
    assert [(r["id"], r["experiment"], r["result"], r["claims"]) for r in linked] == [
        ("micrograd", "gpu-claims", "pass", summary)]

    table = datasette_metadata()["databases"]["tracker"]["tables"]["lab_claims"]
    assert table["facets"][0] == "status" and set(table["columns"]) == set(rows[0]) | {"id", "started"}
    assert json.dumps(table)  # plain JSON, as `tracker publish` writes it

    # In the reading room: the status facet counts, and the experiment's page links to its claims.
    ds, _live = make_datasette(db)
    loop = asyncio.new_event_loop()
    try:
        facets = loop.run_until_complete(ds.client.get("/tracker/lab_claims.json")).json()
        counts = {f["value"]: f["count"] for f in facets["facet_results"]["status"]["results"]}
        assert counts == {"passed": 2, "not checked": 1}
        page = loop.run_until_complete(ds.client.get("/tracker/lab_experiments/gpu-claims")).text
        assert summary in page and "lab_claims?experiment=gpu-claims" in page
    finally:
        loop.close()
