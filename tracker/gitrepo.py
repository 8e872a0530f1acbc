"""Git: one commit per change touching only the files tracker wrote, and item history read back from git.

Commits use ``git commit --only -- PATHS``: git builds the commit from HEAD plus those paths' working-tree
content, so whatever else the user has staged or changed stays exactly as it was.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from tracker.errors import TrackerError

FALLBACK_IDENTITY = ("-c", "user.name=tracker", "-c", "user.email=tracker@localhost")


class GitError(TrackerError):
    """A git command that failed in a way the user must see."""


def find_repo(start: Path) -> Path | None:
    """The work tree containing ``start`` (like git: the nearest parent with a ``.git``), or None."""
    here = Path(start).absolute()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def run_git(repo: Path, *args: str, check: bool = True, env: dict[str, str] | None = None,
            binary: bool = False, input_bytes: bytes | None = None) -> subprocess.CompletedProcess:
    """git in ``repo``, output captured; never prompts, and speaks English (callers read its messages).

    ``binary``: stdout comes back as bytes (file contents); stderr is always text."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=not binary, env=full_env,
                          input=input_bytes)
    if binary:
        proc.stderr = proc.stderr.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        last = (proc.stderr or (proc.stdout if not binary else "")).strip().splitlines()[-1:]
        raise GitError(f"git {args[0]} failed: {last[0] if last else f'exit status {proc.returncode}'}")
    return proc


def init_repo(folder: Path) -> bool:
    """Make ``folder`` a git repository unless it is inside one already; True when a repo was created."""
    if find_repo(folder) is not None:
        return False
    run_git(folder, "init", "-q")
    return True


def commits_enabled(flag: bool, folder: Path) -> bool:
    """False when ``--no-commit`` / ``TRACKER_NO_COMMIT`` was given, or ``git config tracker.commit false``."""
    if not flag:
        return False
    repo = find_repo(folder)
    if repo is None or not _config_may_mention_tracker(repo):
        return True
    proc = run_git(folder, "config", "--type=bool", "--get", "tracker.commit", check=False)
    return proc.stdout.strip() != "false"


def _config_may_mention_tracker(repo: Path) -> bool:
    """Cheap pre-check that saves a ``git config`` process on every change when no config file has [tracker]."""
    home = Path(os.environ.get("HOME", "~")).expanduser()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME", home / ".config"))
    candidates = [repo / ".git" / "config", home / ".gitconfig", xdg / "git" / "config"]
    for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"):
        if os.environ.get(name):
            candidates.append(Path(os.environ[name]))
    if not os.environ.get("GIT_CONFIG_NOSYSTEM"):
        candidates.append(Path("/etc/gitconfig"))
    if os.environ.get("GIT_CONFIG_COUNT") or not (repo / ".git").is_dir():
        return True  # config from the environment, or a worktree/submodule: ask git
    for path in candidates:
        try:
            text = path.read_text(errors="replace").lower()
        except OSError:
            continue
        if "[tracker" in text or "[include" in text:
            return True
    return False


def _git_dir(repo: Path) -> Path | None:
    dot_git = repo / ".git"
    if dot_git.is_dir():
        return dot_git
    try:  # a worktree or submodule: ".git" is a file naming the real folder
        text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    if text.startswith("gitdir:"):
        target = Path(text.removeprefix("gitdir:").strip())
        return target if target.is_absolute() else (repo / target).resolve()
    return None


def _git_running_in(repo: Path) -> bool | None:
    """Whether a git process runs with its working directory in ``repo``; None when this system cannot say."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return None
    root = str(repo.resolve())
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if not (entry / "comm").read_text().startswith("git"):
                continue
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue  # gone, or not ours to look at
        if cwd == root or cwd.startswith(root + os.sep):
            return True
    return False


def remove_stale_index_lock(repo: Path, min_age_s: float = 2.0) -> bool:
    """Remove ``.git/index.lock`` left by a git process that was killed (a killed process group, a crash):
    only when it is older than ``min_age_s`` and no git process runs in this repository. True when removed.

    Callers hold the project lock, so no tracker process is committing at the same time."""
    git_dir = _git_dir(repo)
    if git_dir is None:
        return False
    lock = git_dir / "index.lock"
    try:
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return False
    if age < min_age_s or _git_running_in(repo) is not False:
        return False
    try:
        lock.unlink()
    except FileNotFoundError:
        pass
    return True


SUBJECT_LIMIT = 72  # what `git log --oneline` and most git tools show without cutting


def one_line(message: str, limit: int = 200) -> str:
    """A commit subject: one line (a fetched title may hold newlines), not absurdly long."""
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def commit_message(message: str, limit: int = SUBJECT_LIMIT) -> str:
    """A git commit message: a short one-line subject, a blank line, then the body kept line by line.

    ``message`` is a subject, optionally followed by a blank line and a body (one line per link, item, ...).
    The subject is made one line (a fetched title may hold newlines); when longer than ``limit`` it is cut at
    a word and written in full as the body's first paragraph, so nothing is lost.
    """
    head, _sep, body = message.strip().partition("\n\n")
    subject = " ".join(head.split())
    lines = [line.rstrip() for line in body.strip("\n").splitlines()]
    paragraphs = ["\n".join(lines)] if any(lines) else []
    if len(subject) > limit:
        paragraphs.insert(0, subject)
        cut = subject[: limit - 3]
        subject = (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip(" ,:;") + "..."
    return "\n\n".join([subject, *paragraphs])


def commit_paths(repo: Path, paths: list[Path], message: str) -> bool:
    """Commit the current content of exactly ``paths`` with ``message``; False when there was nothing to commit."""
    rel = [os.path.relpath(Path(p).absolute(), repo) for p in paths]
    message = commit_message(message)
    args = ("commit", "-q", "--no-verify", "--only", "-m", message, "--", *rel)
    proc = run_git(repo, *args, check=False)
    for _attempt in range(10):  # another git process (an editor's, the user's) may hold the index briefly
        if proc.returncode == 0 or "index.lock" not in proc.stderr:
            break
        time.sleep(0.05)
        proc = run_git(repo, *args, check=False)
    if proc.returncode != 0 and "did not match any file" in proc.stderr:
        run_git(repo, "add", "--", *rel)  # a path git does not know yet: --only needs it in the index
        proc = run_git(repo, *args, check=False)
    if proc.returncode != 0 and "tell me who you are" in (proc.stderr + proc.stdout).lower():
        proc = run_git(repo, *FALLBACK_IDENTITY, *args, check=False)
    if proc.returncode != 0:
        output = proc.stdout + proc.stderr
        if "nothing to commit" in output or "no changes added" in output or "nothing added" in output:
            return False
        raise GitError(f"git commit failed: {output.strip()}")
    return True


def commit_own_change(repo: Path, path: Path, before: bytes, after: bytes, message: str,
                      other_paths: Sequence[Path] = ()) -> tuple[bool, bool]:
    """Commit what one command changed in ``path`` (its content went from ``before`` to ``after``) plus the
    current content of ``other_paths``, leaving any other uncommitted change in ``path`` uncommitted, as
    ``git add -p`` would: a person's pending hand edit, or a change a crash left behind, is never committed
    under this command's message.

    Returns (committed, swept): ``swept`` is True when the pending changes touched the same lines as the
    command's, so the whole file had to be committed.
    """
    rel = os.path.relpath(Path(path).absolute(), repo)
    shown = run_git(repo, "cat-file", "blob", f"HEAD:{rel}", check=False, binary=True)
    if shown.returncode != 0 or shown.stdout == before:
        return commit_paths(repo, [Path(path), *other_paths], message), False  # new file, or nothing pending
    merged = _three_way(repo, shown.stdout, before, after)
    if merged is None:
        return commit_paths(repo, [Path(path), *other_paths], message), True
    if merged == shown.stdout and not other_paths:
        return False, False
    return _commit_blob(repo, rel, merged, other_paths, message), False


def _three_way(repo: Path, head: bytes, before: bytes, after: bytes) -> bytes | None:
    """HEAD's content plus the change ``before`` -> ``after``; None when they touch the same lines."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tracker-commit-") as folder:
        names = []
        for label, data in (("head", head), ("before", before), ("after", after)):
            name = Path(folder) / label
            name.write_bytes(data)
            names.append(str(name))
        proc = run_git(repo, "merge-file", "-p", "-q", *names, check=False, binary=True)
    return proc.stdout if proc.returncode == 0 else None


def _commit_blob(repo: Path, rel: str, content: bytes, other_paths: Sequence[Path], message: str) -> bool:
    """A commit of HEAD with ``rel`` set to ``content`` (and ``other_paths`` as they are now), made through a
    scratch index so the working tree is not touched; the real index then records the committed content."""
    import tempfile

    blob = run_git(repo, "hash-object", "-w", "--stdin", "--path", rel, input_bytes=content,
                   binary=True).stdout.decode().strip()
    mode = "100755" if os.access(repo / rel, os.X_OK) else "100644"
    others = [os.path.relpath(Path(p).absolute(), repo) for p in other_paths]
    with tempfile.TemporaryDirectory(prefix="tracker-index-") as folder:
        env = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
        run_git(repo, "read-tree", "HEAD", env=env)
        run_git(repo, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{rel}", env=env)
        if others:
            run_git(repo, "update-index", "--add", "--remove", "--", *others, env=env)
        tree = run_git(repo, "write-tree", env=env).stdout.strip()
    parent = run_git(repo, "rev-parse", "HEAD").stdout.strip()
    args = ("commit-tree", tree, "-p", parent, "-m", one_line(message))
    proc = run_git(repo, *args, check=False)
    if proc.returncode != 0 and "tell me who you are" in (proc.stderr + proc.stdout).lower():
        proc = run_git(repo, *FALLBACK_IDENTITY, *args, check=False)
    if proc.returncode != 0:
        raise GitError(f"git commit failed: {(proc.stderr or proc.stdout).strip()}")
    run_git(repo, "update-ref", "-m", f"commit: {one_line(message)}", "HEAD", proc.stdout.strip(), parent)
    run_git(repo, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{rel}", check=False)
    if others:
        run_git(repo, "update-index", "--add", "--remove", "--", *others, check=False)
    return True


def head_commit(repo: Path) -> str | None:
    """The current commit's id; None before the first commit, outside a repository, or without git at all."""
    try:
        proc = run_git(repo, "rev-parse", "--verify", "-q", "HEAD", check=False)
    except OSError:
        return None
    return (proc.stdout.strip() or None) if proc.returncode == 0 else None


@dataclass(frozen=True)
class Commit:
    """One commit that touched the data file."""

    commit: str
    date: str
    message: str


@dataclass(frozen=True)
class ItemEvent:
    """What one commit did to one item: ``added``, ``removed``, ``status`` (``old`` -> ``new``) or ``edited``."""

    item_id: str
    action: str
    commit: str
    date: str
    message: str
    old_status: str | None = None
    new_status: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def file_commits(repo: Path, path: Path, limit: int | None = None) -> list[Commit]:
    """Commits that changed ``path``, newest first."""
    args = ["log", "--format=%H%x1f%aI%x1f%s"]
    if limit:
        args.append(f"-n{limit}")
    proc = run_git(repo, *args, "--", os.path.relpath(path.absolute(), repo), check=False)
    if proc.returncode != 0:
        return []  # no commits yet
    return [Commit(*line.split("\x1f", 2)) for line in proc.stdout.splitlines() if line]


_ID_LINE = re.compile(r"^- id:\s*(?P<id>[\w.-]+)\s*$")
_STATUS_LINE = re.compile(r"^(?:- |  )status:\s*(?P<status>[\w-]+)\s*$")
_SECTION_LINE = re.compile(r"^(?P<name>[A-Za-z_]\w*):")
_HUNK = re.compile(r"^@@ [^@]* @@ ?(?P<context>.*)$")


def item_events(repo: Path, path: Path, item_id: str | None = None) -> Iterator[ItemEvent]:
    """Every add, removal, status change and edit of reading-list items, oldest first, read from git's diffs.

    Works on the canonical layout (each item starts with ``- id:`` at column 0); the diff's hunk header names
    the section a hunk is in. Reusable by anything that wants status changes with dates and commits.
    """
    rel = os.path.relpath(path.absolute(), repo)
    cmd = ["git", "log", "--reverse", "-p", "-U8", "--no-color", "--no-ext-diff", "--no-renames",
           "--format=%x1e%H%x1f%aI%x1f%s", "--", rel]
    env = {**os.environ, "LC_ALL": "C"}
    with subprocess.Popen(cmd, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          env=env, errors="replace") as proc:
        assert proc.stdout is not None
        commit: tuple[str, str, str] | None = None
        parser = _DiffItems()
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            if line.startswith("\x1e"):
                if commit is not None:
                    yield from parser.events(commit, item_id)
                commit = tuple(line[1:].split("\x1f", 2))  # type: ignore[assignment]
                parser = _DiffItems()
                continue
            parser.feed(line)
        if commit is not None:
            yield from parser.events(commit, item_id)


class _DiffItems:
    """Collects, for one commit's diff, which items were added, removed, or changed (and their status lines)."""

    def __init__(self) -> None:
        self.added: dict[str, str | None] = {}
        self.removed: dict[str, str | None] = {}
        self.old_status: dict[str, str] = {}
        self.new_status: dict[str, str] = {}
        self.touched: list[str] = []
        self.section: str | None = None
        self.old_id: str | None = None
        self.new_id: str | None = None
        self.in_hunk = False

    def feed(self, line: str) -> None:
        hunk = _HUNK.match(line)
        if hunk:
            self.in_hunk = True
            section = _SECTION_LINE.match(hunk.group("context"))
            self.section = section.group("name") if section else self.section
            self.old_id = self.new_id = None
            return
        if not self.in_hunk or not line or line.startswith("diff --git"):
            self.in_hunk = self.in_hunk and not line.startswith("diff --git")
            return
        sign, body = line[0], line[1:]
        if sign not in " +-":
            return
        header = _SECTION_LINE.match(body)
        if header and not body.startswith((" ", "-")):
            self.section = header.group("name")
            return
        if self.section != "resources":
            return
        ident = _ID_LINE.match(body)
        if ident:
            name = ident.group("id")
            if sign in " -":
                self.old_id = name
            if sign in " +":
                self.new_id = name
            if sign == "+":
                self.added[name] = None
            elif sign == "-":
                self.removed[name] = None
            return
        status = _STATUS_LINE.match(body)
        if status:
            if sign == "-" and self.old_id:
                self.old_status[self.old_id] = status.group("status")
            elif sign == "+" and self.new_id:
                self.new_status[self.new_id] = status.group("status")
                if self.new_id in self.added:
                    self.added[self.new_id] = status.group("status")
            return
        if sign != " " and (self.new_id or self.old_id):
            self.touched.append(self.new_id or self.old_id or "")

    def events(self, commit: tuple[str, str, str], only: str | None) -> Iterator[ItemEvent]:
        sha, date, message = commit
        names = list(dict.fromkeys([*self.added, *self.removed, *self.new_status, *self.old_status, *self.touched]))
        for name in names:
            if only is not None and name != only:
                continue
            base = {"item_id": name, "commit": sha, "date": date, "message": message}
            if name in self.added and name not in self.removed:
                yield ItemEvent(action="added", new_status=self.added[name] or "inbox", **base)
            elif name in self.removed and name not in self.added:
                yield ItemEvent(action="removed", old_status=self.old_status.get(name), **base)
            elif self.old_status.get(name) != self.new_status.get(name) and name in self.new_status:
                yield ItemEvent(action="status", old_status=self.old_status.get(name),
                                new_status=self.new_status[name], **base)
            else:
                yield ItemEvent(action="edited", **base)


def status_changes(repo: Path, path: Path) -> Iterator[ItemEvent]:
    """Each time an item got a status (added with one, or moved), with date and commit: for publishing history."""
    for event in item_events(repo, path):
        if event.action in ("added", "status"):
            yield event
