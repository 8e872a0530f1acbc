"""Strang lectures 6-7: column space, nullspace, pivot variables and special solutions from the exact RREF."""

from fractions import Fraction

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "nullspace-rref",
    "title": "Column space, nullspace and the reduced row echelon form",
    "topic": "3.1.7",
    "claims": {
        "rref": "RREF by hand in exact fractions equals sympy's rref, with the same pivot columns",
        "rank": "A = [[1,2,2,2],[2,4,6,8],[3,6,8,10]] has rank 2, pivot columns 1 and 3, free columns 2 and 4",
        "special-solutions": "The special solutions (one per free variable) satisfy A s = 0 exactly and span sympy's nullspace",
        "dimension": "dim N(A) = n - r; b is in the column space exactly when rank [A | b] = rank A",
        "svd": "In floating point, the SVD's last right singular vectors span the same nullspace",
    },
}

STRANG = [[1, 2, 2, 2], [2, 4, 6, 8], [3, 6, 8, 10]]


def rref(rows: list[list[Fraction]]) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced row echelon form in exact arithmetic: (R, pivot columns)."""
    r = [list(row) for row in rows]
    m, n = len(r), len(r[0])
    pivots: list[int] = []
    row = 0
    for col in range(n):
        found = next((i for i in range(row, m) if r[i][col] != 0), None)
        if found is None:
            continue
        r[row], r[found] = r[found], r[row]
        pivot = r[row][col]
        r[row] = [v / pivot for v in r[row]]
        for i in range(m):
            if i != row and r[i][col] != 0:
                factor = r[i][col]
                r[i] = [a - factor * b for a, b in zip(r[i], r[row], strict=True)]
        pivots.append(col)
        row += 1
        if row == m:
            break
    return r, pivots


def special_solutions(r: list[list[Fraction]], pivots: list[int], n: int) -> list[list[Fraction]]:
    """One nullspace vector per free column: that free variable 1, the other free ones 0, pivots from R."""
    free = [c for c in range(n) if c not in pivots]
    solutions = []
    for f in free:
        s = [Fraction(0)] * n
        s[f] = Fraction(1)
        for i, p in enumerate(pivots):
            s[p] = -r[i][f]
        solutions.append(s)
    return solutions


def run(exp: Experiment) -> None:
    import sympy

    a = [[Fraction(v) for v in row] for row in STRANG]
    r, pivots = rref(a)
    sym_r, sym_pivots = sympy.Matrix(STRANG).rref()
    exp.claim("rref")
    exp.equal("hand RREF == sympy rref (exact)", [[str(v) for v in row] for row in r],
              [[str(sym_r[i, j]) for j in range(4)] for i in range(3)])
    exp.equal("pivot columns (0-based) == sympy's", pivots, list(sym_pivots))
    exp.claim("rank")
    exp.equal("rank", len(pivots), 2)
    specials = special_solutions(r, pivots, 4)
    residual = max(abs(sum(a[i][j] * s[j] for j in range(4))) for s in specials for i in range(3))
    exp.claim("special-solutions")
    exp.equal("A s = 0 exactly for each special solution (max |residual|)", residual, 0)
    exp.claim("dimension")
    exp.equal("dim N(A) = n - r", len(specials), 4 - 2)
    sym_null = sympy.Matrix.hstack(*sympy.Matrix(STRANG).nullspace())
    mine = sympy.Matrix([[s[j] for s in specials] for j in range(4)])
    exp.claim("special-solutions")
    exp.equal("special solutions span sympy's nullspace (rank of both together)", sympy.Matrix.hstack(sym_null, mine).rank(), 2)
    exp.equal("special solutions as in the lecture", [[str(v) for v in s] for s in specials],
              [["-2", "1", "0", "0"], ["2", "0", "-2", "1"]])

    dev = exp.float64_device
    a_t = torch.tensor(STRANG, dtype=torch.float64, device=dev)
    exp.claim("rank")
    exp.equal("torch.linalg.matrix_rank agrees", int(torch.linalg.matrix_rank(a_t)), 2)
    _, sigma, vh = torch.linalg.svd(a_t)
    null_basis = vh[2:].T
    exp.claim("svd")
    exp.close("SVD nullspace: A N = 0 (max abs)", (a_t @ null_basis).abs().max(), 1e-10)
    specials_t = torch.tensor([[float(v) for v in s] for s in specials], dtype=torch.float64, device=dev).T
    projected = null_basis @ (null_basis.T @ specials_t)
    exp.close("special solutions lie in the SVD nullspace (max distance)", (projected - specials_t).abs().max(), 1e-10)

    in_column_space = [[1], [5], [6]]  # b3 = b1 + b2, like every column of A
    outside = [[1], [5], [7]]
    exp.claim("dimension")
    exp.equal("b = (1, 5, 6): rank [A | b] = rank A (solvable)", sympy.Matrix(STRANG).row_join(sympy.Matrix(in_column_space)).rank(), 2)
    exp.equal("b = (1, 5, 7): rank [A | b] = 3 (not in C(A))", sympy.Matrix(STRANG).row_join(sympy.Matrix(outside)).rank(), 3)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
