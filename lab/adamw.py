"""Adam by hand, and why AdamW decouples weight decay: an L2 penalty inside Adam is not weight decay."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "adamw",
    "title": "Adam, L2 regularisation and decoupled weight decay (AdamW)",
    "topic": "IV",
    "claims": {
        "adam-by-hand": "Adam's update m / (sqrt(v) + eps) with bias-corrected moments, written by hand, equals torch.optim.Adam step for step",
        "sgd-same": "For plain SGD, an L2 penalty and weight decay are the same update",
        "adam-l2-not-decay": "Inside Adam an L2 penalty is normalised away: with no other gradient, big and small weights shrink by the same amount (about lr)",
        "adamw-decays": "AdamW shrinks every weight by the same factor (1 - lr x decay), whatever its size",
    },
}

LR, DECAY, BETAS, EPS = 1e-2, 0.1, (0.9, 0.999), 1e-8


def loss_of(w: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return ((w - target) ** 2 * torch.arange(1, w.numel() + 1, dtype=w.dtype, device=w.device)).sum()


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    start, target = torch.randn(8, **f64), torch.randn(8, **f64)

    exp.claim("adam-by-hand")
    w = start.clone().requires_grad_()
    optimizer = torch.optim.Adam([w], lr=LR, betas=BETAS, eps=EPS)
    mine, m, v = start.clone(), torch.zeros(8, **f64), torch.zeros(8, **f64)
    worst = 0.0
    for step in range(1, 21):
        optimizer.zero_grad()
        loss_of(w, target).backward()
        optimizer.step()
        mine_grad = 2 * (mine - target) * torch.arange(1, 9, **f64)
        m = BETAS[0] * m + (1 - BETAS[0]) * mine_grad
        v = BETAS[1] * v + (1 - BETAS[1]) * mine_grad**2
        m_hat, v_hat = m / (1 - BETAS[0] ** step), v / (1 - BETAS[1] ** step)
        mine = mine - LR * m_hat / (v_hat.sqrt() + EPS)
        worst = max(worst, (mine - w.detach()).abs().max().item())
    exp.close("20 steps: hand-written Adam vs torch.optim.Adam (max abs)", worst, 1e-12)

    exp.claim("sgd-same")
    l2 = start.clone().requires_grad_()
    sgd = torch.optim.SGD([l2], lr=LR)
    (loss_of(l2, target) + DECAY / 2 * (l2**2).sum()).backward()
    sgd.step()
    decayed = start.clone().requires_grad_()
    sgd_wd = torch.optim.SGD([decayed], lr=LR, weight_decay=DECAY)
    loss_of(decayed, target).backward()
    sgd_wd.step()
    exp.close("SGD: L2 penalty in the loss vs weight_decay (max abs)", (l2 - decayed).abs().max(), 1e-14)

    sizes = torch.tensor(
        [0.01, 0.1, 1.0, 10.0, 100.0], **f64
    )  # weights of very different magnitude, zero loss gradient

    exp.claim("adam-l2-not-decay")
    w = sizes.clone().requires_grad_()
    adam_l2 = torch.optim.Adam(
        [w], lr=LR, weight_decay=DECAY
    )  # Adam's weight_decay adds DECAY x w to the gradient
    w.grad = torch.zeros_like(w)
    adam_l2.step()
    shrink = sizes - w.detach()
    exp.close(
        "every weight moved by lr, whatever its size (max |shrink - lr|)",
        (shrink - LR).abs().max(),
        1e-6,
        note="eps in the denominator: lr x eps / |gradient| off at most",
    )
    exp.check(
        "relative shrink: the 0.01 weight loses 10^4 x more of itself than the 100 weight",
        (shrink / sizes)[0].item() > 1e3 * (shrink / sizes)[-1].item(),
        (shrink / sizes).tolist(),
    )

    exp.claim("adamw-decays")
    w = sizes.clone().requires_grad_()
    adamw = torch.optim.AdamW([w], lr=LR, weight_decay=DECAY)
    w.grad = torch.zeros_like(w)
    adamw.step()
    exp.close(
        "w_new / w = 1 - lr x decay for every size (max abs)",
        (w.detach() / sizes - (1 - LR * DECAY)).abs().max(),
        1e-14,
    )


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
