"""``tracker sync``: pull the list from the remote (merging resources.yaml item by item), then push.

Every failure is a sentence: no repository, no remote, uncommitted edits in the way, a merge conflict (with the
items named), a push the remote refused.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tracker.errors import TrackerError
from tracker.gitrepo import run_git
from tracker.merge import configure_merge_driver


class SyncError(TrackerError):
    """A sync that could not finish; the message says what to do."""


@dataclass
class SyncResult:
    remote: str
    branch: str
    pulled: bool
    pushed: bool
    messages: list[str] = field(default_factory=list)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_git(repo, *args, check=False)


def _output(done: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(part.strip() for part in (done.stdout, done.stderr) if part.strip())


def repo_root(start: Path) -> Path:
    done = _git(start, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise SyncError(f"{start} is not inside a git repository; run 'tracker init' or 'git init' first")
    return Path(done.stdout.strip())


def sync(start: Path, remote: str | None = None) -> SyncResult:
    """Pull (merge, with the item-by-item driver) and push the current branch."""
    root = repo_root(start)
    configure_merge_driver(root)  # the driver's git config is per clone: make sure this one has it
    branch_run = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if branch_run.returncode != 0:
        raise SyncError("HEAD is detached; check out a branch before syncing")
    branch = branch_run.stdout.strip()
    remotes = _git(root, "remote").stdout.split()
    upstream = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}")
    if remote is None:
        if upstream.returncode == 0:
            remote = upstream.stdout.strip().split("/", 1)[0]
        elif "origin" in remotes:
            remote = "origin"
        elif len(remotes) == 1:
            remote = remotes[0]
    if not remotes or remote is None:
        raise SyncError("this repository has no remote to sync with; add one: git remote add origin URL")
    if remote not in remotes:
        raise SyncError(f"no remote named '{remote}' (remotes: {', '.join(remotes)})")

    result = SyncResult(remote=remote, branch=branch, pulled=False, pushed=False)
    fetch = _git(root, "fetch", remote)
    if fetch.returncode != 0:
        raise SyncError(f"could not fetch from '{remote}': {_output(fetch)}")
    remote_has_branch = _git(root, "rev-parse", "--verify", "--quiet", f"refs/remotes/{remote}/{branch}").returncode == 0
    if remote_has_branch:
        merge = _git(root, "merge", "--no-edit", f"{remote}/{branch}")
        if merge.returncode != 0:
            conflicted = _git(root, "diff", "--name-only", "--diff-filter=U").stdout.split()
            if conflicted:
                raise SyncError(
                    "the pull left conflicts in "
                    + ", ".join(conflicted)
                    + f":\n{_output(merge)}\nFix the marked parts, then 'git add' them, 'git commit', "
                    "and run 'tracker sync' again"
                )
            raise SyncError(f"could not merge {remote}/{branch}: {_output(merge)}")
        result.pulled = True
        result.messages.append(_output(merge).splitlines()[0] if _output(merge) else "merged")
    push = _git(root, "push", "--set-upstream", remote, branch)
    if push.returncode != 0:
        text = _output(push)
        if "rejected" in text or "non-fast-forward" in text or "fetch first" in text:
            raise SyncError(
                f"'{remote}' refused the push (it has changes made meanwhile); run 'tracker sync' again:\n{text}"
            )
        raise SyncError(f"'{remote}' refused the push:\n{text}")
    result.pushed = True
    return result
