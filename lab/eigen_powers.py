"""Strang lectures 21-22: eigenvalues and eigenvectors, A = S Lambda S^-1, and powers of A (Fibonacci)."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "eigen-powers",
    "title": "Eigenvalues, diagonalization and powers of A",
    "topic": "3.1.22",
    "claims": {
        "eigenpairs": "Ax = lambda x for each eigenpair; trace = sum of eigenvalues, det = product",
        "diagonalize": "A = S Lambda S^-1, so A^k = S Lambda^k S^-1",
        "fibonacci": "Fibonacci: [[1,1],[1,0]] has eigenvalues (1 +- sqrt 5)/2, and F_k = round(phi^k / sqrt 5)",
        "golden-ratio": "F_{k+1} / F_k tends to the golden ratio at the rate |lambda2 / lambda1|^k",
        "shift": "A rotation by 90 degrees has eigenvalues +-i; A + cI shifts every eigenvalue by c",
    },
}


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    a = torch.randn(5, 5, **f64)
    values, vectors = torch.linalg.eig(a)
    ac = a.to(torch.complex128)
    exp.claim("eigenpairs")
    exp.close("A x = lambda x for all eigenpairs (max abs)", (ac @ vectors - vectors * values).abs().max(), 1e-10)
    exp.close("trace A = sum of eigenvalues (abs)", abs(values.sum().real.item() - torch.trace(a).item()), 1e-10)
    exp.close("det A = product of eigenvalues (abs)", abs(values.prod().real.item() - torch.linalg.det(a).item()), 1e-10)
    rebuilt = vectors @ torch.diag(values) @ torch.linalg.inv(vectors)
    exp.claim("diagonalize")
    exp.close("A = S Lambda S^-1 (max abs)", (rebuilt - ac).abs().max(), 1e-10)
    power = vectors @ torch.diag(values**6) @ torch.linalg.inv(vectors)
    reference = torch.linalg.matrix_power(a, 6)
    exp.close("A^6 via eigenvalues vs matrix_power (max rel)", ((power - reference).abs().max() / reference.abs().max()).item(), 1e-10)

    fib = torch.tensor([[1.0, 1.0], [1.0, 0.0]], **f64)
    lam, s = torch.linalg.eigh(fib)  # symmetric: real eigenvalues, orthogonal eigenvectors
    phi = (1 + 5**0.5) / 2
    exp.claim("fibonacci")
    exp.close("eigenvalues (1 - sqrt5)/2 and (1 + sqrt5)/2 (max abs)", (lam - torch.tensor([1 - phi, phi], **f64)).abs().max(), 1e-14)
    exact = [0, 1]
    while len(exact) <= 90:
        exact.append(exact[-1] + exact[-2])
    worst_rel, last_exact = 0.0, 0
    for k in range(1, 91):
        f_k = (s @ torch.diag(lam**k) @ s.T)[0, 1].item()  # A^k = [[F_{k+1}, F_k], [F_k, F_{k-1}]]
        worst_rel = max(worst_rel, abs(f_k - exact[k]) / exact[k])
        if round(f_k) == exact[k] and last_exact == k - 1:
            last_exact = k
    exp.close("F_k from S Lambda^k S^T, k <= 90 (max rel error)", worst_rel, 1e-12)
    exp.note("F_k_exact_after_rounding_up_to_k", last_exact)
    exp.check("rounding recovers F_k exactly at least up to k = 40", last_exact >= 40, last_exact, tolerance=">= 40")
    binet = round(phi**30 / 5**0.5)
    exp.equal("F_30 = round(phi^30 / sqrt 5)", binet, exact[30])
    ratio_error = abs(exact[21] / exact[20] - phi)
    exp.claim("golden-ratio")
    exp.check("|F_21/F_20 - phi| is of order (1/phi^2)^20", ratio_error < 10 * (1 / phi**2) ** 20, ratio_error,
              tolerance=10 * (1 / phi**2) ** 20)

    rotation = torch.tensor([[0.0, -1.0], [1.0, 0.0]], **f64)
    rot_values = torch.linalg.eigvals(rotation)
    imag = sorted(rot_values.imag.tolist())
    exp.claim("shift")
    exp.close("rotation: eigenvalues -i and +i (max abs)", max(abs(imag[0] + 1), abs(imag[1] - 1), rot_values.real.abs().max().item()), 1e-14)
    shifted = torch.linalg.eigvalsh(fib + 3 * torch.eye(2, **f64))
    exp.close("eig(A + 3I) = eig(A) + 3 (max abs)", (shifted - (lam + 3)).abs().max(), 1e-13)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
