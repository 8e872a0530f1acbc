"""Strang lectures 18-20: determinants three ways (pivots, cofactors, the big formula), Cramer's rule, volume."""

import itertools

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "determinants",
    "title": "Determinants, cofactors and Cramer's rule",
    "topic": "3.1.19",
    "claims": {
        "three-ways": "det A three ways agree with torch.linalg.det: product of pivots (with the exchange sign), cofactor expansion, the n!-term big formula",
        "rules": "det AB = det A det B, det A^T = det A, a row exchange flips the sign, det(tA) = t^n det A",
        "cramer": "Cramer's rule x_j = det B_j / det A solves Ax = b; A^-1 = C^T / det A",
        "area": "|det| of [u v] is the area of the parallelogram spanned by u and v",
    },
}


def permutation_sign(order: tuple[int, ...]) -> int:
    sign, seen = 1, list(order)
    for i in range(len(seen)):
        while seen[i] != i:
            j = seen[i]
            seen[i], seen[j] = seen[j], seen[i]
            sign = -sign
    return sign


def det_big_formula(a: list[list[float]]) -> float:
    n = len(a)
    total = 0.0
    for order in itertools.permutations(range(n)):
        term = float(permutation_sign(order))
        for row, col in enumerate(order):
            term *= a[row][col]
        total += term
    return total


def det_cofactors(a: list[list[float]]) -> float:
    if len(a) == 1:
        return a[0][0]
    return sum((-1) ** j * a[0][j] * det_cofactors([row[:j] + row[j + 1 :] for row in a[1:]]) for j in range(len(a)))


def det_pivots(a: torch.Tensor) -> float:
    perm, _, upper = torch.linalg.lu(a)
    return (torch.linalg.det(perm) * upper.diagonal().prod()).item()  # det P = +-1: the sign of the exchanges


def cofactor_matrix(a: torch.Tensor) -> torch.Tensor:
    n = a.shape[0]
    c = torch.zeros_like(a)
    for i in range(n):
        for j in range(n):
            minor = torch.cat([torch.cat([a[:i, :j], a[:i, j + 1 :]], 1), torch.cat([a[i + 1 :, :j], a[i + 1 :, j + 1 :]], 1)], 0)
            c[i, j] = (-1) ** (i + j) * torch.linalg.det(minor)
    return c


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    a = torch.randn(5, 5, **f64)
    reference = torch.linalg.det(a).item()
    rows = a.cpu().tolist()
    scale = max(1.0, abs(reference))
    exp.claim("three-ways")
    exp.close("product of pivots vs torch.linalg.det (rel)", abs(det_pivots(a) - reference) / scale, 1e-12)
    exp.close("cofactor expansion vs torch.linalg.det (rel)", abs(det_cofactors(rows) - reference) / scale, 1e-12)
    exp.close("big formula, 120 terms, vs torch.linalg.det (rel)", abs(det_big_formula(rows) - reference) / scale, 1e-12)

    b = torch.randn(5, 5, **f64)
    det = torch.linalg.det
    exp.claim("rules")
    exp.close("det AB = det A det B (rel)", abs(det(a @ b).item() - reference * det(b).item()) / max(1.0, abs(det(a @ b).item())), 1e-12)
    exp.close("det A^T = det A (rel)", abs(det(a.T).item() - reference) / scale, 1e-12)
    swapped = a[[1, 0, 2, 3, 4]]
    exp.close("row exchange flips the sign (rel)", abs(det(swapped).item() + reference) / scale, 1e-12)
    exp.close("det(2A) = 2^5 det A (rel)", abs(det(2 * a).item() - 32 * reference) / (32 * scale), 1e-12)
    exp.close("a repeated row gives det 0", abs(det(torch.stack([a[0], a[0], a[2], a[3], a[4]])).item()), 1e-12)

    system = torch.randn(4, 4, **f64) + 4 * torch.eye(4, **f64)
    rhs = torch.randn(4, **f64)
    cramer = torch.zeros(4, **f64)
    for j in range(4):
        replaced = system.clone()
        replaced[:, j] = rhs
        cramer[j] = det(replaced) / det(system)
    exp.claim("cramer")
    exp.close("Cramer's rule vs torch.linalg.solve (max abs)", (cramer - torch.linalg.solve(system, rhs)).abs().max(), 1e-12)
    inverse = cofactor_matrix(system).T / det(system)
    exp.close("A^-1 = C^T / det A (max abs vs inv)", (inverse - torch.linalg.inv(system)).abs().max(), 1e-12)

    u, v = torch.tensor([3.0, 1.0], **f64), torch.tensor([1.0, 2.0], **f64)
    corners = [(0.0, 0.0), (3.0, 1.0), (4.0, 3.0), (1.0, 2.0)]
    shoelace = 0.5 * abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1], strict=True)))
    exp.claim("area")
    exp.close("|det [u v]| = parallelogram area (shoelace) (abs error)", abs(abs(det(torch.stack([u, v], 1)).item()) - shoelace), 1e-12)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
