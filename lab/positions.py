"""Positional encodings: sinusoids shift by a rotation, and RoPE makes q . k depend only on the relative position."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "positions",
    "title": "Positional encoding: sinusoids and RoPE",
    "topic": "II",
    "claims": {
        "sinusoid-shift": "For sinusoidal encodings, PE(p + k) is a fixed linear map (a rotation) of PE(p), the same for every p",
        "rope-relative": "With RoPE, the score q_m . k_n depends only on m - n: shifting both positions leaves it unchanged",
        "rope-rotation": "RoPE rotates pairs of coordinates, so it keeps every vector's length",
        "absolute-not-relative": "Adding absolute position vectors instead does not give that: a shift changes the score",
    },
}

DIM, BASE = 16, 10_000.0


def frequencies(dim: int, **f64) -> torch.Tensor:
    return BASE ** (-torch.arange(0, dim, 2, **f64) / dim)


def sinusoidal(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """Attention Is All You Need: sin and cos of position x frequency, interleaved pairs."""
    angles = positions[:, None] * frequencies(dim, dtype=positions.dtype, device=positions.device)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(-2)


def rope(x: torch.Tensor, position: torch.Tensor) -> torch.Tensor:
    """Rotate each pair (x_2i, x_2i+1) of ``x`` by position x frequency_i (RoFormer)."""
    angles = position[..., None] * frequencies(x.shape[-1], dtype=x.dtype, device=x.device)
    even, odd = x[..., 0::2], x[..., 1::2]
    cos, sin = angles.cos(), angles.sin()
    return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}

    exp.claim("sinusoid-shift")
    shift = 7
    # By the angle-addition formulas each (sin, cos) pair turns by shift x frequency: a block-diagonal rotation.
    turn = shift * frequencies(DIM, **f64)
    blocks = [
        torch.stack([torch.stack([c, s]), torch.stack([-s, c])])
        for c, s in zip(turn.cos(), turn.sin(), strict=True)
    ]
    rotation = torch.block_diag(*blocks)
    everywhere = torch.arange(0, 20_000, 13, **f64)
    exp.close(
        "PE(p + 7) = R PE(p) at 1539 positions up to 20000 (max abs)",
        (sinusoidal(everywhere, DIM) @ rotation.T - sinusoidal(everywhere + shift, DIM)).abs().max(),
        1e-9,
    )
    # Learned from data instead: the least-squares map from PE(p) to PE(p + 7) is that same rotation.
    fit_at = torch.rand(300, **f64) * 20_000
    fitted = torch.linalg.lstsq(sinusoidal(fit_at, DIM), sinusoidal(fit_at + shift, DIM)).solution.T
    exp.close(
        "the least-squares map fitted on 300 random positions = R (max abs)",
        (fitted - rotation).abs().max(),
        1e-6,
    )

    q, k = torch.randn(DIM, **f64), torch.randn(DIM, **f64)
    pairs = torch.randint(0, 200, (200, 2), device=dev).to(torch.float64)
    shifts = torch.randint(-100, 1000, (200,), device=dev).to(torch.float64)

    def rope_score(m: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        return (rope(q, m) * rope(k, n)).sum(-1)

    exp.claim("rope-relative")
    before = rope_score(pairs[:, 0], pairs[:, 1])
    after = rope_score(pairs[:, 0] + shifts, pairs[:, 1] + shifts)
    exp.close(
        "200 position pairs, each shifted: change of q_m . k_n (max abs)", (after - before).abs().max(), 1e-10
    )
    spread = rope_score(torch.arange(0, 50, **f64), torch.zeros(50, **f64)).std().item()
    exp.check(
        "... while the score does vary with m - n (std over m - n = 0..49)",
        spread > 0.1,
        spread,
        tolerance="> 0.1",
    )

    exp.claim("rope-rotation")
    vectors = torch.randn(100, DIM, **f64)
    rotated = rope(vectors, torch.randint(0, 5000, (100,), device=dev).to(torch.float64))
    exp.close(
        "|rope(x, p)| = |x| for 100 vectors at random positions (max abs)",
        (rotated.norm(dim=-1) - vectors.norm(dim=-1)).abs().max(),
        1e-10,
    )
    exp.check(
        "... yet the vectors did move (min |rope(x, p) - x|)",
        (rotated - vectors).norm(dim=-1).min().item() > 1e-3,
        (rotated - vectors).norm(dim=-1).min().item(),
        tolerance="> 1e-3",
    )

    exp.claim("absolute-not-relative")
    table = torch.randn(2000, DIM, **f64)  # learned absolute position vectors, as in GPT-2

    def absolute_score(m: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        return ((q + table[m.long()]) * (k + table[n.long()])).sum(-1)

    moved = (
        (
            absolute_score(pairs[:, 0] + shifts.abs(), pairs[:, 1] + shifts.abs())
            - absolute_score(pairs[:, 0], pairs[:, 1])
        )
        .abs()
        .max()
        .item()
    )
    exp.check(
        "absolute vectors: shifting both positions changes q . k (max abs change)",
        moved > 1.0,
        moved,
        tolerance="> 1",
    )


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
