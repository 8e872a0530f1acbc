"""Strang lecture 3: four ways to multiply matrices, block multiplication, and Gauss-Jordan inverses."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "multiplication-inverse",
    "title": "Multiplication and inverse matrices",
    "topic": "3.1.3",
    "claims": {
        "four-ways": "AB four ways agree: entries as row-column dot products, A times columns, rows times B, sum of column-row outer products",
        "blocks": "Block multiplication gives the same product",
        "gauss-jordan": "Gauss-Jordan on [A | I] ends at [I | A^-1], matching torch.linalg.inv",
        "singular": "A singular matrix has a non-zero x with Ax = 0, so no inverse; Gauss-Jordan meets a zero pivot",
    },
}


def gauss_jordan_inverse(a: torch.Tensor) -> torch.Tensor | None:
    """Row-reduce [A | I] to [I | A^-1] with partial pivoting; None when a pivot column is all zeros."""
    n = a.shape[0]
    augmented = torch.cat([a.clone(), torch.eye(n, dtype=a.dtype, device=a.device)], dim=1)
    for col in range(n):
        pivot_row = col + int(augmented[col:, col].abs().argmax())
        if augmented[pivot_row, col].abs() < 1e-12 * augmented[:, :n].abs().max():
            return None
        augmented[[col, pivot_row]] = augmented[[pivot_row, col]]
        augmented[col] = augmented[col] / augmented[col, col]
        for row in range(n):
            if row != col:
                augmented[row] = augmented[row] - augmented[row, col] * augmented[col]
    return augmented[:, n:]


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    m, n, p = 4, 5, 3
    a = torch.randn(m, n, **f64)
    b = torch.randn(n, p, **f64)
    reference = a @ b
    entries = torch.tensor([[torch.dot(a[i], b[:, j]).item() for j in range(p)] for i in range(m)], **f64)
    columns = torch.stack([a @ b[:, j] for j in range(p)], dim=1)
    rows = torch.stack([a[i] @ b for i in range(m)], dim=0)
    outer = sum(torch.outer(a[:, k], b[k]) for k in range(n))
    exp.claim("four-ways")
    for name, product in (("entries (row . column)", entries), ("A times each column", columns),
                          ("each row times B", rows), ("sum of column x row", outer)):
        exp.close(f"AB by {name} (max abs vs A @ B)", (product - reference).abs().max(), 1e-12)

    big_a, big_b = torch.randn(6, 6, **f64), torch.randn(6, 6, **f64)
    a11, a12, a21, a22 = big_a[:3, :3], big_a[:3, 3:], big_a[3:, :3], big_a[3:, 3:]
    b11, b12, b21, b22 = big_b[:3, :3], big_b[:3, 3:], big_b[3:, :3], big_b[3:, 3:]
    blocks = torch.cat([torch.cat([a11 @ b11 + a12 @ b21, a11 @ b12 + a12 @ b22], 1),
                        torch.cat([a21 @ b11 + a22 @ b21, a21 @ b12 + a22 @ b22], 1)], 0)
    exp.claim("blocks")
    exp.close("block multiplication (max abs)", (blocks - big_a @ big_b).abs().max(), 1e-12)

    strang = torch.tensor([[1.0, 3.0], [2.0, 7.0]], **f64)
    inverse = gauss_jordan_inverse(strang)
    exp.claim("gauss-jordan")
    exp.close("Gauss-Jordan [[1,3],[2,7]]^-1 = [[7,-3],[-2,1]] (max abs)",
              (inverse - torch.tensor([[7.0, -3.0], [-2.0, 1.0]], **f64)).abs().max(), 1e-12)
    square = torch.randn(6, 6, **f64) + 6 * torch.eye(6, **f64)
    inverse = gauss_jordan_inverse(square)
    exp.close("Gauss-Jordan vs torch.linalg.inv (max abs)", (inverse - torch.linalg.inv(square)).abs().max(), 1e-12)
    exp.close("A A^-1 = I (max abs)", (square @ inverse - torch.eye(6, **f64)).abs().max(), 1e-12)
    exp.close("A^-1 A = I too (max abs)", (inverse @ square - torch.eye(6, **f64)).abs().max(), 1e-12)
    c = torch.randn(6, 6, **f64) + 6 * torch.eye(6, **f64)
    exp.close("(AB)^-1 = B^-1 A^-1 (max abs)",
              (torch.linalg.inv(square @ c) - torch.linalg.inv(c) @ torch.linalg.inv(square)).abs().max(), 1e-12)

    singular = torch.tensor([[1.0, 3.0], [2.0, 6.0]], **f64)
    x = torch.tensor([3.0, -1.0], **f64)
    exp.claim("singular")
    exp.close("singular A: A (3, -1) = 0 (max abs)", (singular @ x).abs().max(), 0.0)
    exp.equal("Gauss-Jordan finds no inverse for it", gauss_jordan_inverse(singular) is None, True)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
