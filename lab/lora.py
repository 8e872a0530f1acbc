"""LoRA: a frozen weight plus a trainable low-rank update B A learns what a full fine-tune learns, with a fraction of
the parameters."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "lora",
    "title": "LoRA: low-rank adaptation on a toy task",
    "topic": "IV",
    "claims": {
        "starts-unchanged": "With B initialised to zero, the adapted layer starts out computing exactly what the frozen layer computes",
        "parameters": "A rank-r adapter on a d_out x d_in weight trains r (d_in + d_out) parameters instead of d_in d_out",
        "same-direction": "On a task whose true change is low rank, LoRA's update B A points the way a full fine-tune's update does (cosine > 0.99)",
        "merges": "Merging W + B A into one weight gives the adapter's outputs, so inference costs nothing extra",
    },
}

D_IN, D_OUT, RANK, SAMPLES, STEPS = 64, 64, 2, 256, 200


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return (a.flatten() @ b.flatten() / (a.norm() * b.norm())).item()


def fit(parameters: list[torch.Tensor], predict, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    optimizer = torch.optim.Adam(parameters, lr=2e-2)
    for _ in range(STEPS):
        loss = (predict(inputs) - targets).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def run(exp: Experiment) -> None:
    torch.set_num_threads(1)  # matrices of a few thousand numbers: threads only add synchronisation
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    frozen = torch.randn(D_OUT, D_IN, **f64) / D_IN**0.5
    true_change = (torch.randn(D_OUT, RANK, **f64) @ torch.randn(RANK, D_IN, **f64)) / D_IN**0.5
    inputs = torch.randn(SAMPLES, D_IN, **f64)
    targets = inputs @ (frozen + true_change).T

    a = (torch.randn(RANK, D_IN, **f64) / D_IN**0.5).requires_grad_()
    b = torch.zeros(D_OUT, RANK, **f64, requires_grad=True)

    def adapted(x: torch.Tensor) -> torch.Tensor:
        return x @ frozen.T + (x @ a.T) @ b.T

    exp.claim("starts-unchanged")
    with torch.no_grad():
        exp.close(
            "adapter output - frozen output before training (max abs)",
            (adapted(inputs) - inputs @ frozen.T).abs().max(),
            0.0,
        )

    full = frozen.clone().requires_grad_()
    before = [t.detach().clone() for t in (frozen, a, b)]
    with exp.timed("train_lora"):
        lora_loss = fit([a, b], adapted, inputs, targets)
    exp.claim("parameters")
    changed = [int((t.detach() != old).sum()) for t, old in zip((frozen, a, b), before, strict=True)]
    exp.equal("numbers that training changed: frozen W, A, B", changed, [0, RANK * D_IN, D_OUT * RANK])
    exp.equal("... in all r (d_in + d_out)", sum(changed), RANK * (D_IN + D_OUT))
    exp.note("fraction_of_full_fine_tune", sum(changed) / frozen.numel())
    with exp.timed("train_full"):
        full_loss = fit([full], lambda x: x @ full.T, inputs, targets)
    exp.note("lora_loss", lora_loss)
    exp.note("full_fine_tune_loss", full_loss)
    lora_update, full_update = (b @ a).detach(), (full - frozen).detach()

    exp.claim("same-direction")
    exp.check(
        "cosine(LoRA's B A, full fine-tune's W' - W)",
        cosine(lora_update, full_update) > 0.99,
        cosine(lora_update, full_update),
        tolerance="> 0.99",
    )
    exp.check(
        "cosine(LoRA's B A, the true change)",
        cosine(lora_update, true_change) > 0.99,
        cosine(lora_update, true_change),
        tolerance="> 0.99",
    )
    exp.equal("rank of B A", int(torch.linalg.matrix_rank(lora_update)), RANK)

    exp.claim("merges")
    merged = frozen + lora_update
    with torch.no_grad():
        exp.close(
            "x (W + B A)^T vs x W^T + (x A^T) B^T (max abs)",
            (inputs @ merged.T - adapted(inputs)).abs().max(),
            1e-12,
        )


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
