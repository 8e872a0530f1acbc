"""Strang lecture 5: permutations (P^-1 = P^T, a group of n! matrices), transposes and symmetric products."""

import itertools

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "permutations-transposes",
    "title": "Transposes, permutations, spaces R^n",
    "topic": "3.1.5",
    "claims": {
        "count": "There are n! permutation matrices of size n; products and inverses of them are permutations again",
        "inverse": "P^-1 = P^T and det P = +-1",
        "transpose": "(AB)^T = B^T A^T and (A^-1)^T = (A^T)^-1",
        "symmetric": "R^T R is always symmetric (and R R^T too)",
        "plu": "Every invertible A has PA = LU with P from torch.linalg.lu",
        "subspace": "A subspace of R^n contains every combination of its vectors; a line missing the origin does not",
    },
}


def permutation_matrices(n: int, **kw) -> list[torch.Tensor]:
    eye = torch.eye(n, **kw)
    return [eye[list(order)] for order in itertools.permutations(range(n))]


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    perms = permutation_matrices(3, **f64)
    exp.claim("count")
    exp.equal("3 x 3 permutation matrices (3!)", len(perms), 6)
    keys = {tuple(p.flatten().tolist()) for p in perms}
    closed = all(tuple((p @ q).flatten().tolist()) in keys for p in perms for q in perms)
    exp.equal("closed under multiplication", closed, True)
    worst = max((p.T @ p - torch.eye(3, **f64)).abs().max().item() for p in perms)
    exp.claim("inverse")
    exp.close("P^T P = I for all six (max abs)", worst, 0.0)
    exp.equal("det P over the six", sorted(round(torch.linalg.det(p).item()) for p in perms), [-1, -1, -1, 1, 1, 1])
    exp.claim("count")
    exp.equal("4 x 4: 24 permutations", len(permutation_matrices(4, **f64)), 24)

    a, b = torch.randn(4, 3, **f64), torch.randn(3, 5, **f64)
    exp.claim("transpose")
    exp.close("(AB)^T = B^T A^T (max abs)", ((a @ b).T - b.T @ a.T).abs().max(), 1e-12)
    square = torch.randn(4, 4, **f64) + 4 * torch.eye(4, **f64)
    exp.close("(A^-1)^T = (A^T)^-1 (max abs)", (torch.linalg.inv(square).T - torch.linalg.inv(square.T)).abs().max(), 1e-12)
    r = torch.randn(5, 3, **f64)
    exp.claim("symmetric")
    exp.close("R^T R symmetric (max abs asymmetry)", ((r.T @ r) - (r.T @ r).T).abs().max(), 0.0)
    exp.close("R R^T symmetric (max abs asymmetry)", ((r @ r.T) - (r @ r.T).T).abs().max(), 0.0)

    needs_p = torch.tensor([[0.0, 2.0, 1.0], [1.0, 1.0, 1.0], [2.0, 1.0, 0.0]], **f64)
    perm, lower, upper = torch.linalg.lu(needs_p)
    exp.claim("plu")
    exp.close("PA = LU with P^T from torch.linalg.lu (A = P L U) (max abs)", (perm.T @ needs_p - lower @ upper).abs().max(), 1e-12)
    exp.check("a row exchange was needed (P != I)", not torch.equal(perm, torch.eye(3, **f64)), perm)

    plane = torch.randn(3, 2, **f64)  # the plane spanned by two vectors of R^3
    combos = plane @ torch.randn(2, 50, **f64)
    in_plane = (plane @ torch.linalg.pinv(plane) @ combos - combos).abs().max().item()
    exp.claim("subspace")
    exp.close("combinations of two vectors stay in their plane (max distance)", in_plane, 1e-10)
    u, v = torch.tensor([0.0, 1.0], **f64), torch.tensor([1.0, 2.0], **f64)  # two points of the line y = x + 1
    total = u + v
    exp.check("line y = x + 1: the sum of two of its points leaves the line", total[1].item() != total[0].item() + 1,
              total.tolist())


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
