"""Fixture projects for the publish tests: a real git repo whose history moves items between statuses."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]

SCRIPT_TITLE = "<script>alert('title')</script> Attention Is All You Need"
SCRIPT_COMMENT = "Great paper <script>alert('comment')</script> read twice"

TOPICS = [
    {"id": "part-1", "title": "Getting Good with PyTorch", "number": "I."},
    {"id": "1-1", "title": "Tensors and broadcasting", "number": "1.1", "parent": "part-1"},
    {"id": "3-1", "title": "Attention and Transformers", "number": "3.1", "parent": "part-1"},
]


def base_resources() -> list[dict]:
    return [
        {
            "id": "attention-is-all-you-need",
            "url": "https://arxiv.org/abs/1706.03762",
            "title": SCRIPT_TITLE,
            "status": "inbox",
            "category": "Paper",
            "tags": ["transformers", "attention"],
            "topic": "3-1",
            "lab": "attention",
            "comment": SCRIPT_COMMENT,
            "added": "2024-01-05",
            "site": "arXiv",
            "kind": "paper",
            "authors": ["Ashish Vaswani", "Noam Shazeer"],
        },
        {
            "id": "illustrated-transformer",
            "url": "https://jalammar.github.io/illustrated-transformer/",
            "title": "The Illustrated Transformer",
            "status": "inbox",
            "category": "Study",
            "tags": ["transformers"],
            "topic": "3-1",
            "comment": "Pictures of self-attention, step by step",
            "added": "2024-01-06",
            "site": "jalammar.github.io",
            "kind": "article",
        },
        {
            "id": "broadcasting-semantics",
            "url": "https://pytorch.org/docs/stable/notes/broadcasting.html",
            "title": "Broadcasting semantics",
            "status": "next-up",
            "category": "Coding",
            "tags": ["pytorch"],
            "topic": "1-1",
            "lab": "broadcasting",
            "added": "2023-06-01",
            "site": "pytorch.org",
            "kind": "docs",
        },
        {
            "id": "karpathy-zero-to-hero",
            "url": "https://karpathy.ai/zero-to-hero.html",
            "title": "Neural Networks: Zero to Hero",
            "status": "reading",
            "category": "Video",
            "tags": ["course", "pytorch"],
            "topic": "1-1",
            "added": "2024-02-01",
            "site": "karpathy.ai",
            "kind": "video",
        },
    ]


ADVICE = [
    {"category": "Study", "text": "Read papers twice: once fast, once with a pen.", "source": {"name": "A friend"}},
    {
        "category": "Coding",
        "text": "Rewrite the <b>model</b> from scratch.",
        "source": {"name": "Karpathy", "url": "https://karpathy.ai/"},
    },
]

GLOSSARY = [
    {
        "term": "Temperature",
        "definition": "Divides the logits before the softmax; higher flattens the distribution.",
        "links": [{"title": "Sampling explained", "url": "https://example.org/sampling"}],
        "lab": "sampling",
    }
]

NOTE_ATTENTION = """---
title: Attention notes
topic: 3-1
related: [attention-is-all-you-need, illustrated-transformer]
---
# Attention

Queries meet keys; the **softmax** weights the values.

<script>alert('note')</script>

[click me](javascript:alert('link'))

<img src=x onerror="alert('img')">

| Question | Answer |
|----------|--------|
| Why divide by sqrt(d)? | To keep the dot products' variance near one |
| What does the mask do? | Hides future tokens from each position |
"""

NOTE_TENSORS = """---
title: Tensor notes
topic: 1-1
---
Views share memory with their base tensor.
"""

EXPERIMENT = '''"""Scaled dot-product attention by hand vs torch."""
EXPERIMENT = {"id": "attention", "title": "Scaled dot-product attention", "topic": "3-1",
              "claims": ["hand-written attention equals F.scaled_dot_product_attention"]}
'''

# A run as `tracker lab run` records it in .tracker/lab-runs.jsonl.
LAB_RUN = json.dumps(
    {
        "experiment": "attention", "item": None, "status": "pass", "passed": 2, "failed": 0, "max_error": 2e-7,
        "device": "cpu", "dtype": "float32", "seed": 0, "torch": "2.13.0", "started": "2024-02-02T10:00:00Z",
        "duration_s": 0.4,
        "checks": [
            {"name": "matches F.sdpa", "passed": True, "measured": 2e-7, "tolerance": 1e-5},
            {"name": "rows sum to one", "passed": True, "measured": 1e-8, "tolerance": 1e-6},
        ],
    }
)

# The link history as `tracker check` keeps it in .tracker-links.json (the URL differs from the item's by a
# trailing slash and a utm parameter: it is matched through identity_key), and its cache of check times.
LINK_HISTORY = json.dumps(
    {
        "version": 1,
        "links": {
            "https://example.org/old/?utm_source=x": {
                "verdict": "dead", "since": "2024-02-19T08:00:00Z", "status_code": 404,
                "first_failed": "2024-01-10T08:00:00Z", "last_ok": "2023-12-01T08:00:00Z",
            },
            "https://arxiv.org/abs/1706.03762": {"verdict": "ok", "since": "2024-01-01T08:00:00Z", "status_code": 200},
        },
    }
)
LINK_CACHE = json.dumps({"checked": {"https://example.org/old/?utm_source=x": "2024-02-19T08:00:00Z"}})


def write_resources(root: Path, resources: list[dict]) -> None:
    data = {"resources": resources, "advice": ADVICE, "glossary": GLOSSARY, "topics": TOPICS}
    (root / "resources.yaml").write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit_all(root: Path, message: str, date: str) -> None:
    git(root, "add", "-A")
    env_date = f"{date}T12:00:00+00:00"
    git(root, "-c", "commit.gpgsign=false", "commit", "-q", "-m", message, "--date", env_date)


def make_project(root: Path) -> Path:
    """A project with three commits: the first list, a move to reading, a move to done plus a new item."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    resources = base_resources()
    write_resources(root, resources)
    (root / "notes").mkdir()
    (root / "notes" / "attention.md").write_text(NOTE_ATTENTION, encoding="utf-8")
    (root / "notes" / "tensors.md").write_text(NOTE_TENSORS, encoding="utf-8")
    (root / "lab").mkdir()
    (root / "lab" / "attention.py").write_text(EXPERIMENT, encoding="utf-8")
    (root / ".tracker").mkdir()
    (root / ".tracker" / "lab-runs.jsonl").write_text(LAB_RUN + "\n", encoding="utf-8")
    (root / ".tracker" / "linkcheck-cache.json").write_text(LINK_CACHE, encoding="utf-8")
    (root / ".tracker-links.json").write_text(LINK_HISTORY, encoding="utf-8")
    (root / ".gitignore").write_text(".tracker/\n", encoding="utf-8")
    commit_all(root, "import: 4 items", "2024-02-01")

    resources[1]["status"] = "reading"
    write_resources(root, resources)
    commit_all(root, "move: illustrated-transformer inbox -> reading", "2024-02-10")

    resources[1]["status"] = "done"
    resources.append(
        {
            "id": "old-inbox-item",
            "url": "https://example.org/old",
            "title": "An old inbox item",
            "status": "inbox",
            "category": "Study",
            "added": "2020-01-01",
        }
    )
    write_resources(root, resources)
    commit_all(root, "move: illustrated-transformer reading -> done", "2024-02-20")
    return root / "resources.yaml"


def set_title(resources_file: Path, item_id: str, title: str) -> None:
    data = yaml.safe_load(resources_file.read_text(encoding="utf-8"))
    for item in data["resources"]:
        if item["id"] == item_id:
            item["title"] = title
    resources_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def start_serve(resources_file: Path, port: int, *extra: str) -> subprocess.Popen:
    # The reading room commits: it needs a git identity whatever the machine's configuration.
    env = {**os.environ, **GIT_IDENTITY, "PYTHONPATH": str(REPO_ROOT), "TRACKER_WATCH_INTERVAL": "0.3"}
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--file", str(resources_file), "serve", "--port", str(port), *extra],
        cwd=resources_file.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_http(url: str, timeout: float = 30.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout} s")
        time.sleep(0.2)


CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')


class RoomSession:
    """A browser's view of a reading room over HTTP: keeps cookies, reads each form's CSRF token from the page."""

    def __init__(self, base: str) -> None:
        import httpx

        self.base = base
        self.http = httpx.Client(base_url=base, timeout=30, follow_redirects=False)

    def token(self, page: str) -> str:
        found = CSRF_FIELD.search(self.http.get(page).text)
        assert found, f"no form with a CSRF token on {page}"
        return found.group(1)

    def post(self, path: str, data: dict, from_page: str, follow: bool = True):
        response = self.http.post(path, data={"csrftoken": self.token(from_page), **data})
        if follow and response.status_code in (302, 303):
            return self.http.get(response.headers["location"])
        return response

    def close(self) -> None:
        self.http.close()


def last_commit(root: Path) -> str:
    return git(root, "log", "-1", "--format=%s").strip()


def commit_count(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD").strip())
