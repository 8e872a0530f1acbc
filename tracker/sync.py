"""``tracker sync``: pull the list from the branch's upstream (merging resources.yaml item by item), check that
it loads, then push to that same upstream.

The upstream is the branch's configured one (``git branch -u``: local ``master`` may track ``origin/main``),
else the remote's branch of the same name. Nothing is pushed unless every list file loads and holds no open
merge conflict, so a broken file never reaches the other machines. Every failure is a sentence saying what to do.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tracker.errors import TrackerError
from tracker.gitrepo import find_repo, run_git
from tracker.merge import configure_merge_driver
from tracker.merge.driver import LINK_HISTORY_NAME


class SyncError(TrackerError):
    """A sync that could not finish; the message says what to do."""


@dataclass
class Upstream:
    """Where the branch pulls from and pushes to."""

    remote: str
    branch: str  # the branch's name on the remote
    configured: bool  # False: no upstream was set, so the remote's branch of the same name is used

    @property
    def ref(self) -> str:
        return f"refs/remotes/{self.remote}/{self.branch}"

    def __str__(self) -> str:
        return f"{self.remote}/{self.branch}"


@dataclass
class SyncResult:
    remote: str
    branch: str
    pulled: bool
    pushed: bool
    upstream: str = ""
    configured: bool = True
    messages: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # for the person: things sync did besides pull and push


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_git(repo, *args, check=False)


def _output(done: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(part.strip() for part in (done.stdout, done.stderr) if part.strip())


def repo_root(start: Path) -> Path:
    root = find_repo(start)
    if root is None:
        raise SyncError(f"{start} is not inside a git repository; run 'tracker init' or 'git init' first")
    return root


def find_upstream(root: Path, branch: str, remote: str | None) -> Upstream:
    """The branch's configured upstream (when ``remote`` is not given or names its remote), else ``remote``'s
    (or origin's, or the only remote's) branch of the same name."""
    remotes = _git(root, "remote").stdout.split()
    configured_remote = _git(root, "config", "--get", f"branch.{branch}.remote").stdout.strip()
    merge_ref = _git(root, "config", "--get", f"branch.{branch}.merge").stdout.strip()
    if configured_remote in remotes and merge_ref.startswith("refs/heads/") and remote in (None, configured_remote):
        return Upstream(configured_remote, merge_ref.removeprefix("refs/heads/"), True)
    if remote is None:
        if "origin" in remotes:
            remote = "origin"
        elif len(remotes) == 1:
            remote = remotes[0]
    if not remotes or remote is None:
        raise SyncError("this repository has no remote to sync with; add one: git remote add origin URL")
    if remote not in remotes:
        raise SyncError(f"no remote named '{remote}' (remotes: {', '.join(remotes)})")
    return Upstream(remote, branch, False)


def list_files(root: Path, extra: list[Path]) -> list[Path]:
    """The list files to check before a push: ``extra`` and each YAML file .gitattributes merges with tracker."""
    files = [path for path in extra if path.is_file()]
    try:
        attributes = (root / ".gitattributes").read_text(encoding="utf-8")
    except OSError:
        attributes = ""
    for line in attributes.splitlines():
        parts = line.split()
        if len(parts) >= 2 and "merge=tracker" in parts[1:] and parts[0].endswith((".yaml", ".yml")):
            candidate = root / parts[0]
            if candidate.is_file() and all(candidate.resolve() != known.resolve() for known in files):
                files.append(candidate)
    return files


def check_pushable(root: Path, files: list[Path]) -> None:
    """Refuse to push a list that does not load or still holds an open merge conflict: say where and what to do."""
    from tracker.merge.conflicts import find_conflicts
    from tracker.merge.loading import strict_load

    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        try:
            strict_load(text, name)
        except TrackerError as exc:
            raise SyncError(f"{exc}; nothing was pushed: fix {name} so it loads, commit it, "
                            "then run 'tracker sync' again") from None
        _check_link_history(path.parent / LINK_HISTORY_NAME, root)
        conflicts = find_conflicts(text)
        if conflicts:
            first = conflicts[0]
            raise SyncError(f"{name}:{first.line}: open merge conflict in {first.description}; nothing was pushed: "
                            "settle it with 'tracker resolve' (--ours or --theirs), then run 'tracker sync' again")


def _check_link_history(path: Path, root: Path) -> None:
    """The link history beside a list must be one the checker can read, or it is not pushed either."""
    from tracker.merge.state import merge_link_histories

    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        merge_link_histories(text, text, text, name)
    except TrackerError as exc:
        raise SyncError(f"{str(exc).replace(' (ours)', '', 1)}; nothing was pushed: fix {name} (or delete it: "
                        "`tracker check` writes it again), commit, then run 'tracker sync' again") from None


def sync(start: Path, remote: str | None = None, rebase: bool = False, data_files: list[Path] | None = None
         ) -> SyncResult:
    """Pull (merge, or with ``rebase`` replay our commits on top; the item-by-item driver merges resources.yaml
    either way), check that the list loads, and push to the branch's upstream."""
    root = repo_root(start)
    configure_merge_driver(root)  # the driver's git config is per clone: make sure this one has it
    branch_run = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if branch_run.returncode != 0:
        raise SyncError("HEAD is detached; check out a branch before syncing")
    branch = branch_run.stdout.strip()
    upstream = find_upstream(root, branch, remote)
    result = SyncResult(remote=upstream.remote, branch=branch, pulled=False, pushed=False,
                        upstream=str(upstream), configured=upstream.configured)
    files = list_files(root, data_files or [])
    if _upgrade_attributes(root):
        result.notices.append("note: committed .gitattributes lines so that link history, notes and lab runs "
                              "merge without conflicts")
    if _git(root, "rev-parse", "--verify", "--quiet", "MERGE_HEAD").returncode == 0:
        raise SyncError("a merge is in progress; settle it with 'tracker resolve' (or 'git commit'), "
                        "then run 'tracker sync' again")
    fetch = _git(root, "fetch", upstream.remote)
    if fetch.returncode != 0:
        raise SyncError(f"could not fetch from '{upstream.remote}': {_output(fetch)}")
    if _git(root, "rev-parse", "--verify", "--quiet", upstream.ref).returncode == 0:
        pull = (_git(root, "rebase", upstream.ref) if rebase
                else _git(root, "merge", "--no-edit", "-m", f"sync: merge {upstream}", upstream.ref))
        if pull.returncode != 0:
            raise _pull_failure(root, pull, str(upstream), rebase)
        result.pulled = True
        result.messages.append(_output(pull).splitlines()[0] if _output(pull) else "merged")
    check_pushable(root, files)
    push = _git(root, "push", upstream.remote, f"HEAD:refs/heads/{upstream.branch}")
    if push.returncode != 0:
        text = _output(push)
        if "rejected" in text or "non-fast-forward" in text or "fetch first" in text:
            raise SyncError(f"'{upstream.remote}' refused the push (it has changes made meanwhile); "
                            f"run 'tracker sync' again:\n{text}")
        raise SyncError(f"'{upstream.remote}' refused the push:\n{text}")
    if not upstream.configured:  # from now on the branch knows where it syncs
        _git(root, "branch", f"--set-upstream-to={upstream}", branch)
    result.pushed = True
    return result


def _upgrade_attributes(root: Path) -> bool:
    """Add the merge lines a project made by an older tracker lacks, in one commit, unless the user has
    uncommitted edits to .gitattributes (then it is left to them)."""
    from tracker.gitrepo import commit_paths
    from tracker.merge.driver import missing_attribute_lines

    missing = missing_attribute_lines(root)
    if not missing or _git(root, "status", "--porcelain", "--", ".gitattributes").stdout.strip():
        return False
    path = root / ".gitattributes"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + "".join(f"{line}\n" for line in missing),
                    encoding="utf-8")
    return commit_paths(root, [path], "sync: merge link history, notes and lab runs without conflicts")


def _pull_failure(root: Path, pull: subprocess.CompletedProcess[str], upstream: str, rebase: bool) -> SyncError:
    """Why the pull stopped, as what to do next: conflicts to settle, or uncommitted edits in the way."""
    text = _output(pull)
    conflicted = _git(root, "diff", "--name-only", "--diff-filter=U").stdout.split()
    if conflicted:
        finish = "'git rebase --continue'" if rebase else "'git commit'"
        return SyncError(
            f"the pull left conflicts in {', '.join(conflicted)}; nothing was pushed:\n{text}\n"
            f"The list still loads, with our version live. Settle the conflicts with 'tracker resolve --ours' or "
            f"'--theirs' (or edit the marked lines, then 'tracker resolve'), which runs {finish} for you; "
            "then run 'tracker sync' again"
        )
    if "would be overwritten" in text or "unstaged changes" in text or "uncommitted changes" in text:
        dirty = [line[3:] for line in _git(root, "status", "--porcelain", "--untracked-files=no").stdout.splitlines()]
        return SyncError(
            f"uncommitted edits in {', '.join(dirty) or 'the work tree'} are in the way of the pull; "
            "commit them (or 'git stash' them), then run 'tracker sync' again"
        )
    return SyncError(f"could not {'rebase onto' if rebase else 'merge'} {upstream}: {text}")
