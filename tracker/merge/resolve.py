"""``tracker resolve``: settle the open merge conflicts in the list and finish what git was doing.

It keeps one side of every conflict block (or checks that a person removed them by hand), checks that the file
loads as every command reads it, marks it resolved in git, and makes the commit: the merge commit, the next step
of a rebase, or a plain commit when no merge is in progress.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.project import Project


@dataclass
class ResolveResult:
    path: Path
    settled: int  # conflict blocks replaced by the side asked for
    finished: str  # "merge", "rebase", "commit" or "" (nothing to commit, or no git)


def _in_progress(repo: Path) -> str:
    from tracker.gitrepo import run_git

    if run_git(repo, "rev-parse", "--verify", "--quiet", "MERGE_HEAD", check=False).returncode == 0:
        return "merge"
    git_dir = Path(run_git(repo, "rev-parse", "--git-dir").stdout.strip())
    git_dir = git_dir if git_dir.is_absolute() else repo / git_dir
    if (git_dir / "rebase-merge").is_dir() or (git_dir / "rebase-apply").is_dir():
        return "rebase"
    return ""


def _git_with_identity(repo: Path, *args: str):
    """git, retried with tracker's fallback identity where none is configured (like tracker's own commits)."""
    from tracker.gitrepo import FALLBACK_IDENTITY, run_git

    done = run_git(repo, *args, check=False)
    if done.returncode != 0 and "tell me who you are" in (done.stdout + done.stderr).lower():
        done = run_git(repo, *FALLBACK_IDENTITY, *args, check=False)
    return done


def resolve(path: Path, take: str | None = None) -> ResolveResult:
    """Settle ``path``'s conflicts (``take``: "ours" or "theirs" for every block, None: already edited by hand),
    holding the project's lock like every other writer, so a command running meanwhile never sees half of it."""
    from tracker.project import Project

    project = Project(path)
    with project.lock():
        return _resolve_locked(project, path, take)


def _resolve_locked(project: Project, path: Path, take: str | None) -> ResolveResult:
    from tracker.gitrepo import find_repo, run_git
    from tracker.merge.conflicts import check_settled, find_conflicts, settle
    from tracker.merge.loading import strict_load
    from tracker.store.atomic import atomic_write

    text = path.read_text(encoding="utf-8")
    settled = 0
    if take is not None:
        settled = len(find_conflicts(text))
        new_text = settle(text, take, path.name)
        if new_text != text:
            atomic_write(path, new_text.encode("utf-8"))
            text = new_text
    check_settled(path)
    strict_load(text, path.name)
    repo = find_repo(path.parent)
    if repo is None:
        return ResolveResult(path, settled, "")
    rel = os.path.relpath(path.absolute(), repo)
    state = _in_progress(repo)
    if state:
        run_git(repo, "add", "--", rel)
        others = run_git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split()
        if others:
            raise TrackerError(f"{path.name} is settled, but git still has conflicts in {', '.join(others)}: "
                               "settle them, 'git add' them, then run 'tracker resolve' again")
        args = ("commit", "--no-edit", "-q") if state == "merge" else ("-c", "core.editor=true", "rebase", "--continue")
        done = _git_with_identity(repo, *args)
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()
            stopped = run_git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split()
            if stopped:
                raise TrackerError(f"the rebase stopped again at the next commit, with conflicts in "
                                   f"{', '.join(stopped)}: settle them and run 'tracker resolve' again")
            raise TrackerError(f"git {args[-2] if state == 'rebase' else 'commit'} failed: "
                               f"{last[-1] if last else done.returncode}")
        return ResolveResult(path, settled, state)
    changed = run_git(repo, "diff", "--quiet", "HEAD", "--", rel, check=False).returncode != 0
    if changed and project.commit([path], f"resolve: settle merge conflicts in {path.name}"):
        return ResolveResult(path, settled, "commit")
    return ResolveResult(path, settled, "")
