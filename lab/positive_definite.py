"""Strang lectures 25 and 27: symmetric matrices and the four tests for positive definiteness, which must agree."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "positive-definite",
    "title": "Symmetric matrices and positive definiteness",
    "topic": "3.1.27",
    "claims": {
        "spectral": "A symmetric matrix has real eigenvalues and orthonormal eigenvectors: A = Q Lambda Q^T",
        "four-tests": "Four tests agree on every matrix: all eigenvalues > 0, all pivots > 0, all upper-left determinants > 0, x^T A x > 0 (A = R^T R, Cholesky succeeds)",
        "two-by-two": "[[2, 6], [6, c]] is positive definite for c = 20, semidefinite at c = 18, indefinite at c = 7",
        "ata": "A^T A is positive definite when A has independent columns",
    },
}


def eigen_test(a: torch.Tensor) -> bool:
    return bool((torch.linalg.eigvalsh(a) > 1e-10).all())


def pivot_test(a: torch.Tensor) -> bool:
    """Elimination without row exchanges: every pivot must be positive (a zero pivot means not definite)."""
    u = a.clone()
    n = u.shape[0]
    for col in range(n):
        if u[col, col] <= 1e-10:
            return False
        u[col + 1 :] -= torch.outer(u[col + 1 :, col] / u[col, col], u[col])
    return True


def minors_test(a: torch.Tensor) -> bool:
    return all(torch.linalg.det(a[:k, :k]).item() > 1e-10 for k in range(1, a.shape[0] + 1))


def energy_test(a: torch.Tensor) -> bool:
    """x^T A x > 0 for all x != 0 exactly when A = R^T R with R invertible: Cholesky finds R or fails."""
    _, info = torch.linalg.cholesky_ex(a)
    return int(info) == 0 and bool(torch.linalg.cholesky(a).diagonal().min() > 1e-6)


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    sym = torch.randn(6, 6, **f64)
    sym = sym + sym.T
    values, q = torch.linalg.eigh(sym)
    exp.claim("spectral")
    exp.close("Q^T Q = I (max abs)", (q.T @ q - torch.eye(6, **f64)).abs().max(), 1e-12)
    exp.close("A = Q Lambda Q^T (max abs)", (q @ torch.diag(values) @ q.T - sym).abs().max(), 1e-12)
    exp.close("general eig gives real eigenvalues (max |imag|)", torch.linalg.eigvals(sym).imag.abs().max(), 1e-10)

    independent = torch.randn(8, 5, **f64)
    dependent = torch.cat([independent, independent[:, :1]], 1)
    second_difference = 2 * torch.eye(5, **f64) - torch.diag(torch.ones(4, **f64), 1) - torch.diag(torch.ones(4, **f64), -1)
    disagreements = 0

    def four_tests(name: str, matrix: torch.Tensor, expected: bool) -> None:
        nonlocal disagreements
        verdicts = [eigen_test(matrix), pivot_test(matrix), minors_test(matrix), energy_test(matrix)]
        disagreements += len(set(verdicts)) != 1
        exp.equal(f"{name}: (eigenvalues, pivots, minors, energy)", verdicts, [expected] * 4)

    exp.claim("two-by-two")
    four_tests("c = 20 (definite)", torch.tensor([[2.0, 6.0], [6.0, 20.0]], **f64), True)
    four_tests("c = 18 (semidefinite)", torch.tensor([[2.0, 6.0], [6.0, 18.0]], **f64), False)
    four_tests("c = 7 (indefinite)", torch.tensor([[2.0, 6.0], [6.0, 7.0]], **f64), False)
    exp.claim("ata")
    four_tests("A^T A, independent columns", independent.T @ independent, True)
    four_tests("A^T A, dependent columns", dependent.T @ dependent, False)
    exp.claim("four-tests")
    four_tests("random symmetric", sym, False)
    four_tests("-1 2 -1 second difference", second_difference, True)
    exp.equal("matrices on which the four tests disagree", disagreements, 0)
    x = torch.randn(5, 1000, **f64)
    energy = ((x * (second_difference @ x)).sum(0)).min().item()
    exp.check("x^T K x > 0 for 1000 random x (K = second difference)", energy > 0, energy, tolerance="> 0")


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
