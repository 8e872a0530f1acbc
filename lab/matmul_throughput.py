"""Matmul throughput: achieved FLOP/s of torch vs NumPy on the same matrices, and against a GPU's peak."""

import time

import numpy as np
import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "matmul-throughput",
    "title": "Matmul throughput (FLOP/s) vs NumPy and the device's peak",
    "topic": "1.1.1",
    "claims": {
        "flops": "An n x n matmul costs 2 n^3 floating-point operations",
        "blas": "torch and NumPy compute the same product, both at BLAS speed on the CPU (> 1 GFLOP/s; a Python triple loop manages ~0.01)",
        "gpu-peak": "On a known GPU, achieved float32 and bfloat16 TFLOP/s stay below the datasheet peak",
    },
}

# Dense (no sparsity) datasheet peaks in TFLOP/s: (float32 without TF32, bfloat16 tensor cores; None = no bf16).
# Matched by substring of torch.cuda.get_device_name, most specific first.
GPU_PEAKS_TFLOPS = (
    ("H200", 67.0, 989.0),
    ("H100 PCIe", 51.0, 756.0),
    ("H100 NVL", 60.0, 835.0),
    ("H100", 67.0, 989.0),
    ("A100", 19.5, 312.0),
    ("L40S", 91.6, 362.0),
    ("L40", 90.5, 181.0),
    ("L4", 30.3, 121.0),
    ("V100", 15.7, None),
    ("T4", 8.1, None),
)


def known_peak(name: str) -> tuple[str, float, float | None] | None:
    for needle, fp32, bf16 in GPU_PEAKS_TFLOPS:
        if needle.lower() in name.lower():
            return needle, fp32, bf16
    return None


def best_seconds(fns: dict[str, object], device: torch.device, repeats: int) -> dict[str, float]:
    """The fastest of ``repeats`` synchronised runs of each function, taken in turns so that load from other
    processes falls on all of them alike."""
    from tracker.lab.device import synchronize

    best = dict.fromkeys(fns, float("inf"))
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(repeats):
        for name, fn in fns.items():
            synchronize(device)
            began = time.perf_counter()
            fn()
            synchronize(device)
            best[name] = min(best[name], time.perf_counter() - began)
    return best


def gpu_seconds(fn, device: torch.device, repeats: int) -> float:
    """Mean seconds per call over ``repeats`` back-to-back calls, timed with CUDA events."""
    from tracker.lab.device import device_timer

    fn()
    with device_timer(device) as timing:
        for _ in range(repeats):
            fn()
    return timing["seconds"] / repeats


def run(exp: Experiment) -> None:
    dev = exp.device
    n = 512
    a_np = np.random.default_rng(exp.seed).standard_normal((n, n), dtype=np.float32)
    b_np = np.random.default_rng(exp.seed + 1).standard_normal((n, n), dtype=np.float32)
    a_cpu, b_cpu = torch.from_numpy(a_np), torch.from_numpy(b_np)
    flops = 2 * n**3
    best = best_seconds({"torch": lambda: a_cpu @ b_cpu, "numpy": lambda: a_np @ b_np}, torch.device("cpu"), 7)
    torch_s, numpy_s = best["torch"], best["numpy"]
    reference = a_np.astype(np.float64) @ b_np.astype(np.float64)
    diff_torch = np.abs((a_cpu @ b_cpu).numpy() - reference).max() / np.abs(reference).max()
    diff_numpy = np.abs(a_np @ b_np - reference).max() / np.abs(reference).max()
    exp.claim("flops")
    # Counted by torch's own FLOP counter from the op's shapes, not by the formula this claim states.
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        a_cpu @ b_cpu
    exp.equal(f"FLOPs torch counts for a {n} x {n} matmul = 2 n^3", counter.get_total_flops(), flops)
    exp.claim("blas")
    exp.close("torch CPU float32 vs float64 reference (max rel error)", diff_torch, 1e-5)
    exp.close("NumPy float32 vs float64 reference (max rel error)", diff_numpy, 1e-5)
    exp.note("cpu_torch_gflops", flops / torch_s / 1e9)
    exp.note("cpu_numpy_gflops", flops / numpy_s / 1e9)
    # The ratio is a note, not a claim: on a shared machine another process can stall a BLAS thread pool 10x.
    exp.note("cpu_torch_over_numpy_flops", numpy_s / torch_s)
    exp.check("torch on the CPU at BLAS speed (GFLOP/s)", flops / torch_s > 1e9, flops / torch_s / 1e9, tolerance="> 1")
    exp.check("NumPy at BLAS speed (GFLOP/s)", flops / numpy_s > 1e9, flops / numpy_s / 1e9, tolerance="> 1")

    if dev.type != "cuda":
        exp.note("peak_tflops", "unknown" if dev.type != "cpu" else "not tabled for CPUs")
        exp.not_checked("gpu-peak", f"needs CUDA (this run is on {dev.type})")
        return
    exp.claim("gpu-peak")
    from tracker.lab.device import device_name

    name = device_name(dev)
    peak = known_peak(name)
    exp.note("gpu", name)
    size = 8192
    x = torch.randn(size, size, device=dev)
    y = torch.randn(size, size, device=dev)
    gpu_flops = 2 * size**3
    fp32_tflops = gpu_flops / gpu_seconds(lambda: x @ y, dev, 10) / 1e12
    xb, yb = x.bfloat16(), y.bfloat16()
    bf16_tflops = gpu_flops / gpu_seconds(lambda: xb @ yb, dev, 20) / 1e12
    exp.note("gpu_float32_tflops", fp32_tflops)
    exp.note("gpu_bfloat16_tflops", bf16_tflops)
    reference_gpu = (x[:256].double() @ y[:, :256].double())
    rel = ((x[:256] @ y[:, :256]).double() - reference_gpu).abs().max() / reference_gpu.abs().max()
    exp.close("GPU float32 (precision 'highest': no TF32) vs float64 (max rel error)", rel.item(), 1e-5)
    if peak is None:
        exp.note("peak_tflops", "unknown")
        exp.check("GPU float32 achieves > 1 TFLOP/s", fp32_tflops > 1.0, fp32_tflops, tolerance="> 1")
        return
    needle, fp32_peak, bf16_peak = peak
    exp.note("peak_table_entry", needle)
    exp.note("peak_float32_tflops", fp32_peak)
    fraction = fp32_tflops / fp32_peak
    exp.note("float32_fraction_of_peak", fraction)
    exp.check("float32 TFLOP/s between 5% and 105% of peak", 0.05 < fraction < 1.05, fraction, tolerance="0.05 .. 1.05")
    if bf16_peak is not None:
        exp.note("peak_bfloat16_tflops", bf16_peak)
        bf_fraction = bf16_tflops / bf16_peak
        exp.note("bfloat16_fraction_of_peak", bf_fraction)
        exp.check("bfloat16 TFLOP/s between 5% and 105% of peak", 0.05 < bf_fraction < 1.05, bf_fraction,
                  tolerance="0.05 .. 1.05")


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
