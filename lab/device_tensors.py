"""Device tensors: a matmul on the device agrees with a float64 CPU reference, and GPU timing needs a sync."""

import sys
import time
from pathlib import Path

import torch

try:
    from tracker.lab.experiment import Experiment, main
except ModuleNotFoundError:  # run as a plain script from a source checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tracker.lab.experiment import Experiment, main

EXPERIMENT = {
    "id": "device-tensors",
    "title": "Tensors on a device: correctness and honest timing",
    "topic": "1.1.1",
    "claims": [
        "A float32 matmul on the device matches a float64 CPU reference to float32 accuracy",
        "Operands on different devices are refused, not silently copied",
        "GPU kernels run asynchronously: a timer read without synchronize measures only the launch",
        "CUDA events and a synchronised wall clock agree",
    ],
}


def run(exp: Experiment) -> None:
    dev = exp.device
    n = 256
    a_cpu = torch.randn(n, n, dtype=torch.float64)
    b_cpu = torch.randn(n, n, dtype=torch.float64)
    reference = a_cpu @ b_cpu
    product = (a_cpu.float().to(dev) @ b_cpu.float().to(dev)).cpu().double()
    relative = ((product - reference).abs().max() / reference.abs().max()).item()
    # float32 has a 2^-24 unit roundoff; a length-256 dot product can lose a few hundred of them at worst.
    exp.close("device float32 matmul vs CPU float64 (max rel error)", relative, 1e-5)
    exp.equal("result lives on the requested device", (a_cpu.float().to(dev) @ b_cpu.float().to(dev)).device.type, dev.type)
    exp.note("device", str(dev))

    if dev.type != "cpu":
        try:
            _ = torch.ones(2, device=dev) + torch.ones(2)
            refused = False
        except RuntimeError:
            refused = True
        exp.equal("cpu + device tensor is refused", refused, True)

    size = 2048 if dev.type == "cuda" else 384
    x = torch.randn(size, size, device=dev)
    x @ x  # warm-up (kernel selection, allocator)
    repeats = 10 if dev.type == "cuda" else 3
    from tracker.lab.device import synchronize

    synchronize(dev)
    began = time.perf_counter()
    for _ in range(repeats):
        y = x @ x
    unsynced = time.perf_counter() - began
    synchronize(dev)
    synced = time.perf_counter() - began
    with exp.timed("matmul_x_repeats_events_or_synced"):
        for _ in range(repeats):
            y = x @ x
    timed = exp.timings["matmul_x_repeats_events_or_synced"]
    exp.note("unsynchronised_seconds", unsynced)
    exp.note("synchronised_seconds", synced)
    del y
    if dev.type == "cuda":
        exp.check("unsynchronised timer reads < half the real time", unsynced < 0.5 * synced, unsynced / synced,
                  tolerance="< 0.5", note="launching kernels returns before they finish")
        exp.check("CUDA events agree with the synchronised clock (ratio)", 0.5 < timed / synced < 2.0, timed / synced,
                  tolerance="0.5 .. 2")
    else:
        exp.check(f"on {dev.type} the call returns when the work is done (unsynced/synced)", unsynced / synced > 0.5,
                  unsynced / synced, tolerance="> 0.5", note="CPU ops are synchronous: no sync needed")
        exp.note("timed_block_over_synced_clock", timed / synced)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
