"""Strang lecture 17: orthogonal matrices and Gram-Schmidt; classical Gram-Schmidt loses orthogonality on an
ill-conditioned matrix, modified Gram-Schmidt less, Householder QR (torch.linalg.qr) not at all."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "gram-schmidt",
    "title": "Orthogonal matrices and Gram-Schmidt",
    "topic": "3.1.17",
    "claims": {
        "qr": "Gram-Schmidt turns independent columns into orthonormal ones with A = QR, R upper triangular",
        "orthonormal": "Q^T Q = I and Q preserves lengths",
        "classical": "On an ill-conditioned matrix (cond ~ 1e10) classical Gram-Schmidt loses orthogonality badly",
        "modified": "Modified Gram-Schmidt loses it in proportion to cond(A); Householder QR keeps Q orthogonal to rounding",
    },
}


def classical_gram_schmidt(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Subtract from each column its projections onto the earlier q's, all computed from the original column."""
    m, n = a.shape
    q = torch.zeros(m, n, dtype=a.dtype, device=a.device)
    r = torch.zeros(n, n, dtype=a.dtype, device=a.device)
    for j in range(n):
        r[:j, j] = q[:, :j].T @ a[:, j]
        v = a[:, j] - q[:, :j] @ r[:j, j]
        r[j, j] = v.norm()
        q[:, j] = v / r[j, j]
    return q, r


def modified_gram_schmidt(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Subtract projections one at a time from the updated vector (same algebra, better rounding)."""
    m, n = a.shape
    v = a.clone()
    q = torch.zeros(m, n, dtype=a.dtype, device=a.device)
    r = torch.zeros(n, n, dtype=a.dtype, device=a.device)
    for j in range(n):
        r[j, j] = v[:, j].norm()
        q[:, j] = v[:, j] / r[j, j]
        r[j, j + 1 :] = q[:, j] @ v[:, j + 1 :]
        v[:, j + 1 :] -= torch.outer(q[:, j], r[j, j + 1 :])
    return q, r


def orthogonality_loss(q: torch.Tensor) -> float:
    return (q.T @ q - torch.eye(q.shape[1], dtype=q.dtype, device=q.device)).norm().item()


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    well = torch.randn(20, 8, **f64)
    q, r = classical_gram_schmidt(well)
    exp.claim("qr")
    exp.close("well-conditioned: A = QR (max abs)", (q @ r - well).abs().max(), 1e-12)
    exp.claim("orthonormal")
    exp.close("well-conditioned: ||Q^T Q - I||", orthogonality_loss(q), 1e-12)
    exp.claim("qr")
    exp.equal("R is upper triangular", bool(torch.equal(torch.triu(r), r)), True)
    x = torch.randn(8, **f64)
    exp.claim("orthonormal")
    exp.close("|Qx| = |x| (abs error)", abs((q @ x).norm().item() - x.norm().item()), 1e-12)

    # An ill-conditioned matrix with known singular values 1 .. 1e-10: U diag(s) V^T from random orthogonal U, V.
    m, n = 40, 12
    u, _ = torch.linalg.qr(torch.randn(m, n, **f64))
    v, _ = torch.linalg.qr(torch.randn(n, n, **f64))
    s = torch.logspace(0, -10, n, **f64)
    ill = u @ torch.diag(s) @ v.T
    condition = torch.linalg.cond(ill).item()
    exp.note("condition_number", condition)
    losses = {
        "classical": orthogonality_loss(classical_gram_schmidt(ill)[0]),
        "modified": orthogonality_loss(modified_gram_schmidt(ill)[0]),
        "householder": orthogonality_loss(torch.linalg.qr(ill)[0]),
    }
    for name, loss in losses.items():
        exp.note(f"orthogonality_loss_{name}", loss)
    exp.claim("classical")
    exp.check("classical GS: ||Q^T Q - I|| > 1e-3", losses["classical"] > 1e-3, losses["classical"], tolerance="> 1e-3")
    eps = torch.finfo(torch.float64).eps
    exp.claim("modified")
    exp.check("modified GS: loss within 100 x cond x eps", losses["modified"] < 100 * condition * eps, losses["modified"],
              tolerance=f"< {100 * condition * eps:.2g}")
    exp.close("Householder QR: ||Q^T Q - I|| at rounding level", losses["householder"], 1e-13)
    exp.claim("classical")
    exp.check("classical loses >= 1e6 x more than Householder", losses["classical"] > 1e6 * losses["householder"],
              losses["classical"] / max(losses["householder"], 1e-300), tolerance="> 1e6")
    q_h, r_h = torch.linalg.qr(ill)
    exp.claim("modified")
    exp.close("Householder still reproduces A (max abs)", (q_h @ r_h - ill).abs().max(), 1e-12)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
