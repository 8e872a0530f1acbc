"""Strang lectures 29 and 31: the SVD A = U Sigma V^T, and Eckart-Young: truncated SVD is the best low-rank fit."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "svd-eckart-young",
    "title": "Singular value decomposition and Eckart-Young",
    "topic": "3.1.29",
    "claims": {
        "factors": "A = U Sigma V^T with orthonormal U, V; A v_i = sigma_i u_i",
        "eigenvalues": "sigma_i^2 are the eigenvalues of A^T A",
        "truncation": "The rank-k truncation has spectral error sigma_{k+1} and Frobenius error sqrt(sum of the rest sigma^2)",
        "eckart-young": "No other rank-k matrix does better (Eckart-Young), tested against many random rank-k candidates",
        "image": "A smooth image is well compressed by few singular values",
    },
}


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    a = torch.randn(30, 20, **f64)
    u, s, vh = torch.linalg.svd(a, full_matrices=False)
    exp.claim("factors")
    exp.close("A = U Sigma V^T (max abs)", (u @ torch.diag(s) @ vh - a).abs().max(), 1e-10)
    exp.close("U^T U = I (max abs)", (u.T @ u - torch.eye(20, **f64)).abs().max(), 1e-10)
    exp.close("V^T V = I (max abs)", (vh @ vh.T - torch.eye(20, **f64)).abs().max(), 1e-10)
    exp.close("A v_i = sigma_i u_i (max abs)", (a @ vh.T - u * s).abs().max(), 1e-10)
    eig = torch.linalg.eigvalsh(a.T @ a).flip(0)
    exp.claim("eigenvalues")
    exp.close("sigma^2 = eig(A^T A) (max rel)", ((s**2 - eig).abs() / eig).max(), 1e-10)
    exp.equal("singular values sorted, non-negative", bool((s[:-1] >= s[1:]).all() and (s >= 0).all()), True)

    k = 5
    truncated = u[:, :k] @ torch.diag(s[:k]) @ vh[:k]
    spectral = torch.linalg.matrix_norm(a - truncated, ord=2).item()
    frobenius = torch.linalg.matrix_norm(a - truncated).item()
    exp.claim("truncation")
    exp.close("rank-5 spectral error = sigma_6 (abs)", abs(spectral - s[k].item()), 1e-10)
    exp.close("rank-5 Frobenius error = sqrt(sum sigma_6..^2) (abs)", abs(frobenius - s[k:].pow(2).sum().sqrt().item()), 1e-10)
    candidates = 300
    left = torch.randn(candidates, 30, k, **f64)
    right = torch.randn(candidates, k, 20, **f64)
    # Rank-k candidates near the best one (perturbed factors) and unrelated ones: none may beat the truncation.
    near = (u[:, :k] * s[:k] + 0.05 * left[:150]) @ (vh[:k] + 0.05 * right[:150])
    far = left[150:] @ right[150:] / k
    errors = torch.linalg.matrix_norm(a - torch.cat([near, far]))
    beaten = int((errors < frobenius - 1e-12).sum())
    exp.claim("eckart-young")
    exp.equal(f"{candidates} other rank-{k} matrices: how many beat the truncated SVD", beaten, 0)
    exp.note("best_candidate_error_over_svd_error", (errors.min() / frobenius).item())

    x = torch.linspace(0, 1, 64, **f64)
    image = torch.sin(6 * x)[:, None] * torch.cos(4 * x)[None, :] + torch.exp(-((x[:, None] - 0.5) ** 2 + (x[None, :] - 0.3) ** 2) * 20)
    image = image + 0.001 * torch.randn(64, 64, **f64)
    si = torch.linalg.svdvals(image)
    energy = (si[:4].pow(2).sum() / si.pow(2).sum()).item()
    exp.note("image_energy_in_top_4_of_64", energy)
    exp.claim("image")
    exp.check("64 x 64 smooth image: 4 singular values hold > 99.9% of the energy", energy > 0.999, energy, tolerance="> 0.999")
    exp.note("storage_rank4_vs_full", 4 * (64 + 64 + 1) / 64**2)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
