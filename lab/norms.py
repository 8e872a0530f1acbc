"""LayerNorm and RMSNorm by hand: what each is invariant to, and where they agree."""

import torch
import torch.nn.functional as F
from _lab import Experiment, main

EXPERIMENT = {
    "id": "norms",
    "title": "LayerNorm and RMSNorm: definitions and invariances",
    "topic": "II",
    "claims": {
        "by-hand": "LayerNorm is (x - mean) / sqrt(biased variance + eps) x gain + bias; RMSNorm is x / sqrt(mean(x^2) + eps) x gain",
        "layernorm-invariance": "LayerNorm is unchanged when a whole input vector is scaled by a > 0 or shifted by a constant",
        "rmsnorm-invariance": "RMSNorm is unchanged by scaling, but not by a shift",
        "agree-centred": "On inputs with zero mean, RMSNorm and LayerNorm (without bias) give the same output",
        "unit-scale": "After LayerNorm without gain, each vector has mean 0 and standard deviation 1",
    },
}

WIDTH, EPS = 64, 1e-12


def layer_norm(x: torch.Tensor, gain: torch.Tensor, bias: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    centred = x - x.mean(-1, keepdim=True)
    return centred / (centred.pow(2).mean(-1, keepdim=True) + eps).sqrt() * gain + bias


def rms_norm(x: torch.Tensor, gain: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    return x / (x.pow(2).mean(-1, keepdim=True) + eps).sqrt() * gain


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    x = torch.randn(32, WIDTH, **f64) * 3 + 1
    gain, bias = torch.randn(WIDTH, **f64), torch.randn(WIDTH, **f64)

    exp.claim("by-hand")
    exp.close(
        "layer_norm by hand vs F.layer_norm (max abs)",
        (layer_norm(x, gain, bias) - F.layer_norm(x, (WIDTH,), gain, bias, EPS)).abs().max(),
        1e-12,
    )
    torch_rms = torch.nn.RMSNorm(WIDTH, eps=EPS).to(**f64)
    with torch.no_grad():
        torch_rms.weight.copy_(gain)
        exp.close(
            "rms_norm by hand vs torch.nn.RMSNorm (max abs)",
            (rms_norm(x, gain) - torch_rms(x)).abs().max(),
            1e-12,
        )

    scale, shift = torch.rand(32, 1, **f64) * 10 + 0.1, torch.randn(32, 1, **f64) * 5
    exp.claim("layernorm-invariance")
    exp.close(
        "LN(a x) = LN(x), a in (0.1, 10.1) (max abs)",
        (layer_norm(scale * x, gain, bias) - layer_norm(x, gain, bias)).abs().max(),
        1e-10,
    )
    exp.close(
        "LN(x + b) = LN(x) (max abs)",
        (layer_norm(x + shift, gain, bias) - layer_norm(x, gain, bias)).abs().max(),
        1e-10,
    )

    exp.claim("rmsnorm-invariance")
    exp.close(
        "RMS(a x) = RMS(x) (max abs)", (rms_norm(scale * x, gain) - rms_norm(x, gain)).abs().max(), 1e-10
    )
    moved = (rms_norm(x + shift, gain) - rms_norm(x, gain)).abs().max().item()
    exp.check("RMS(x + b) differs from RMS(x) (max abs change)", moved > 0.1, moved, tolerance="> 0.1")

    exp.claim("agree-centred")
    centred = x - x.mean(-1, keepdim=True)
    exp.close(
        "zero-mean input: RMS(x) = LN(x) without bias (max abs)",
        (rms_norm(centred, gain) - layer_norm(centred, gain, 0 * bias)).abs().max(),
        1e-10,
    )
    differs = (rms_norm(x, gain) - layer_norm(x, gain, 0 * bias)).abs().max().item()
    exp.check(
        "... but not on inputs with a mean (max abs difference)", differs > 0.1, differs, tolerance="> 0.1"
    )

    exp.claim("unit-scale")
    plain = F.layer_norm(x, (WIDTH,), eps=EPS)
    exp.close("mean of each normalised vector (max abs)", plain.mean(-1).abs().max(), 1e-12)
    exp.close(
        "biased std of each normalised vector - 1 (max abs)",
        (plain.std(-1, correction=0) - 1).abs().max(),
        1e-12,
    )


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
