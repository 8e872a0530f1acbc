"""A second link mix for `tracker check`, unlike the shared harness's, to see that the policy is right in general.

Eleven local hosts (127.0.0.1, free ports, a thread per connection, every answer after --delay seconds, the
server stops by itself) serve 100 links each:
  60 ok, 6 permanent redirects, 4 pages that answer 503 twice and then 200, 4 pages whose HEAD says 200 while
  GET says 404 (dead), 4 that drop the first connection without an answer and then work, 3 that refuse HEAD,
  10 gone (404), 4 gone (410), 3 slow pages (25 s: timeouts), 2 challenge pages (403 + cf-mitigated: blocked);
and one more host holds --rl-links alive pages but admits only --rl-rate requests per second, answering 429 with
`Retry-After` as an HTTP date. The floor is rl_links / rl_rate seconds.
Prints wall / floor, wrong verdicts, requests per URL, 429s and the most requests in flight to one host.

    python3 benchmarks/bench_linkcheck_variant.py                 # 200 ms per answer, 60 links at 5/s
    python3 benchmarks/bench_linkcheck_variant.py --delay 0.05 --rl-rate 10 --rl-links 80
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KINDS = [  # kind, links per host, truth
    ("ok", 60, "alive"),
    ("redir", 6, "alive"),
    ("twice503", 4, "alive"),
    ("headok404", 4, "dead"),
    ("drop", 4, "alive"),
    ("nohead", 3, "alive"),
    ("gone404", 10, "dead"),
    ("gone410", 4, "dead"),
    ("slow", 3, "slow"),
    ("challenge", 2, "blocked"),
]
HOSTS = 11
SLOW_S = 25.0


class Mix:
    """Shared state of all hosts: hits per path, in flight per port, the rate-limited host's window."""

    def __init__(self, delay: float, rl_rate: int) -> None:
        self.delay, self.rl_rate = delay, rl_rate
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.inflight: Counter[int] = Counter()
        self.max_inflight: Counter[int] = Counter()
        self.requests = 0
        self.refused = 0
        self.window: list[float] = []
        self.stop = threading.Event()

    def handler(self, port: int) -> type[BaseHTTPRequestHandler]:
        mix = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:  # noqa: N802
                self.serve()

            def do_GET(self) -> None:  # noqa: N802
                self.serve()

            def serve(self) -> None:
                with mix.lock:
                    mix.requests += 1
                    mix.hits[self.path] += 1
                    hit = mix.hits[self.path]
                    mix.inflight[port] += 1
                    mix.max_inflight[port] = max(mix.max_inflight[port], mix.inflight[port])
                try:
                    time.sleep(mix.delay)
                    self.route(self.path.strip("/").split("/")[0], hit)
                finally:
                    with mix.lock:
                        mix.inflight[port] -= 1

            def reply(self, status: int, headers: dict[str, str] | None = None) -> None:
                body = b"page\n"
                try:
                    self.send_response(status)
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                except OSError:  # a slow page the client gave up on
                    self.close_connection = True

            def route(self, kind: str, hit: int) -> None:  # noqa: C901 - one branch per kind
                head = self.command == "HEAD"
                if kind == "rl":
                    now = time.monotonic()
                    with mix.lock:
                        mix.window = [t for t in mix.window if now - t < 1.0]
                        admitted = len(mix.window) < mix.rl_rate
                        if admitted:
                            mix.window.append(now)
                        else:
                            mix.refused += 1
                    if admitted:
                        self.reply(200)
                    else:
                        self.reply(429, {"Retry-After": formatdate(time.time() + 2, usegmt=True)})
                elif kind == "ok":
                    self.reply(200)
                elif kind == "redir":
                    self.reply(301, {"Location": "/ok" + self.path})
                elif kind == "twice503":
                    self.reply(503 if hit <= 2 else 200)
                elif kind == "headok404":
                    self.reply(200 if head else 404)
                elif kind == "drop" and hit == 1:
                    self.close_connection = True  # no answer at all
                elif kind == "drop":
                    self.reply(200)
                elif kind == "nohead":
                    self.reply(405 if head else 200)
                elif kind == "gone410":
                    self.reply(410)
                elif kind == "slow":
                    mix.stop.wait(SLOW_S)
                    self.reply(200)
                elif kind == "challenge":
                    self.reply(403, {"cf-mitigated": "challenge"})
                else:
                    self.reply(404)

        return Handler


def start_hosts(mix: Mix, count: int, lifetime: float) -> list[ThreadingHTTPServer]:
    servers = []
    for _ in range(count):
        server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        server.RequestHandlerClass = mix.handler(server.server_address[1])
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
    stopper = threading.Timer(lifetime, lambda: [s.shutdown() for s in servers])
    stopper.daemon = True
    stopper.start()
    return servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds before every answer")
    parser.add_argument("--rl-rate", type=int, default=5, help="requests per second the limited host admits")
    parser.add_argument("--rl-links", type=int, default=60)
    parser.add_argument("--timeout", default="5", help="tracker check --timeout")
    args = parser.parse_args()

    mix = Mix(args.delay, args.rl_rate)
    servers = start_hosts(mix, HOSTS + 1, lifetime=240)
    ports = [s.server_address[1] for s in servers]
    truth: dict[str, str] = {}
    for host, port in enumerate(ports[:HOSTS]):
        for kind, count, label in KINDS:
            for i in range(count):
                truth[f"http://127.0.0.1:{port}/{kind}/{host}-{i}"] = label
    for i in range(args.rl_links):
        truth[f"http://127.0.0.1:{ports[-1]}/rl/{i}"] = "alive"
    urls = list(truth)
    random.Random(5).shuffle(urls)
    with tempfile.TemporaryDirectory() as tmp:
        md = Path(tmp) / "links.md"
        md.write_text("".join(f"- <{url}>\n" for url in urls))
        cmd = [sys.executable, "-m", "tracker", "check", "--links-from", str(md), "--json", "--timeout", args.timeout]
        started = time.monotonic()
        done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
        wall = time.monotonic() - started
    mix.stop.set()
    for server in servers:
        server.shutdown()
    results = json.loads(done.stdout)["results"]

    wrong: dict[str, list[str]] = defaultdict(list)
    for result in results:
        label, verdict = truth[result["url"]], result["verdict"]
        expected = {"alive": ("ok", "redirected"), "dead": ("dead",), "slow": ("timeout",), "blocked": ("blocked",)}
        if verdict not in expected[label]:
            wrong[f"{label} -> {verdict}"].append(f"{result['url']} ({result['detail']})")
    floor = args.rl_links / args.rl_rate
    print(f"links {len(results)}/{len(truth)}, wall {wall:.1f} s, floor {floor:.1f} s: {wall / floor:.2f}x")
    print(f"requests per URL {mix.requests / len(truth):.2f}, 429s {mix.refused}, ", end="")
    print(f"max in flight to one host {max(mix.max_inflight.values())} (slow pages the client gave up on count)")
    print("wrong verdicts:", "none" if not wrong else "")
    for key, items in sorted(wrong.items()):
        print(f"  {key}: {len(items)}, e.g. {items[0]}")


if __name__ == "__main__":
    main()
