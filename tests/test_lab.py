"""The lab: every experiment passes on the CPU and every claim it declares is checked (or says why not);
failures, crashes, timeouts, bad ids and missing devices are reported clearly; the CLI never imports torch.

Experiments run in this process (one torch import for all) where a test is about an experiment; each feature of
the runner (fork server, timeout, crash, failure, plain script, no fork server, no torch, bad device) keeps one
test through a real ``tracker`` process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO_ROOT, run_tracker
from tracker.errors import DataError
from tracker.lab.discovery import discover_experiments
from tracker.lab.runs import read_runs, runs_path

LAB = REPO_ROOT / "lab"
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "lab"
SHIPPED = discover_experiments(LAB)


def script(path: Path, *args: str, cwd: Path, pythonpath: bool = False) -> subprocess.CompletedProcess[str]:
    """``python lab/x.py ARGS``; without PYTHONPATH the file must find the tracker package by itself."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run([sys.executable, str(path), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def cli(*args: str, cwd: Path, monkeypatch: pytest.MonkeyPatch):
    """``tracker ARGS`` in this process (for commands that never start an experiment)."""
    from tracker.cli import cli as group

    monkeypatch.chdir(cwd)
    return CliRunner().invoke(group, list(args))


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


# ------------------------------------------------------------------------------------------- the suite


@pytest.mark.parametrize("experiment_id", sorted(SHIPPED))
def test_every_experiment_passes_on_cpu_and_accounts_for_each_claim(tmp_path: Path, experiment_id: str) -> None:
    from tracker.lab.experiment import run_file

    info = SHIPPED[experiment_id]
    result = run_file(info.path, "cpu", seed=0, output_dir=tmp_path)
    failed = [c["name"] for c in result["checks"] if not c["passed"]]
    assert (result["status"], result["error"], failed) == ("pass", None, [])
    assert (result["experiment"], result["topic"], result["device"], result["seed"]) == (info.id, info.topic, "cpu", 0)
    assert result["float32_matmul_precision"] == "highest"
    assert result["torch"] and result["dtype"] == "float32"
    assert result["checks"] and all("measured" in c and "passed" in c for c in result["checks"])
    assert [c["key"] for c in result["claims"]] == list(info.claim_keys)
    assert [c["text"] for c in result["claims"]] == list(info.claims)
    for claim in result["claims"]:
        if claim["status"] == "not checked":  # only what this CPU cannot show, and it says so
            assert re.search(r"needs (CUDA|a second device)", claim["why"]), claim
        else:
            assert claim["status"] == "passed" and claim["checks"], claim
    json.dumps(result, allow_nan=False)
    for picture in result["artifacts"]:
        assert Path(picture).parent == tmp_path and Path(picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if experiment_id == "row-column-picture":
        # the combined picture, and each panel under the names the study notes use
        assert sorted(Path(p).name for p in result["artifacts"]) == [
            "matrix_linear_combination_of_column_vectors.png", "matrix_row_picture.png",
            "matrix_vector_multiplication.png", "row-column-picture.png"]


def test_the_lab_covers_the_llm_chapters_with_experiments_linked_to_items() -> None:
    """Parts II, IV, V and VI of the study plan: at least ten experiments, each linked from the reading list."""
    from tracker.lab.links import add_declared_links, load_links

    llm = [info for info in SHIPPED.values() if info.topic.split(".")[0] in {"II", "IV", "V", "VI"}]
    assert len(llm) >= 10, sorted(info.id for info in llm)
    links = load_links(REPO_ROOT / "resources.yaml")
    add_declared_links(links, SHIPPED, links.item_titles)
    unlinked = [info.id for info in llm if not [link for link in links.for_experiment(info.id) if link.kind == "item"]]
    assert unlinked == []
    named = {item for info in SHIPPED.values() for item in info.items}
    assert named and named <= set(links.item_titles), named - set(links.item_titles)


def test_every_declared_claim_is_named_by_the_code_that_checks_it() -> None:
    """A declaration error caught without running anything: each claim key appears in ``exp.claim("key")``,
    ``claim="key"`` or ``exp.not_checked("key", why)`` in its file."""
    for info in SHIPPED.values():
        source = info.path.read_text()
        named = set(re.findall(r"""(?:exp\.claim\(|claim=|not_checked\()\s*["']([a-z0-9-]+)["']""", source))
        assert set(info.claim_keys) <= named, (info.path.name, set(info.claim_keys) - named)
        assert info.path.read_text().count("sys.path") == 0, f"{info.path.name}: lab/_lab.py finds the package"


def test_an_experiment_runs_as_a_plain_script_from_anywhere(tmp_path: Path) -> None:
    """``python lab/x.py`` without PYTHONPATH, from another folder, finds the package through lab/_lab.py."""
    proc = script(LAB / "markov.py", "--device", "cpu", "--output-dir", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "markov:" in proc.stdout and "passed" in proc.stdout and "FAIL" not in proc.stdout


def test_every_lab_file_declares_itself_and_runs_on_its_own() -> None:
    """Each experiment file: a literal declaration, a run(exp) and a __main__ guard."""
    import ast

    for info in SHIPPED.values():
        tree = ast.parse(info.path.read_text())
        names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert "run" in names, info.path
        guard = tree.body[-1]
        assert isinstance(guard, ast.If) and "main(EXPERIMENT, run)" in ast.unparse(guard), info.path
        assert info.claims and info.title and info.topic


# ---------------------------------------------------------------------------------- failures reported


def test_run_all_reports_a_failure_a_crash_and_a_timeout_in_one_process(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``tracker lab run --all``: each experiment a process forked from the fork server (the one this test
    process shares with the others), a failing check exits 1, a crash is an error, a hang is stopped at --timeout,
    and every run is recorded in discovery order."""
    monkeypatch.setenv("COLUMNS", "200")
    began = time.monotonic()
    proc = cli("lab", "run", "--all", "--device", "cpu", "--timeout", "3", "--jobs", "4", "--lab-dir", str(FIXTURES),
               cwd=tmp_path, monkeypatch=monkeypatch)
    elapsed = time.monotonic() - began
    assert proc.exit_code == 1, proc.output
    assert elapsed < 60  # the slow fixture sleeps 120 s: it was stopped, not waited for
    assert "FAIL" in proc.stdout and "1 + 1 = 3" in proc.stdout
    assert "ZeroDivisionError" in proc.stdout and "timed out after 3 s" in proc.stdout
    assert "lab run: 1/4 passed on cpu" in proc.stdout
    records = {r["experiment"]: r for r in read_runs(runs_path(tmp_path))}
    assert list(records) == list(discover_experiments(FIXTURES)) == ["crashing", "failing", "quick", "slow"]
    assert (records["failing"]["status"], records["failing"]["failed"], records["failing"]["max_error"]) == ("fail", 2, 0.5)
    assert [(c["key"], c["status"]) for c in records["failing"]["claims"]] == [("1", "failed")]
    assert records["crashing"]["status"] == "error" and "ZeroDivisionError" in records["crashing"]["error"]
    assert (records["slow"]["status"], records["slow"]["error"]) == ("timeout", "timed out after 3 s")
    assert records["slow"]["claims"][0]["status"] == "not checked"
    assert (records["quick"]["status"], records["quick"]["device"]) == ("pass", "cpu")
    assert records["quick"]["claims"] == [{"key": "sum", "text": "1 + 1 = 2", "checks": ["1 + 1", "an error under its tolerance"],
                                          "status": "passed"}]


def test_an_experiment_file_exits_1_on_a_failed_check_and_2_on_a_missing_device(capsys: pytest.CaptureFixture) -> None:
    from tracker.lab.experiment import load_experiment, main

    assert main(*load_experiment(FIXTURES / "failing.py"), ["--device", "cpu"]) == 1
    assert "FAIL" in capsys.readouterr().out
    assert main(*load_experiment(FIXTURES / "quick.py"), ["--device", "cpu", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "pass"
    if not cuda_available():
        assert main(*load_experiment(FIXTURES / "quick.py"), ["--device", "cuda"]) == 2
        error = capsys.readouterr().err
        assert error.startswith("Error: --device cuda: CUDA is not available") and "Traceback" not in error


@pytest.mark.parametrize("target", ["../lab/broadcasting.py", "lab/broadcasting.py", "/etc/passwd", "nope"])
def test_only_experiments_found_in_lab_can_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    result = cli("lab", "run", target, "--lab-dir", str(LAB), cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "is neither an experiment in lab/ nor an item" in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif("cuda_available()", reason="this machine has CUDA, so --device cuda is not an error here")
def test_device_cuda_without_cuda_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The experiment process says the device does not exist; the command says so in one line and records nothing."""
    proc = cli("lab", "run", "quick", "--device", "cuda", "--lab-dir", str(FIXTURES), cwd=tmp_path,
               monkeypatch=monkeypatch)
    assert proc.exit_code == 1
    assert proc.stderr.startswith("Error: --device cuda: CUDA is not available") and proc.stderr.count("\n") == 1
    assert not runs_path(tmp_path).exists()


def test_run_needs_a_target_or_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("lab", "run", "--lab-dir", str(FIXTURES), cwd=tmp_path, monkeypatch=monkeypatch).exit_code == 2
    both = cli("lab", "run", "quick", "--all", "--lab-dir", str(FIXTURES), cwd=tmp_path, monkeypatch=monkeypatch)
    assert both.exit_code == 2


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
- id: declared-only
  url: https://example.org/declared
  title: Named by the failing experiment's declaration

glossary:
- term: Temperature
  definition: Scales the logits before the softmax.
  lab: quick

topics:
- id: 1.1.1
  title: PyTorch Basics
  lab: quick
"""


def test_an_item_runs_its_linked_experiment_and_the_run_is_recorded(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources.yaml").write_text(LINKED_YAML)
    proc = cli("lab", "run", "broadcasting-semantics", "--device", "cpu", "--json", "--lab-dir", str(FIXTURES),
               cwd=tmp_path, monkeypatch=monkeypatch)
    assert proc.exit_code == 0, proc.output
    assert json.loads(proc.stdout)["experiment"] == "quick"
    records = read_runs(runs_path(tmp_path))
    assert [(r["experiment"], r["item"], r["status"]) for r in records] == [("quick", "broadcasting-semantics", "pass")]
    assert (tmp_path / ".tracker" / ".gitignore").read_text() == "*\n"

    listing = json.loads(cli("lab", "list", "--json", "--lab-dir", str(FIXTURES), cwd=tmp_path,
                             monkeypatch=monkeypatch).stdout)
    quick = next(row for row in listing["experiments"] if row["id"] == "quick")
    assert quick["items"] == ["broadcasting-semantics"]
    assert quick["terms"] == ["Temperature"]
    assert quick["topics"] == ["1.1.1"]
    assert quick["topic_title"] == "PyTorch Basics"
    assert quick["claims"] == [{"key": "sum", "text": "1 + 1 = 2"}]
    assert quick["last_run"]["status"] == "pass" and quick["last_run"]["device"] == "cpu"
    assert listing["unknown_links"] == [{"kind": "item", "key": "dangling", "lab": "no-such-experiment"}]
    failing = next(row for row in listing["experiments"] if row["id"] == "failing")
    assert failing["items"] == ["declared-only", "not-in-the-list"]
    assert listing["unknown_items"] == [{"experiment": "failing", "item": "not-in-the-list"}]
    assert {row["id"] for row in listing["experiments"]} == {"quick", "failing", "slow", "crashing"}
    monkeypatch.setenv("COLUMNS", "200")
    table = cli("lab", "list", "--lab-dir", str(FIXTURES), cwd=tmp_path, monkeypatch=monkeypatch)
    assert "broadcasting-semantics" in table.stdout and "dangling" in table.stderr  # piped: data out, warnings err
    assert "experiment failing names item 'not-in-the-list', which is not in the list" in table.stderr


def test_targets_resolve_to_experiments_by_id_item_term_or_chapter(tmp_path: Path) -> None:
    from tracker.lab.links import add_declared_links, load_links, resolve_target

    (tmp_path / "resources.yaml").write_text(LINKED_YAML)
    experiments = discover_experiments(FIXTURES)
    links = load_links(tmp_path / "resources.yaml")
    add_declared_links(links, experiments, links.item_titles)
    for target, via in [("quick", None), ("broadcasting-semantics", "item"), ("temperature", "term"), ("1.1.1", "topic")]:
        info, link = resolve_target(target, experiments, links)
        assert info.id == "quick"
        assert (link.kind if link else None) == via
    # An item with no lab: of its own, named by an experiment's declaration, runs that experiment.
    info, link = resolve_target("declared-only", experiments, links)
    assert (info.id, link.kind, link.title) == ("failing", "item", "Named by the failing experiment's declaration")


def test_an_item_whose_lab_is_unknown_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources.yaml").write_text(LINKED_YAML)
    proc = cli("lab", "run", "dangling", "--lab-dir", str(FIXTURES), cwd=tmp_path, monkeypatch=monkeypatch)
    assert proc.exit_code == 1
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
        ("EXPERIMENT = {'id': 'x', 'title': 't', 'topic': '1', 'claims': []}\n", "claims must be a non-empty {key: sentence} dict"),
        ("EXPERIMENT = {'id': 'x', 'title': 't', 'topic': '1', 'claims': {'Bad Key': 'c'}}\n", "keys in lowercase"),
        ("def broken(:\n", "bad.py:1: not valid Python"),
    ],
)
def test_a_bad_declaration_names_file_and_line(tmp_path: Path, source: str, message: str) -> None:
    (tmp_path / "bad.py").write_text(source)
    with pytest.raises(DataError) as caught:
        discover_experiments(tmp_path)
    assert message in str(caught.value)


@settings(max_examples=60, deadline=None)
@given(claims=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                           max_leaves=8))
def test_any_claims_literal_is_read_or_refused_with_its_line(claims) -> None:
    """Whatever someone writes as claims: a declaration whose every claim has a key and a sentence, or a DataError
    naming the file and line; never another exception."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.py"
        path.write_text(f"EXPERIMENT = {{'id': 'x', 'title': 't', 'topic': '1', 'claims': {claims!r}}}\n")
        try:
            info = discover_experiments(Path(folder))["x"]
        except DataError as error:
            assert "x.py:1: EXPERIMENT claims must be" in str(error)
            return
    assert len(info.claim_keys) == len(info.claims) == len(claims) > 0
    assert all(isinstance(text, str) for text in info.claims)
    assert len(set(info.claim_keys)) == len(info.claim_keys)


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
        exp.claim("1")
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


def test_each_claim_is_passed_failed_or_not_checked_with_why(tmp_path: Path) -> None:
    import torch

    from tracker.lab.experiment import run_experiment

    def body(exp) -> None:
        exp.claim("holds")
        exp.equal("one", 1, 1)
        exp.claim("breaks")
        exp.equal("two", 2, 2)
        exp.equal("three", 3, 4)
        exp.not_checked("gpu", "needs CUDA")

    declaration = {"id": "t", "title": "t", "topic": "1", "claims": {"holds": "a", "breaks": "b", "gpu": "c"}}
    result = run_experiment(declaration, body, torch.device("cpu"), output_dir=tmp_path)
    assert result["claims"] == [
        {"key": "holds", "text": "a", "checks": ["one"], "status": "passed"},
        {"key": "breaks", "text": "b", "checks": ["two", "three"], "status": "failed"},
        {"key": "gpu", "text": "c", "checks": [], "status": "not checked", "why": "needs CUDA"},
    ]
    assert (result["status"], result["error"]) == ("fail", None)
    assert [c["claim"] for c in result["checks"]] == ["holds", "breaks", "breaks"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (lambda exp: exp.equal("unnamed", 1, 1), "check 'unnamed' names no claim: call exp.claim(key) before it"),
        (lambda exp: exp.claim("nope"), "claim 'nope' is not declared (claims: a, b)"),
        (lambda exp: (exp.claim("a"), exp.equal("x", 1, 1)), "no check names claim 'b'"),
    ],
    ids=["check-before-claim", "undeclared-claim", "claim-without-check"],
)
def test_a_claim_no_check_names_is_an_error_not_a_pass(tmp_path: Path, body, error: str) -> None:
    import torch

    from tracker.lab.experiment import run_experiment

    declaration = {"id": "t", "title": "t", "topic": "1", "claims": {"a": "first", "b": "second"}}
    result = run_experiment(declaration, body, torch.device("cpu"), output_dir=tmp_path)
    assert result["status"] == "error"
    assert error in result["error"]


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
        time.sleep(0.05)
    assert 0.05 <= timing["seconds"] < 1.0  # it measured the block, not nothing and not the whole test


def test_without_a_fork_server_experiments_run_as_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where multiprocessing has no fork server (Windows), each experiment runs as ``python lab/x.py``."""
    import multiprocessing

    from tracker.lab import runner

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    experiments = discover_experiments(FIXTURES)
    passed = runner.run_one(experiments["quick"], device="cpu")
    assert (passed["status"], passed["passed"]) == ("pass", 2)
    stopped = runner.run_one(experiments["slow"], device="cpu", timeout=1)
    assert (stopped["status"], stopped["error"]) == ("timeout", "timed out after 1 s")


def test_require_experiment_names_the_known_ids() -> None:
    from tracker.errors import NotFoundError
    from tracker.lab.discovery import require_experiment

    assert require_experiment("quick", FIXTURES).id == "quick"
    with pytest.raises(NotFoundError, match=r"lab: 'nope' is not an experiment in .* \(experiments: crashing, failing, quick, slow\)"):
        require_experiment("nope", FIXTURES)
