"""Strang lectures 9-11: independence, rank, and the four fundamental subspaces with their dimensions."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "four-subspaces",
    "title": "Rank and the four fundamental subspaces",
    "topic": "3.1.10",
    "claims": {
        "dimensions": "For an m x n matrix of rank r: dim C(A) = dim C(A^T) = r, dim N(A) = n - r, dim N(A^T) = m - r",
        "rank": "rank A = rank A^T",
        "orthogonal": "The row space is orthogonal to the nullspace, the column space to the left nullspace",
        "independent": "Columns are independent exactly when the nullspace is {0}",
        "rank-one": "A rank-1 matrix is a column times a row, u v^T",
    },
}


def bases(a: torch.Tensor, tol: float = 1e-10) -> dict[str, torch.Tensor]:
    """Orthonormal bases of the four subspaces from the SVD (columns of each matrix)."""
    u, s, vh = torch.linalg.svd(a)
    r = int((s > tol * s.max()).sum())
    return {"column": u[:, :r], "left_null": u[:, r:], "row": vh[:r].T, "null": vh[r:].T}


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    m, n, r = 7, 5, 3
    a = torch.randn(m, r, **f64) @ torch.randn(r, n, **f64)  # rank r by construction
    spaces = bases(a)
    dims = {name: basis.shape[1] for name, basis in spaces.items()}
    exp.claim("dimensions")
    exp.equal("dimensions (column, left null, row, null)", dims, {"column": r, "left_null": m - r, "row": r, "null": n - r})
    exp.claim("rank")
    exp.equal("rank A = rank A^T", (int(torch.linalg.matrix_rank(a)), int(torch.linalg.matrix_rank(a.T))), (r, r))
    exp.claim("orthogonal")
    exp.close("row space . nullspace = 0 (max abs)", (spaces["row"].T @ spaces["null"]).abs().max(), 1e-10)
    exp.close("column space . left nullspace = 0 (max abs)", (spaces["column"].T @ spaces["left_null"]).abs().max(), 1e-10)
    exp.close("A N = 0 (max abs)", (a @ spaces["null"]).abs().max(), 1e-10)
    exp.close("A^T (left null) = 0 (max abs)", (a.T @ spaces["left_null"]).abs().max(), 1e-10)
    x = torch.randn(n, **f64)
    row_part = spaces["row"] @ (spaces["row"].T @ x)
    exp.close("x = row-space part + nullspace part; A x = A (row part) (max abs)", (a @ x - a @ row_part).abs().max(), 1e-11)

    independent = torch.randn(6, 4, **f64)
    exp.claim("independent")
    exp.equal("independent columns: nullspace dimension", bases(independent)["null"].shape[1], 0)
    dependent = torch.cat([independent, independent[:, :1] + 2 * independent[:, 1:2]], dim=1)
    exp.equal("add a combination of columns: nullspace dimension 1", bases(dependent)["null"].shape[1], 1)
    weights = bases(dependent)["null"][:, 0]
    exp.close("... whose vector is proportional to (1, 2, 0, 0, -1) (max abs after scaling)",
              (weights / weights[0] - torch.tensor([1.0, 2.0, 0.0, 0.0, -1.0], **f64)).abs().max(), 1e-10)

    u, v = torch.randn(5, **f64), torch.randn(4, **f64)
    rank_one = torch.outer(u, v)
    exp.claim("rank-one")
    exp.equal("u v^T has rank 1", int(torch.linalg.matrix_rank(rank_one)), 1)
    s = torch.linalg.svdvals(rank_one)
    exp.close("its one singular value is |u| |v| (abs error)", abs(s[0].item() - (u.norm() * v.norm()).item()), 1e-10)
    exp.equal("5 x 4 matrices of rank <= 1 are not a subspace: the sum of two has rank 2",
              int(torch.linalg.matrix_rank(rank_one + torch.outer(torch.randn(5, **f64), torch.randn(4, **f64)))), 2)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
