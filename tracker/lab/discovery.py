"""Find the experiments in lab/ by reading their ``EXPERIMENT = {...}`` declarations with ``ast``.

Nothing is imported or executed: listing experiments must not import torch, and only a file found here can ever
be run (an item's ``lab:`` names an id from this list, never a path).
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import DataError, NotFoundError

EXPERIMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LAB_DIR_ENV = "TRACKER_LAB_DIR"
REQUIRED_KEYS = ("id", "title", "topic", "claims")


@dataclass(frozen=True)
class ExperimentInfo:
    """What an experiment file declares about itself, and where it is."""

    id: str
    title: str
    topic: str
    claims: tuple[str, ...]
    path: Path
    claim_keys: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # reading-list items the experiment names as teaching its idea ("items": [...])

    def claim_texts(self) -> dict[str, str]:
        """Each claim's key (what a check names) and its sentence."""
        return dict(zip(self.claim_keys, self.claims, strict=True))


def claim_texts(claims: object) -> dict[str, str]:
    """The declared claims as ``{key: sentence}``: a dict as written, a list keyed "1", "2", ... by position.

    A check names the claim it tests by this key (``exp.claim("key")``), so every claim can be shown as passed,
    failed or not checked.
    """
    if isinstance(claims, dict):
        return {str(key): text for key, text in claims.items()}
    return {str(number): text for number, text in enumerate(claims, start=1)}  # type: ignore[arg-type]


def find_lab_dir(root: Path | None, explicit: Path | None = None) -> Path:
    """The lab directory: ``explicit`` (``--lab-dir`` / TRACKER_LAB_DIR), else ``<root>/lab``, else the one
    shipped next to this package in a source checkout."""
    explicit = explicit or (Path(os.environ[LAB_DIR_ENV]) if os.environ.get(LAB_DIR_ENV) else None)
    if explicit is not None:
        if not explicit.is_dir():
            raise NotFoundError(f"lab directory {explicit} does not exist")
        return explicit
    candidates = [root / "lab"] if root is not None else []
    candidates.append(Path(__file__).resolve().parents[2] / "lab")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise NotFoundError("no lab/ directory found: looked in " + ", ".join(str(c) for c in candidates))


def read_declaration(path: Path) -> ExperimentInfo | None:
    """The experiment a file declares, None for a file that declares none (a helper module)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        raise DataError(f"not valid Python: {exc.msg}", path, exc.lineno) from exc
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXPERIMENT" for t in node.targets)):
            continue
        try:
            value = ast.literal_eval(node.value)
        except ValueError as exc:
            raise DataError("EXPERIMENT must be a literal dict (no names or calls)", path, node.lineno) from exc
        return _validate(value, path, node.lineno)
    return None


def _validate(value: object, path: Path, line: int) -> ExperimentInfo:
    if not isinstance(value, dict):
        raise DataError("EXPERIMENT must be a dict", path, line)
    missing = [key for key in REQUIRED_KEYS if key not in value]
    if missing:
        raise DataError(f"EXPERIMENT lacks {', '.join(missing)}", path, line)
    exp_id = value["id"]
    if not isinstance(exp_id, str) or not EXPERIMENT_ID.match(exp_id):
        raise DataError(f"EXPERIMENT id {exp_id!r} must be lowercase letters, digits and dashes", path, line)
    claims = value["claims"]
    sentences = list(claims.values()) if isinstance(claims, dict) else claims
    if (not isinstance(claims, (dict, list, tuple)) or not claims or not all(isinstance(c, str) for c in sentences)
            or not all(isinstance(k, str) and EXPERIMENT_ID.match(k) for k in claims if isinstance(claims, dict))):
        raise DataError("EXPERIMENT claims must be a non-empty {key: sentence} dict (keys in lowercase letters, "
                        "digits and dashes) or list of sentences", path, line)
    texts = claim_texts(claims)
    items = value.get("items", [])
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) and i for i in items):
        raise DataError("EXPERIMENT items must be a list of reading-list item ids", path, line)
    return ExperimentInfo(exp_id, str(value["title"]), str(value["topic"]), tuple(texts.values()), path,
                          tuple(texts), tuple(items))


def discover_experiments(lab_dir: Path) -> dict[str, ExperimentInfo]:
    """Every experiment in ``lab_dir`` (top level, ``*.py``, files starting with ``_`` skipped), by id."""
    found: dict[str, ExperimentInfo] = {}
    for path in sorted(lab_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        info = read_declaration(path)
        if info is None:
            continue
        if info.id in found:
            raise DataError(f"experiment id {info.id!r} is also declared in {found[info.id].path.name}", path)
        found[info.id] = info
    return found


def require_experiment(lab_id: str, lab_dir: Path) -> ExperimentInfo:
    """The experiment ``lab_id`` names, or NotFoundError listing the ids there are (for commands that set ``lab:``)."""
    experiments = discover_experiments(lab_dir)
    if lab_id not in experiments:
        known = ", ".join(sorted(experiments)) or "none"
        raise NotFoundError(f"lab: {lab_id!r} is not an experiment in {lab_dir} (experiments: {known})")
    return experiments[lab_id]


def require_linkable(lab_id: str, data_file: Path) -> ExperimentInfo:
    """For a command that sets ``lab:``: the experiment ``lab_id`` names in the lab/ of the project that holds
    ``data_file`` (or TRACKER_LAB_DIR), else NotFoundError, so nothing is written that ``tracker lab run`` would
    refuse later."""
    return require_experiment(lab_id, find_lab_dir(Path(data_file).parent))
