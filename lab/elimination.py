"""Strang lecture 2: elimination with matrices, elimination matrices E21, E32, and zero pivots.

The study plan has no chapter 3.1.2 (the seed's plan jumps from 3.1.1 to 3.1.3); Gaussian elimination and zero
pivots are studied in 3.1.1's notes, so that is the chapter declared here. The lecture's own item links here too.
"""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "elimination",
    "title": "Elimination with matrices",
    "topic": "3.1.1",
    "claims": {
        "to-u": "Elimination turns A = [[1,2,1],[3,8,1],[0,4,1]] into U = [[1,2,1],[0,2,-2],[0,0,5]] with pivots 1, 2, 5",
        "e-matrices": "Each step is a multiplication by an elimination matrix: E32 E21 A = U",
        "back-substitution": "Back substitution on U x = c solves A x = b (x = (2, 1, -2) for b = (2, 12, 2))",
        "exchange": "A zero pivot is cured by a row exchange (a permutation) unless the matrix is singular",
    },
}


def eliminate(a: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor], list[float], list[tuple[int, int]]]:
    """Forward elimination with row exchanges only where a pivot is zero: (U, elimination and permutation matrices
    in the order applied, pivots, exchanges made)."""
    u = a.clone()
    n = u.shape[0]
    steps: list[torch.Tensor] = []
    pivots: list[float] = []
    exchanges: list[tuple[int, int]] = []
    for col in range(n):
        if u[col, col] == 0:
            below = [r for r in range(col + 1, n) if u[r, col] != 0]
            if not below:
                pivots.append(0.0)
                continue  # no pivot in this column: the matrix is singular
            p = torch.eye(n, dtype=a.dtype, device=a.device)
            p[[col, below[0]]] = p[[below[0], col]]
            u = p @ u
            steps.append(p)
            exchanges.append((col, below[0]))
        pivots.append(u[col, col].item())
        for row in range(col + 1, n):
            e = torch.eye(n, dtype=a.dtype, device=a.device)
            e[row, col] = -u[row, col] / u[col, col]
            u = e @ u
            steps.append(e)
    return u, steps, pivots, exchanges


def back_substitute(u: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    n = u.shape[0]
    x = torch.zeros_like(c)
    for i in reversed(range(n)):
        x[i] = (c[i] - u[i, i + 1 :] @ x[i + 1 :]) / u[i, i]
    return x


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    a = torch.tensor([[1.0, 2.0, 1.0], [3.0, 8.0, 1.0], [0.0, 4.0, 1.0]], **f64)
    u, steps, pivots, _ = eliminate(a)
    expected_u = torch.tensor([[1.0, 2.0, 1.0], [0.0, 2.0, -2.0], [0.0, 0.0, 5.0]], **f64)
    exp.claim("to-u")
    exp.close("U as in the lecture (max abs)", (u - expected_u).abs().max(), 0.0)
    exp.equal("pivots", pivots, [1.0, 2.0, 5.0])
    e21 = torch.tensor([[1.0, 0, 0], [-3.0, 1, 0], [0, 0, 1]], **f64)
    e32 = torch.tensor([[1.0, 0, 0], [0, 1, 0], [0, -2.0, 1]], **f64)
    exp.claim("e-matrices")
    exp.close("E32 E21 A = U (max abs)", (e32 @ e21 @ a - expected_u).abs().max(), 0.0)
    product = torch.eye(3, **f64)
    for step in steps:
        product = step @ product
    exp.close("the recorded steps multiply to E = E32 E31 E21 (max abs vs E32 E21)", (product - e32 @ e21).abs().max(), 0.0)
    exp.claim("to-u")
    exp.equal("det A = product of pivots", round(torch.linalg.det(a).item(), 9), 10.0)

    b = torch.tensor([2.0, 12.0, 2.0], **f64)
    c = product @ b
    x = back_substitute(u, c)
    exp.claim("back-substitution")
    exp.close("back substitution gives x = (2, 1, -2) (max abs)", (x - torch.tensor([2.0, 1.0, -2.0], **f64)).abs().max(), 1e-12)

    needs_exchange = torch.tensor([[0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [2.0, 0.0, 1.0]], **f64)
    u2, _, pivots2, exchanges = eliminate(needs_exchange)
    exp.claim("exchange")
    exp.equal("zero in the first pivot position: one row exchange", exchanges, [(0, 1)])
    exp.check("after the exchange every pivot is non-zero", all(p != 0 for p in pivots2), pivots2)

    singular = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], **f64)
    _, _, pivots3, _ = eliminate(singular)
    exp.check("singular matrix: a zero pivot no exchange can cure", 0.0 in pivots3, pivots3)
    exp.equal("... and its rank is below n", int(torch.linalg.matrix_rank(singular)), 2)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
