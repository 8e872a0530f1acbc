"""Scaled dot-product attention by hand vs F.scaled_dot_product_attention, the causal mask, and why 1/sqrt(d)."""

import math

import torch
import torch.nn.functional as F
from _lab import Experiment, main

EXPERIMENT = {
    "id": "attention",
    "title": "Scaled dot-product attention (Q, K, V)",
    "topic": "II",
    "claims": {
        "sdpa": "softmax(Q K^T / sqrt(d)) V written by hand equals F.scaled_dot_product_attention",
        "causal-mask": "The causal mask (-inf above the diagonal) equals is_causal=True; each row of weights sums to 1",
        "causal-future": "With the causal mask, changing future keys and values never changes earlier outputs",
        "scale-std": "For unit-variance q and k, q . k has standard deviation sqrt(d); dividing by sqrt(d) brings it back to 1",
        "saturation": "Without the scaling, large d saturates the softmax: nearly one-hot weights, entropy near 0",
    },
}


def attention_by_hand(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        n = q.shape[-2]
        future = torch.triu(torch.ones(n, n, dtype=torch.bool, device=q.device), diagonal=1)
        scores = scores.masked_fill(future, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


def entropy(weights: torch.Tensor) -> torch.Tensor:
    return -(weights * torch.log(weights.clamp_min(1e-30))).sum(-1)


def run(exp: Experiment) -> None:
    dev = exp.device
    batch, heads, seq, d = 2, 4, 16, 32
    q, k, v = (torch.randn(batch, heads, seq, d, device=dev) for _ in range(3))
    mine, weights = attention_by_hand(q, k, v)
    theirs = F.scaled_dot_product_attention(q, k, v)
    # float32 kernels sum in their own order (fused kernels on GPUs): agreement to ~1e-6 is expected, 1e-4 allowed.
    exp.claim("sdpa")
    exp.close("float32: hand vs F.scaled_dot_product_attention (max abs)", (mine - theirs).abs().max(), 1e-4)
    exp.close("attention weights: each row sums to 1 (max abs)", (weights.sum(-1) - 1).abs().max(), 1e-5)

    d64 = exp.float64_device
    q64, k64, v64 = (t.to(d64, torch.float64) for t in (q, k, v))
    exp.close("float64: hand vs SDPA (max abs)", (attention_by_hand(q64, k64, v64)[0] - F.scaled_dot_product_attention(q64, k64, v64)).abs().max(), 1e-12)

    causal_mine, causal_weights = attention_by_hand(q, k, v, causal=True)
    causal_theirs = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    exp.claim("causal-mask")
    exp.close("causal: hand mask vs is_causal=True (max abs)", (causal_mine - causal_theirs).abs().max(), 1e-4)
    exp.close("causal: weight above the diagonal (max)", torch.triu(causal_weights, diagonal=1).abs().max(), 0.0)
    exp.close("causal: token 0 attends only to itself (abs error)", (causal_weights[..., 0, 0] - 1).abs().max(), 1e-6)
    t = 7
    k2, v2 = k.clone(), v.clone()
    k2[..., t + 1 :, :] = torch.randn_like(k2[..., t + 1 :, :]) * 10
    v2[..., t + 1 :, :] = torch.randn_like(v2[..., t + 1 :, :]) * 10
    changed = F.scaled_dot_product_attention(q, k2, v2, is_causal=True)
    exp.claim("causal-future")
    exp.close(f"causal: changing tokens after {t} leaves outputs 0..{t} (max abs change)",
              (changed[..., : t + 1, :] - causal_theirs[..., : t + 1, :]).abs().max(), 1e-6)
    exp.check(f"... while outputs after {t} do change", (changed[..., t + 1 :, :] - causal_theirs[..., t + 1 :, :]).abs().max().item() > 0.1,
              (changed[..., t + 1 :, :] - causal_theirs[..., t + 1 :, :]).abs().max())

    samples = 4000
    spread = {}
    exp.claim("scale-std")
    for dim in (16, 256, 1024):
        qs, ks = torch.randn(samples, dim, device=dev), torch.randn(samples, dim, device=dev)
        dots = (qs * ks).sum(-1)
        spread[dim] = dots.std().item()
        scaled = (dots / math.sqrt(dim)).std().item()
        exp.check(f"d = {dim}: std(q . k / sqrt(d)) ~ 1", 0.9 < scaled < 1.1, scaled, tolerance="0.9 .. 1.1")
    growth = spread[1024] / spread[16]
    exp.check("unscaled std(q . k) grows like sqrt(d): d 16 -> 1024 multiplies it by ~8", 7.2 < growth < 8.8, growth,
              tolerance="7.2 .. 8.8")

    dim, n = 512, 64
    qs, ks = torch.randn(256, n, dim, device=dev), torch.randn(256, n, dim, device=dev)
    raw = torch.softmax(qs @ ks.transpose(-2, -1), dim=-1)
    scaled = torch.softmax(qs @ ks.transpose(-2, -1) / math.sqrt(dim), dim=-1)
    raw_max, scaled_max = raw.max(-1).values.mean().item(), scaled.max(-1).values.mean().item()
    exp.note("d512_mean_max_weight_unscaled", raw_max)
    exp.note("d512_mean_max_weight_scaled", scaled_max)
    exp.note("entropy_uniform_over_64", math.log(n))
    exp.claim("saturation")
    exp.check("d = 512 unscaled: softmax nearly one-hot (mean max weight > 0.85)", raw_max > 0.85, raw_max, tolerance="> 0.85")
    exp.check("d = 512 scaled: weights spread out (mean max weight < 0.5)", scaled_max < 0.5, scaled_max, tolerance="< 0.5")
    raw_h, scaled_h = entropy(raw).mean().item(), entropy(scaled).mean().item()
    exp.check("entropy: scaled >> unscaled (nats)", scaled_h > 5 * raw_h, [scaled_h, raw_h], tolerance="scaled > 5 x unscaled")


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
