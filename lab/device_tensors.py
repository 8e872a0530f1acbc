"""Device tensors: a matmul on the device agrees with a float64 CPU reference, and GPU timing needs a sync."""

import time

import torch
from _lab import Experiment, main

from tracker.lab.device import synchronize

EXPERIMENT = {
    "id": "device-tensors",
    "title": "Tensors on a device: correctness and honest timing",
    "topic": "1.1.1",
    "claims": {
        "matches-reference": "A float32 matmul on the device matches a float64 CPU reference to float32 accuracy",
        "refused": "Operands on different devices are refused, not silently copied",
        "asynchronous": "GPU kernels run asynchronously: a timer read without synchronize measures only the launch",
        "events": "CUDA events and a synchronised wall clock agree",
        "cpu-synchronous": "On the CPU an operation returns only when its work is done: no synchronize is needed",
    },
}


def seconds_without_and_with_sync(x: torch.Tensor, repeats: int) -> tuple[float, float]:
    """Wall time of ``repeats`` matmuls read right after launching them, and again after waiting for them."""
    synchronize(x.device)
    began = time.perf_counter()
    for _ in range(repeats):
        y = x @ x
    unsynced = time.perf_counter() - began
    synchronize(x.device)
    del y
    return unsynced, time.perf_counter() - began


def run(exp: Experiment) -> None:
    dev = exp.device
    n = 256
    a_cpu = torch.randn(n, n, dtype=torch.float64)
    b_cpu = torch.randn(n, n, dtype=torch.float64)
    reference = a_cpu @ b_cpu
    product = (a_cpu.float().to(dev) @ b_cpu.float().to(dev)).cpu().double()
    relative = ((product - reference).abs().max() / reference.abs().max()).item()
    exp.note("device", str(dev))
    exp.claim("matches-reference")
    # float32 has a 2^-24 unit roundoff; a length-256 dot product can lose a few hundred of them at worst.
    exp.close("device float32 matmul vs CPU float64 (max rel error)", relative, 1e-5)

    if dev.type == "cpu":
        exp.not_checked("refused", "needs a second device (CUDA or MPS): on the CPU there is nothing to mix")
    else:
        exp.claim("refused")
        try:
            _ = torch.ones(2, device=dev) + torch.ones(2)
            refused = False
        except RuntimeError:
            refused = True
        exp.equal("cpu + device tensor is refused", refused, True)

    exp.claim("cpu-synchronous")
    cpu_x = torch.randn(384, 384)
    cpu_x @ cpu_x  # warm-up (thread pool)
    unsynced, synced = seconds_without_and_with_sync(cpu_x, 3)
    exp.check("on the CPU the call returns when the work is done (unsynced/synced)", unsynced / synced > 0.5,
              unsynced / synced, tolerance="> 0.5", note="CPU ops are synchronous: no sync needed")

    if dev.type != "cuda":
        exp.not_checked("asynchronous", f"needs CUDA (this run is on {dev.type})")
        exp.not_checked("events", f"needs CUDA (this run is on {dev.type})")
        return
    x = torch.randn(2048, 2048, device=dev)
    x @ x  # warm-up (kernel selection, allocator)
    unsynced, synced = seconds_without_and_with_sync(x, 10)
    with exp.timed("matmul_x10_events"):
        for _ in range(10):
            x @ x
    timed = exp.timings["matmul_x10_events"]
    exp.note("unsynchronised_seconds", unsynced)
    exp.note("synchronised_seconds", synced)
    exp.claim("asynchronous")
    exp.check("unsynchronised timer reads < half the real time", unsynced < 0.5 * synced, unsynced / synced,
              tolerance="< 0.5", note="launching kernels returns before they finish")
    exp.claim("events")
    exp.check("CUDA events agree with the synchronised clock (ratio)", 0.5 < timed / synced < 2.0, timed / synced,
              tolerance="0.5 .. 2")


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
