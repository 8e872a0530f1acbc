"""Symmetric int8 quantisation: every weight lands within half a step of where it was, and the bound carries
through a matmul."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "quantization",
    "title": "int8 quantisation and its error bound",
    "topic": "IV",
    # Items that teach this besides those whose own lab: names it (an item has one lab:).
    "items": ["efficiently-scaling-transformer-inference"],
    "claims": {
        "half-step": "Rounding w / s to an integer in [-127, 127] with s = max|w| / 127 moves each weight by at most s / 2",
        "per-row": "One scale per row bounds each row by its own half step, never worse than one scale for the whole matrix",
        "outlier": "One large outlier sets the step for everything it shares a scale with, so the other weights lose precision",
        "matmul-bound": "An int8 x int8 matmul, accumulated in int32 and rescaled, stays within the bound the per-element errors imply",
        "memory": "int8 weights take a quarter of float32's bytes (plus one scale per row)",
    },
}


def quantize(w: torch.Tensor, dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """int8 values and their scale(s): per tensor (dim None) or one per slice along ``dim``."""
    largest = w.abs().amax() if dim is None else w.abs().amax(dim=dim, keepdim=True)
    scale = largest / 127
    return torch.round(w / scale).clamp(-127, 127).to(torch.int8), scale


def run(exp: Experiment) -> None:
    dev = exp.device
    w = (
        torch.randn(256, 512, device=dev) * torch.logspace(-2, 0, 256, device=dev)[:, None]
    )  # rows of unlike size

    exp.claim("half-step")
    q, scale = quantize(w)
    error = (q.float() * scale - w).abs()
    exp.close("max |dequantised - w| / (s / 2)", (error.max() / (scale / 2)).item(), 1.0 + 1e-5)
    exp.check(
        "the int8 values use the whole range (max |q| = 127)", int(q.abs().max()) == 127, int(q.abs().max())
    )

    exp.claim("per-row")
    q_rows, row_scales = quantize(w, dim=1)
    row_error = (q_rows.float() * row_scales - w).abs()
    exp.close(
        "each row within its own half step (max ratio)",
        (row_error.amax(1, keepdim=True) / (row_scales / 2)).max().item(),
        1.0 + 1e-5,
    )
    small_rows = slice(0, 64)
    ratio = (error[small_rows].mean() / row_error[small_rows].mean()).item()
    exp.check("rows of small weights: per-tensor error / per-row error", ratio > 10, ratio, tolerance="> 10")

    exp.claim("outlier")
    row = torch.randn(4096, device=dev)
    spiked = row.clone()
    spiked[0] = 100 * row.abs().max()
    q_plain, s_plain = quantize(row)
    q_spiked, s_spiked = quantize(spiked)
    plain_error = (q_plain.float() * s_plain - row)[1:].abs().mean()
    spiked_error = (q_spiked.float() * s_spiked - spiked)[1:].abs().mean()
    exp.check(
        "mean error on the other 4095 weights grows with a 100x outlier",
        (spiked_error / plain_error).item() > 20,
        (spiked_error / plain_error).item(),
        tolerance="> 20",
    )
    zeroed = (q_spiked[1:] == 0).float().mean().item()
    exp.check("... most of them round to 0", zeroed > 0.5, zeroed, tolerance="> 0.5")

    exp.claim("matmul-bound")
    x = torch.randn(64, 512, device=dev)
    q_x, s_x = quantize(x, dim=1)
    q_w, s_w = quantize(w, dim=1)
    # Integer products summed in int32 (exact here: 512 x 127 x 127 < 2^31), then one rescale per output.
    integer = q_x.to(torch.int32).cpu() @ q_w.to(torch.int32).cpu().T
    approx = integer.to(dev).float() * s_x * s_w.T
    exact = x.double() @ w.double().T
    e_x, e_w = (q_x.float() * s_x - x).abs().double(), (q_w.float() * s_w - w).abs().double()
    # |x w - x^ w^| <= |x| |e_w| + |e_x| |w| + |e_x| |e_w|, summed over the inner dimension.
    bound = x.abs().double() @ e_w.T + e_x @ w.abs().double().T + e_x @ e_w.T
    slack = ((approx.double() - exact).abs() - bound).max().item()
    exp.close("int8 matmul error - its bound (max; <= float32 rounding)", max(slack, 0.0), 1e-3)
    relative = ((approx.double() - exact).norm() / exact.norm()).item()
    exp.check("relative error of the int8 matmul (Frobenius)", relative < 0.02, relative, tolerance="< 0.02")

    exp.claim("memory")
    exp.equal(
        "bytes of int8 / bytes of float32 weights",
        q_w.untyped_storage().nbytes() / w.untyped_storage().nbytes(),
        0.25,
    )
    exp.equal("scales kept (one per row)", row_scales.numel(), w.shape[0])


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
