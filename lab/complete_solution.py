"""Strang lecture 8: the complete solution of Ax = b is one particular solution plus the whole nullspace."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "complete-solution",
    "title": "Solving Ax = b: the complete solution",
    "topic": "3.1.8",
    "claims": {
        "solvable": "Ax = b is solvable exactly when b satisfies the conditions the zero rows of R impose (b3 = b1 + b2 here)",
        "particular": "x_particular sets the free variables to 0; x = x_p + any nullspace combination solves Ax = b",
        "rank": "Full column rank (r = n): at most one solution; full row rank (r = m): a solution for every b",
    },
}

A = [[1, 2, 2, 2], [2, 4, 6, 8], [3, 6, 8, 10]]


def run(exp: Experiment) -> None:
    import sympy

    a = sympy.Matrix(A)
    b = sympy.Matrix([1, 5, 6])
    augmented_r, pivots = a.row_join(b).rref()
    exp.claim("solvable")
    exp.equal("pivots of [A | b] stay in A's columns (solvable)", list(pivots), [0, 2])
    x_p = sympy.zeros(4, 1)
    for row, col in enumerate(pivots):
        x_p[col] = augmented_r[row, 4]
    exp.claim("particular")
    exp.equal("x_particular (free variables 0)", [str(v) for v in x_p], ["-2", "0", "3/2", "0"])
    exp.equal("A x_p = b exactly", list(a * x_p - b), [0, 0, 0])
    bad = sympy.Matrix([1, 5, 7])
    _, bad_pivots = a.row_join(bad).rref()
    exp.claim("solvable")
    exp.equal("b = (1, 5, 7): a pivot in the b column (0 = 1, no solution)", 4 in bad_pivots, True)

    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    a_t = torch.tensor(A, **f64)
    b_t = torch.tensor([1.0, 5.0, 6.0], **f64)
    x_p_t = torch.tensor([float(v) for v in x_p], **f64)
    nullspace = torch.tensor([[-2.0, 1.0, 0.0, 0.0], [2.0, 0.0, -2.0, 1.0]], **f64).T
    combos = torch.randn(2, 100, **f64) * 10
    solutions = x_p_t[:, None] + nullspace @ combos
    exp.claim("particular")
    exp.close("x_p + N c solves Ax = b for 100 random c (max residual)", (a_t @ solutions - b_t[:, None]).abs().max(), 1e-11)

    tall = torch.randn(6, 3, **f64)
    exp.claim("rank")
    exp.equal("a random 6 x 3 has full column rank", int(torch.linalg.matrix_rank(tall)), 3)
    exp.equal("... so its nullspace is {0}: no free variables", 3 - int(torch.linalg.matrix_rank(tall)), 0)
    b_in = tall @ torch.randn(3, **f64)
    x_unique = torch.linalg.lstsq(tall.cpu(), b_in.cpu()[:, None]).solution[:, 0].to(dev)
    exp.close("b in C(A) has a solution, and it is unique (residual)", (tall @ x_unique - b_in).abs().max(), 1e-10)
    wide = torch.randn(3, 6, **f64)
    exp.equal("a random 3 x 6 has full row rank", int(torch.linalg.matrix_rank(wide)), 3)
    worst = 0.0
    for _ in range(20):
        target = torch.randn(3, **f64)
        x = torch.linalg.pinv(wide) @ target
        worst = max(worst, (wide @ x - target).abs().max().item())
    exp.close("full row rank: 20 random b all solvable (max residual)", worst, 1e-10)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
