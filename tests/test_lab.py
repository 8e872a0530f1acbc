"""The lab: every experiment passes on the CPU through the runner and as a plain script; failures, crashes,
timeouts, bad ids and missing devices are reported clearly; the CLI never imports torch."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, run_tracker
from tracker.errors import DataError
from tracker.lab.discovery import discover_experiments
from tracker.lab.runs import read_runs, runs_path

LAB = REPO_ROOT / "lab"
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "lab"


def script(path: Path, *args: str, cwd: Path, pythonpath: bool = False) -> subprocess.CompletedProcess[str]:
    """``python lab/x.py ARGS``; without PYTHONPATH the file must find the tracker package by itself."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run([sys.executable, str(path), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


# ------------------------------------------------------------------------------------------- the suite


def test_every_experiment_passes_on_cpu_through_the_runner(tmp_path: Path) -> None:
    experiments = discover_experiments(LAB)
    assert len(experiments) >= 20
    proc = run_tracker("lab", "run", "--all", "--device", "cpu", "--json", "--jobs", "2", "--lab-dir", str(LAB),
                       cwd=tmp_path, timeout=300)
    results = json.loads(proc.stdout)
    not_passing = {
        r["experiment"]: (r["status"], r.get("error"), [c["name"] for c in r["checks"] if not c["passed"]])
        for r in results if r["status"] != "pass"
    }
    assert not_passing == {}
    assert proc.returncode == 0, proc.stderr
    assert [r["experiment"] for r in results] == list(experiments)
    for result in results:
        info = experiments[result["experiment"]]
        assert result["topic"] == info.topic
        assert result["device"] == "cpu"
        assert result["seed"] == 0
        assert result["float32_matmul_precision"] == "highest"
        assert result["torch"] and result["dtype"] == "float32"
        assert result["checks"] and all("measured" in c and "passed" in c for c in result["checks"])
    records = read_runs(runs_path(tmp_path))
    assert [r["experiment"] for r in records] == list(experiments)
    assert all(r["status"] == "pass" and r["device"] == "cpu" for r in records)


@pytest.mark.parametrize("filename", ["row_column_picture.py", "nullspace_rref.py"])
def test_experiment_runs_as_a_plain_script(tmp_path: Path, filename: str) -> None:
    proc = script(LAB / filename, "--device", "cpu", "--output-dir", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    declared = discover_experiments(LAB)
    experiment_id = next(i for i, info in declared.items() if info.path.name == filename)
    assert f"{experiment_id}:" in proc.stdout and "pass" in proc.stdout and "FAIL" not in proc.stdout
    if filename == "row_column_picture.py":
        assert (tmp_path / "row-column-picture.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_lab_file_declares_itself_and_runs_on_its_own() -> None:
    """Each experiment file: a literal declaration, a run(exp), the sys.path fallback and a __main__ guard."""
    for info in discover_experiments(LAB).values():
        tree = ast.parse(info.path.read_text())
        names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert "run" in names, info.path
        fallback = [n for n in tree.body if isinstance(n, ast.Try)
                    and any(getattr(h.type, "id", None) == "ModuleNotFoundError" for h in n.handlers)]
        assert fallback, f"{info.path.name} cannot run as a plain script outside PYTHONPATH"
        guard = tree.body[-1]
        assert isinstance(guard, ast.If) and "main(EXPERIMENT, run)" in ast.unparse(guard), info.path
        assert info.claims and info.title and info.topic


# ---------------------------------------------------------------------------------- failures reported


def test_a_failing_check_exits_1(tmp_path: Path) -> None:
    proc = run_tracker("lab", "run", "failing", "--device", "cpu", "--lab-dir", str(FIXTURES), cwd=tmp_path)
    assert proc.returncode == 1
    assert "FAIL" in proc.stdout and "1 + 1 = 3" in proc.stdout
    record = read_runs(runs_path(tmp_path))[-1]
    assert (record["status"], record["failed"], record["max_error"]) == ("fail", 2, 0.5)
    plain = script(FIXTURES / "failing.py", "--device", "cpu", cwd=tmp_path, pythonpath=True)
    assert plain.returncode == 1


def test_a_crashing_experiment_is_an_error_not_a_pass(tmp_path: Path) -> None:
    proc = run_tracker("lab", "run", "crashing", "--device", "cpu", "--json", "--lab-dir", str(FIXTURES), cwd=tmp_path)
    result = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert result["status"] == "error"
    assert "ZeroDivisionError" in result["error"]


def test_a_timeout_is_reported_and_the_process_stopped(tmp_path: Path) -> None:
    began = time.monotonic()
    proc = run_tracker("lab", "run", "slow", "--timeout", "3", "--lab-dir", str(FIXTURES), cwd=tmp_path)
    elapsed = time.monotonic() - began
    assert proc.returncode == 1
    assert "timeout" in proc.stdout and "timed out after 3 s" in proc.stdout
    assert elapsed < 60  # the fixture sleeps 120 s: it was stopped, not waited for
    record = read_runs(runs_path(tmp_path))[-1]
    assert (record["experiment"], record["status"], record["error"]) == ("slow", "timeout", "timed out after 3 s")


@pytest.mark.parametrize("target", ["../lab/broadcasting.py", "lab/broadcasting.py", "/etc/passwd", "nope"])
def test_only_experiments_found_in_lab_can_run(tmp_path: Path, target: str) -> None:
    proc = run_tracker("lab", "run", target, "--lab-dir", str(LAB), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: ") and proc.stderr.count("\n") == 1
    assert "is neither an experiment in lab/ nor an item" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.skipif("cuda_available()", reason="this machine has CUDA, so --device cuda is not an error here")
def test_device_cuda_without_cuda_is_a_clear_error(tmp_path: Path) -> None:
    proc = run_tracker("lab", "run", "quick", "--device", "cuda", "--lab-dir", str(FIXTURES), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: --device cuda: CUDA is not available") and proc.stderr.count("\n") == 1
    plain = script(FIXTURES / "quick.py", "--device", "cuda", cwd=tmp_path, pythonpath=True)
    assert plain.returncode == 2
    assert plain.stderr.startswith("Error: --device cuda: CUDA is not available") and "Traceback" not in plain.stderr
    assert not runs_path(tmp_path).exists()


def test_run_needs_a_target_or_all(tmp_path: Path) -> None:
    assert run_tracker("lab", "run", "--lab-dir", str(FIXTURES), cwd=tmp_path).returncode == 2
    assert run_tracker("lab", "run", "quick", "--all", "--lab-dir", str(FIXTURES), cwd=tmp_path).returncode == 2


# ------------------------------------------------------------------------------ items, terms, records

LINKED_YAML = """\
resources:
- id: broadcasting-semantics
  url: https://pytorch.org/docs/stable/notes/broadcasting.html
  title: Broadcasting Semantics
  lab: quick
- id: dangling
  url: https://example.org/dangling
  title: Dangling
  lab: no-such-experiment

glossary:
- term: Temperature
  definition: Scales the logits before the softmax.
  lab: quick

topics:
- id: 1.1.1
  title: PyTorch Basics
  lab: quick
"""


def test_an_item_runs_its_linked_experiment_and_the_run_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "resources.yaml").write_text(LINKED_YAML)
    proc = run_tracker("lab", "run", "broadcasting-semantics", "--device", "cpu", "--json", "--lab-dir", str(FIXTURES),
                       cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["experiment"] == "quick"
    records = read_runs(runs_path(tmp_path))
    assert [(r["experiment"], r["item"], r["status"]) for r in records] == [("quick", "broadcasting-semantics", "pass")]
    assert (tmp_path / ".tracker" / ".gitignore").read_text() == "*\n"

    listing = json.loads(run_tracker("lab", "list", "--json", "--lab-dir", str(FIXTURES), cwd=tmp_path).stdout)
    quick = next(row for row in listing["experiments"] if row["id"] == "quick")
    assert quick["items"] == ["broadcasting-semantics"]
    assert quick["terms"] == ["Temperature"]
    assert quick["topics"] == ["1.1.1"]
    assert quick["topic_title"] == "PyTorch Basics"
    assert quick["last_run"]["status"] == "pass" and quick["last_run"]["device"] == "cpu"
    assert listing["unknown_links"] == [{"kind": "item", "key": "dangling", "lab": "no-such-experiment"}]
    assert {row["id"] for row in listing["experiments"]} == {"quick", "failing", "slow", "crashing"}
    table = run_tracker("lab", "list", "--lab-dir", str(FIXTURES), cwd=tmp_path, env={"COLUMNS": "200"})
    assert "broadcasting-semantics" in table.stdout and "dangling" in table.stderr  # piped: data out, warnings err


def test_targets_resolve_to_experiments_by_id_item_term_or_chapter(tmp_path: Path) -> None:
    from tracker.lab.links import load_links, resolve_target

    (tmp_path / "resources.yaml").write_text(LINKED_YAML)
    experiments = discover_experiments(FIXTURES)
    links = load_links(tmp_path / "resources.yaml")
    for target, via in [("quick", None), ("broadcasting-semantics", "item"), ("temperature", "term"), ("1.1.1", "topic")]:
        info, link = resolve_target(target, experiments, links)
        assert info.id == "quick"
        assert (link.kind if link else None) == via


def test_an_item_whose_lab_is_unknown_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "resources.yaml").write_text(LINKED_YAML)
    proc = run_tracker("lab", "run", "dangling", "--lab-dir", str(FIXTURES), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"Error: {tmp_path / 'resources.yaml'}:6: item 'dangling' links lab: "
                                   "'no-such-experiment', which is not an experiment in lab/")


# ------------------------------------------------------------------------------------ staying light

CHECK_NO_TORCH = """
import sys
from click.testing import CliRunner
from tracker.cli import cli

runs = {runs}
for args, code in runs:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == code, (args, result.output)
    heavy = [name for name in ("torch", "numpy", "sympy", "matplotlib") if name in sys.modules]
    assert not heavy, (args, heavy)
print("light")
"""


def test_the_cli_never_imports_torch(tmp_path: Path) -> None:
    """--help, list, add, edit --lab, lab list and even lab run keep torch out of the CLI process."""
    (tmp_path / "resources.yaml").write_text(LINKED_YAML.replace("lab: no-such-experiment", "lab: quick"))
    runs = [
        (["--help"], 0), (["lab", "--help"], 0), (["list"], 0), (["add", "--help"], 0),
        (["lab", "list", "--lab-dir", str(LAB)], 0), (["lab", "list", "--json", "--lab-dir", str(FIXTURES)], 0),
        (["lab", "run", "quick", "--device", "cpu", "--no-record", "--lab-dir", str(FIXTURES)], 0),
        # Setting a link checks the id against lab/ by reading declarations, never by importing experiments.
        (["add", "https://example.org/light", "--no-fetch", "--lab", "attention"], 0),
        (["edit", "broadcasting-semantics", "--lab", "broadcasting"], 0),
        (["glossary", "edit", "Temperature", "--lab", "sampling"], 0), (["topics", "edit", "1.1.1", "--lab", "nope"], 1),
    ]
    proc = subprocess.run([sys.executable, "-c", CHECK_NO_TORCH.format(runs=repr(runs))], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("light")


def test_missing_torch_names_the_install_command(tmp_path: Path) -> None:
    # The CLI process checks first (without importing torch)...
    hidden = ("import sys; sys.modules['torch'] = None; from tracker.cli import main; "
              f"sys.argv = ['tracker', 'lab', 'run', 'quick', '--lab-dir', {str(FIXTURES)!r}]; main()")
    proc = subprocess.run([sys.executable, "-c", hidden], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error: torch is not installed: the lab needs it (pip install -e '.[lab]' in the tracker repository)"
    # ...and a torch that cannot be imported in the experiment process gives the same answer.
    fake = tmp_path / "fake" / "torch"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n")
    broken = run_tracker("lab", "run", "quick", "--lab-dir", str(FIXTURES), cwd=tmp_path,
                         env={"PYTHONPATH": os.pathsep.join([str(tmp_path / "fake"), str(REPO_ROOT)])})
    assert broken.returncode == 1
    assert "pip install -e '.[lab]'" in broken.stderr


# ------------------------------------------------------------------------------------------ discovery


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_discovery_reads_declarations_and_skips_helpers(tmp_path: Path) -> None:
    write(tmp_path, "good.py", """\
        import torch
        EXPERIMENT = {"id": "good-one", "title": "Good", "topic": "3.1.1", "claims": ["holds"]}
        """)
    write(tmp_path, "_helper.py", 'EXPERIMENT = {"id": "helper", "title": "h", "topic": "x", "claims": ["c"]}\n')
    write(tmp_path, "plain.py", "VALUE = 1\n")
    found = discover_experiments(tmp_path)
    assert list(found) == ["good-one"]
    assert found["good-one"].claims == ("holds",)
    assert found["good-one"].path == tmp_path / "good.py"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1\nEXPERIMENT = {'id': NAME, 'title': 't', 'topic': '1', 'claims': ['c']}\n", "bad.py:2: EXPERIMENT must be a literal"),
        ("EXPERIMENT = {'id': 'Bad_Id', 'title': 't', 'topic': '1', 'claims': ['c']}\n", "bad.py:1: EXPERIMENT id 'Bad_Id'"),
        ("EXPERIMENT = {'id': 'x', 'title': 't', 'topic': '1'}\n", "bad.py:1: EXPERIMENT lacks claims"),
        ("EXPERIMENT = {'id': 'x', 'title': 't', 'topic': '1', 'claims': []}\n", "claims must be a non-empty list"),
        ("def broken(:\n", "bad.py:1: not valid Python"),
    ],
)
def test_a_bad_declaration_names_file_and_line(tmp_path: Path, source: str, message: str) -> None:
    (tmp_path / "bad.py").write_text(source)
    with pytest.raises(DataError) as caught:
        discover_experiments(tmp_path)
    assert message in str(caught.value)


def test_two_files_with_one_id_are_refused(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        write(tmp_path, name, 'EXPERIMENT = {"id": "same", "title": "t", "topic": "1", "claims": ["c"]}\n')
    with pytest.raises(DataError, match="experiment id 'same' is also declared in a.py"):
        discover_experiments(tmp_path)


def test_a_damaged_run_record_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    path.write_text('{"experiment": "quick"}\nnot json\n')
    with pytest.raises(DataError, match=r"runs.jsonl:2: not a JSON run record"):
        read_runs(path)


# ------------------------------------------------------------------------- the experiment API itself


def test_checks_record_measured_values_and_nan_never_passes(tmp_path: Path) -> None:
    import torch

    from tracker.lab.experiment import run_experiment

    def body(exp) -> None:
        exp.close("nan error", float("nan"), 1.0)
        exp.close("tensor error", torch.tensor(1e-9), 1e-6)
        exp.check("inf measured", True, float("inf"))
        exp.equal("tuple", (1, 2), (1, 2))

    result = run_experiment({"id": "t", "title": "t", "topic": "1", "claims": ["c"]}, body, torch.device("cpu"),
                            output_dir=tmp_path)
    passed = {c["name"]: c["passed"] for c in result["checks"]}
    assert passed == {"nan error": False, "tensor error": True, "inf measured": True, "tuple": True}
    assert result["status"] == "fail"
    assert json.loads(json.dumps(result, allow_nan=False))["checks"][2]["measured"] == "inf"


def test_an_experiment_without_checks_is_an_error(tmp_path: Path) -> None:
    import torch

    from tracker.lab.experiment import run_experiment

    result = run_experiment({"id": "t", "title": "t", "topic": "1", "claims": ["c"]}, lambda exp: None,
                            torch.device("cpu"), output_dir=tmp_path)
    assert result["status"] == "error"
    assert result["error"] == "the experiment recorded no checks"


def test_device_selection_and_seeding(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from tracker.lab import device

    assert device.resolve_device("cpu") == torch.device("cpu")
    monkeypatch.setenv("TRACKER_DEVICE", "cpu")
    assert device.resolve_device(None) == torch.device("cpu")
    with pytest.raises(device.DeviceError, match="unknown device 'cuda:x'"):
        device.resolve_device("cuda:x")
    with pytest.raises(device.DeviceError, match="unknown device 'tpu': use one of auto, cpu, cuda, mps"):
        device.resolve_device("tpu")
    device.seed_everything(7)
    first = torch.randn(3)
    device.seed_everything(7)
    assert torch.equal(first, torch.randn(3))
    assert device.pin_float32_precision()["float32_matmul_precision"] == "highest"
    with device.device_timer(torch.device("cpu")) as timing:
        torch.ones(10).sum()
    assert timing["seconds"] >= 0


def test_without_a_fork_server_experiments_run_as_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where multiprocessing has no fork server (Windows), each experiment runs as ``python lab/x.py``."""
    import multiprocessing

    from tracker.lab import runner

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    experiments = discover_experiments(FIXTURES)
    passed = runner.run_one(experiments["quick"], device="cpu")
    assert (passed["status"], passed["passed"]) == ("pass", 2)
    stopped = runner.run_one(experiments["slow"], device="cpu", timeout=2)
    assert (stopped["status"], stopped["error"]) == ("timeout", "timed out after 2 s")


def test_require_experiment_names_the_known_ids() -> None:
    from tracker.errors import NotFoundError
    from tracker.lab.discovery import require_experiment

    assert require_experiment("quick", FIXTURES).id == "quick"
    with pytest.raises(NotFoundError, match=r"lab: 'nope' is not an experiment in .* \(experiments: crashing, failing, quick, slow\)"):
        require_experiment("nope", FIXTURES)
