"""Dtypes and memory: bytes per element, float16's overflow at 65504, bfloat16's coarse precision, defaults."""

import numpy as np
import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "dtypes",
    "title": "Data types and memory",
    "topic": "1.1.1",
    "claims": {
        "bytes": "Bytes per element: float64 8, float32 4, float16 2, bfloat16 2, int8 1, bool 1; memory = numel x bytes",
        "overflow": "float16 overflows to inf above 65504; bfloat16 keeps float32's range",
        "bfloat16-bits": "bfloat16 has 8 significant bits: 256 + 1 rounds back to 256, machine epsilon 2^-7",
        "defaults": "torch's default float is float32, NumPy's is float64",
        "running-sum": "A running sum kept in float16 stalls at 256 when adding 0.1; float32 keeps it",
    },
}

SIZES = {torch.float64: 8, torch.float32: 4, torch.float16: 2, torch.bfloat16: 2, torch.int64: 8, torch.int8: 1, torch.bool: 1}


def run(exp: Experiment) -> None:
    dev = exp.device
    measured = {str(dt).removeprefix("torch."): torch.empty(0, dtype=dt).element_size() for dt in SIZES}
    expected = {str(dt).removeprefix("torch."): size for dt, size in SIZES.items()}
    exp.claim("bytes")
    exp.equal("bytes per element", measured, expected)
    million = torch.zeros(1_000_000, dtype=torch.float32, device=dev)
    exp.equal("1M float32 take 4 MB of storage", million.untyped_storage().nbytes(), 4_000_000)
    exp.equal("... and 2 MB as bfloat16", million.bfloat16().untyped_storage().nbytes(), 2_000_000)

    exp.claim("overflow")
    exp.equal("finfo(float16).max", torch.finfo(torch.float16).max, 65504.0)
    big = torch.tensor([65504.0, 65519.0, 65520.0, 1e5], device=dev).half()
    exp.equal("65504 and 65519 stay finite, 65520 and 1e5 overflow in float16",
              torch.isinf(big).tolist(), [False, False, True, True])
    doubled = torch.tensor([40000.0], device=dev, dtype=torch.float16) * 2
    exp.equal("40000 * 2 in float16 is inf", bool(torch.isinf(doubled).item()), True)
    exp.equal("1e38 is finite in bfloat16", bool(torch.isfinite(torch.tensor([1e38], device=dev).bfloat16()).item()), True)

    exp.claim("bfloat16-bits")
    exp.equal("finfo(bfloat16).eps = 2^-7", torch.finfo(torch.bfloat16).eps, 2.0**-7)
    exp.equal("finfo(float16).eps = 2^-10", torch.finfo(torch.float16).eps, 2.0**-10)
    stepped = torch.tensor([256.0], device=dev, dtype=torch.bfloat16) + 1
    exp.equal("256 + 1 in bfloat16", stepped.item(), 256.0)
    exp.equal("256 + 1 in float16", (torch.tensor([256.0], device=dev, dtype=torch.float16) + 1).item(), 257.0)
    pi = torch.tensor([torch.pi], device=exp.float64_device, dtype=torch.float64)
    exp.close("pi in bfloat16: relative error <= 2^-8", ((pi.bfloat16().double() - pi).abs() / pi).item(), 2.0**-8)

    exp.claim("defaults")
    exp.equal("torch default float", str(torch.tensor([1.0]).dtype), "torch.float32")
    exp.equal("NumPy default float", str(np.array([1.0]).dtype), "float64")

    # Add 0.1 one at a time, keeping the running sum in float16 (as a naive fp16 accumulator would): once the
    # sum reaches 256 the spacing between float16 numbers is 0.25, so adding 0.1 rounds back to the same number.
    tenth16, tenth32 = torch.tensor(0.1, device=dev, dtype=torch.float16), torch.tensor(0.1, device=dev)
    total16, total32 = torch.zeros((), device=dev, dtype=torch.float16), torch.zeros((), device=dev)
    for _ in range(4000):
        total16 = total16 + tenth16
        total32 = total32 + tenth32
    exp.note("float16_running_sum_of_4000_tenths", total16.item())
    exp.claim("running-sum")
    exp.equal("float16 running sum of 4000 x 0.1 stalls at 256", total16.item(), 256.0)
    exp.close("float32 running sum of 4000 x 0.1 (abs error from 400)", abs(total32.item() - 400.0), 0.05)

if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
