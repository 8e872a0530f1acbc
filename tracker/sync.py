"""``tracker sync``: pull the list from the remote (merging resources.yaml item by item), then push.

Every failure is a sentence: no repository, no remote, uncommitted edits in the way, a merge conflict (with the
items named), a push the remote refused.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tracker.errors import TrackerError
from tracker.gitrepo import find_repo, run_git
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
    root = find_repo(start)
    if root is None:
        raise SyncError(f"{start} is not inside a git repository; run 'tracker init' or 'git init' first")
    return root


def sync(start: Path, remote: str | None = None, rebase: bool = False) -> SyncResult:
    """Pull (merge, or with ``rebase`` replay our commits on top; the item-by-item driver merges resources.yaml
    either way) and push the current branch."""
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
        upstream_ref = f"{remote}/{branch}"
        pull = _git(root, "rebase", upstream_ref) if rebase else _git(root, "merge", "--no-edit", upstream_ref)
        if pull.returncode != 0:
            raise _pull_failure(root, pull, upstream_ref, rebase)
        result.pulled = True
        result.messages.append(_output(pull).splitlines()[0] if _output(pull) else "merged")
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


def _pull_failure(root: Path, pull: subprocess.CompletedProcess[str], upstream_ref: str, rebase: bool) -> SyncError:
    """Why the pull stopped, as what to do next: conflicts to fix, or uncommitted edits in the way."""
    text = _output(pull)
    conflicted = _git(root, "diff", "--name-only", "--diff-filter=U").stdout.split()
    if conflicted:
        finish = "'git rebase --continue'" if rebase else "'git commit'"
        return SyncError(
            f"the pull left conflicts in {', '.join(conflicted)}:\n{text}\n"
            f"Fix the marked parts, then 'git add' them, {finish}, and run 'tracker sync' again"
        )
    if "would be overwritten" in text or "unstaged changes" in text or "uncommitted changes" in text:
        dirty = [line[3:] for line in _git(root, "status", "--porcelain", "--untracked-files=no").stdout.splitlines()]
        return SyncError(
            f"uncommitted edits in {', '.join(dirty) or 'the work tree'} are in the way of the pull; "
            "commit them (or 'git stash' them), then run 'tracker sync' again"
        )
    return SyncError(f"could not {'rebase onto' if rebase else 'merge'} {upstream_ref}: {text}")
