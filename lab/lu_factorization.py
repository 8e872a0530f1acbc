"""Strang lecture 4: A = LU by hand (L holds the multipliers) vs torch.linalg.lu, and why pivoting matters."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "lu-factorization",
    "title": "Factorization into A = LU",
    "topic": "3.1.4",
    "claims": {
        "lu": "Elimination without exchanges gives A = LU: L unit lower triangular holding the multipliers, U upper",
        "torch-lu": "When no row exchange is needed, torch.linalg.lu returns P = I and the same L and U",
        "pivoting": "With a tiny pivot, LU without exchanges loses all accuracy; partial pivoting (PA = LU) keeps it",
    },
}


def lu_no_pivoting(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Doolittle elimination: U is what elimination leaves, L collects the multipliers l_ij = u_ij / u_jj."""
    n = a.shape[0]
    u = a.clone()
    lower = torch.eye(n, dtype=a.dtype, device=a.device)
    for col in range(n - 1):
        multipliers = u[col + 1 :, col] / u[col, col]
        lower[col + 1 :, col] = multipliers
        u[col + 1 :] -= torch.outer(multipliers, u[col])
    return lower, torch.triu(u)


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    a = torch.tensor([[2.0, 1.0, 0.0], [8.0, 7.0, 0.0], [0.0, 3.0, 5.0]], **f64)
    lower, upper = lu_no_pivoting(a)
    exp.claim("lu")
    exp.close("LU = A (max abs)", (lower @ upper - a).abs().max(), 0.0)
    exp.equal("L's multipliers: l21 = 4, l31 = 0, l32 = 1", [lower[1, 0].item(), lower[2, 0].item(), lower[2, 1].item()], [4.0, 0.0, 1.0])

    n = 8
    dominant = torch.randn(n, n, **f64) + n * torch.eye(n, **f64) * 2
    # Make every column's diagonal entry its largest, so partial pivoting never exchanges rows.
    dominant = dominant + torch.diag(dominant.abs().sum(0))
    lower, upper = lu_no_pivoting(dominant)
    perm, t_lower, t_upper = torch.linalg.lu(dominant)
    exp.close("hand LU reproduces A (max abs)", (lower @ upper - dominant).abs().max(), 1e-12)
    exp.claim("torch-lu")
    exp.close("torch.linalg.lu: P = I here (max abs)", (perm - torch.eye(n, **f64)).abs().max(), 0.0)
    exp.close("hand L vs torch L (max abs)", (lower - t_lower).abs().max(), 1e-12)
    exp.close("hand U vs torch U (max abs)", (upper - t_upper).abs().max(), 1e-10)
    exp.claim("lu")
    exp.equal("L is unit lower triangular", bool(torch.equal(torch.tril(lower), lower) and torch.all(lower.diagonal() == 1)), True)
    exp.equal("U is upper triangular", bool(torch.equal(torch.triu(upper), upper)), True)

    tiny = torch.tensor([[1e-20, 1.0], [1.0, 1.0]], **f64)
    b = torch.tensor([1.0, 2.0], **f64)
    exact = torch.tensor([1.0 / (1.0 - 1e-20), (1.0 - 2e-20) / (1.0 - 1e-20)], **f64)
    lower, upper = lu_no_pivoting(tiny)
    naive = torch.linalg.solve_triangular(upper, torch.linalg.solve_triangular(lower, b[:, None], upper=False, unitriangular=True), upper=True)[:, 0]
    pivoted = torch.linalg.lu_solve(*torch.linalg.lu_factor(tiny), b[:, None])[:, 0]
    naive_error = (naive - exact).abs().max().item()
    exp.note("tiny_pivot_error_without_exchanges", naive_error)
    exp.claim("pivoting")
    exp.check("tiny pivot, no exchanges: error of order 1", naive_error > 0.5, naive_error, tolerance="> 0.5")
    exp.close("tiny pivot, partial pivoting: accurate (max abs)", (pivoted - exact).abs().max(), 1e-12)
    exp.note("lu_cost_flops_for_n_1000", 2 * 1000**3 / 3)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
