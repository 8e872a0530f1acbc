"""Strang lectures 15-16: projections onto subspaces, projection matrices, and least-squares fitting."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "least-squares",
    "title": "Projections and least squares",
    "topic": "3.1.16",
    "claims": {
        "projection": "P = A (A^T A)^-1 A^T is symmetric and idempotent (P^2 = P); I - P projects onto the left nullspace",
        "orthogonal-error": "The error e = b - Pb is orthogonal to the column space",
        "best-line": "The best line through (1, 1), (2, 2), (3, 2) is y = 2/3 + x/2",
        "agree": "Normal equations, QR and torch.linalg.lstsq give the same least-squares solution",
        "minimal": "No other x has a smaller residual than the least-squares x",
    },
}


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    a = torch.randn(8, 3, **f64)
    b = torch.randn(8, **f64)
    p = a @ torch.linalg.inv(a.T @ a) @ a.T
    exp.claim("projection")
    exp.close("P^T = P (max abs)", (p - p.T).abs().max(), 1e-12)
    exp.close("P^2 = P (max abs)", (p @ p - p).abs().max(), 1e-12)
    exp.equal("trace P = rank A = 3", round(torch.trace(p).item(), 9), 3.0)
    e = b - p @ b
    exp.claim("orthogonal-error")
    exp.close("A^T e = 0 (max abs)", (a.T @ e).abs().max(), 1e-12)
    q = torch.eye(8, **f64) - p
    exp.claim("projection")
    exp.close("(I - P) b lies in N(A^T) (max abs of A^T (I-P) b)", (a.T @ q @ b).abs().max(), 1e-12)
    # An independent left nullspace: the last left singular vectors of A (the SVD knows nothing of P).
    u = torch.linalg.svd(a).U
    left_null = u[:, 3:] @ u[:, 3:].T
    exp.close("I - P = the projection onto N(A^T) built from the SVD (max abs)", (q - left_null).abs().max(), 1e-12)

    t = torch.tensor([1.0, 2.0, 3.0], **f64)
    y = torch.tensor([1.0, 2.0, 2.0], **f64)
    design = torch.stack([torch.ones_like(t), t], dim=1)
    coef = torch.linalg.solve(design.T @ design, design.T @ y)
    exp.claim("best-line")
    exp.close("best line: C = 2/3, D = 1/2 (max abs)", (coef - torch.tensor([2 / 3, 1 / 2], **f64)).abs().max(), 1e-12)
    errors = y - design @ coef
    exp.close("errors e = (-1/6, 1/3, -1/6) (max abs)", (errors - torch.tensor([-1 / 6, 1 / 3, -1 / 6], **f64)).abs().max(), 1e-12)

    normal = torch.linalg.solve(a.T @ a, a.T @ b)
    q_mat, r_mat = torch.linalg.qr(a)
    via_qr = torch.linalg.solve_triangular(r_mat, (q_mat.T @ b)[:, None], upper=True)[:, 0]
    via_lstsq = torch.linalg.lstsq(a.cpu(), b.cpu()[:, None]).solution[:, 0].to(dev)
    exp.claim("agree")
    exp.close("normal equations vs QR (max abs)", (normal - via_qr).abs().max(), 1e-12)
    exp.close("QR vs torch.linalg.lstsq (max abs)", (via_qr - via_lstsq).abs().max(), 1e-12)
    best = (a @ normal - b).norm()
    others = normal[:, None] + 0.1 * torch.randn(3, 500, **f64)
    beaten = int(((a @ others - b[:, None]).norm(dim=0) < best - 1e-12).sum())
    exp.claim("minimal")
    exp.equal("500 perturbed x: none has a smaller residual", beaten, 0)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
