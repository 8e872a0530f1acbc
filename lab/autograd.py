"""Autograd: derivatives and Jacobians worked out by hand agree with what autograd computes."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "autograd",
    "title": "Autograd vs derivatives by hand",
    "topic": "1.1.1",
    "claims": {
        "product-rule": "d/dx [x^2 sin x] = 2x sin x + x^2 cos x, as autograd computes it",
        "jacobian": "The Jacobian of f(x) = W tanh(x) is W diag(1 - tanh(x)^2)",
        "gradcheck": "The gradient of a small MLP's loss matches central finite differences (gradcheck)",
        "accumulate": "Calling backward twice accumulates gradients into .grad",
    },
}


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = torch.float64
    x = torch.linspace(-3, 3, 101, device=dev, dtype=f64, requires_grad=True)
    (x**2 * torch.sin(x)).sum().backward()
    by_hand = 2 * x * torch.sin(x) + x**2 * torch.cos(x)
    exp.claim("product-rule")
    exp.close("x^2 sin x: autograd vs hand derivative (max abs)", (x.grad - by_hand).abs().max(), 1e-12)

    weights = torch.randn(4, 3, device=dev, dtype=f64)
    point = torch.randn(3, device=dev, dtype=f64)
    jacobian = torch.autograd.functional.jacobian(lambda v: weights @ torch.tanh(v), point)
    by_hand_j = weights @ torch.diag(1 - torch.tanh(point) ** 2)
    exp.claim("jacobian")
    exp.close("Jacobian of W tanh(x): autograd vs hand (max abs)", (jacobian - by_hand_j).abs().max(), 1e-12)
    exp.equal("Jacobian shape (outputs, inputs)", tuple(jacobian.shape), (4, 3))

    w1 = torch.randn(5, 3, device=dev, dtype=f64, requires_grad=True)
    w2 = torch.randn(1, 5, device=dev, dtype=f64, requires_grad=True)
    batch = torch.randn(8, 3, device=dev, dtype=f64)

    def loss(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return (torch.relu(batch @ a.T) @ b.T).pow(2).mean()

    exp.claim("gradcheck")
    exp.equal("gradcheck on a 2-layer MLP loss (float64)", torch.autograd.gradcheck(loss, (w1, w2), eps=1e-6, atol=1e-5), True)

    # The chain rule by hand for the same loss, as backprop does it.
    w1.grad = w2.grad = None
    hidden = batch @ w1.T
    out = torch.relu(hidden) @ w2.T
    loss(w1, w2).backward()
    d_out = 2 * out / out.numel()
    d_w2 = d_out.T @ torch.relu(hidden)
    d_hidden = (d_out @ w2) * (hidden > 0)
    d_w1 = d_hidden.T @ batch
    error = max((w1.grad - d_w1).abs().max().item(), (w2.grad - d_w2).abs().max().item())
    exp.close("backprop by hand vs autograd (max abs)", error, 1e-12)

    y = torch.tensor([2.0], device=dev, dtype=f64, requires_grad=True)
    (y**3).backward()
    (y**3).backward()
    exp.claim("accumulate")
    exp.close("two backward calls accumulate: grad = 2 x 3y^2 = 24", abs(y.grad.item() - 24.0), 1e-12)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
