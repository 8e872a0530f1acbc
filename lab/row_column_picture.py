"""Strang lecture 1: the row picture and the column picture of Ax = b (with a PNG of each)."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "row-column-picture",
    "title": "The geometry of linear equations: row and column pictures",
    "topic": "3.1.1",
    "claims": {
        "row": "Row picture: the solution of 2x - y = 0, -x + 2y = 3 is the point (1, 2) where the two lines meet",
        "column": "Column picture: 1 x column 1 + 2 x column 2 = b",
        "rows-columns": "Ax computed by rows (dot products) equals Ax computed by columns (a combination of columns)",
        "singular": "A singular A: its columns span only a line, so Ax = b has no solution for b off that line",
    },
}


def _term(coefficient: float, name: str, signed: bool = False) -> str:
    """``2x``, ``- y``, ``+ 2y``: a coefficient written as a person would."""
    sign = ("- " if coefficient < 0 else "+ ") if signed else ("-" if coefficient < 0 else "")
    size = abs(coefficient)
    return f"{sign}{'' if size == 1 else f'{size:g}'}{name}"


def save_pictures(exp: Experiment, a: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> None:
    """Draw the row picture (two lines meeting) and the column picture (columns adding up to b)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        exp.note("pictures", "matplotlib is not installed: no PNG written")
        return
    a, b, x = a.cpu().tolist(), b.cpu().tolist(), x.cpu().tolist()
    figure, (rows, cols) = plt.subplots(1, 2, figsize=(10, 4.6))
    ts = [i / 10 for i in range(-10, 41)]
    for (p, q), rhs, colour in zip(a, b, ("tab:blue", "tab:orange"), strict=True):
        rows.plot(ts, [(rhs - p * t) / q for t in ts], color=colour, label=f"{_term(p, 'x')} {_term(q, 'y', True)} = {rhs:g}")
    rows.plot([x[0]], [x[1]], "ko")
    rows.annotate(f"  x = ({x[0]:g}, {x[1]:g})", (x[0], x[1]))
    rows.set(title="Row picture: each equation is a line", xlabel="x", ylabel="y", xlim=(-1, 4), ylim=(-1, 4))
    rows.axhline(0, color="grey", lw=0.5)
    rows.axvline(0, color="grey", lw=0.5)
    rows.legend(loc="lower right")
    col1, col2 = [row[0] for row in a], [row[1] for row in a]
    step1 = [x[0] * c for c in col1]
    arrow = {"angles": "xy", "scale_units": "xy", "scale": 1}
    cols.quiver(0, 0, col1[0], col1[1], color="tab:blue", label="column 1 = (2, -1)", **arrow)
    cols.quiver(0, 0, col2[0], col2[1], color="tab:orange", label="column 2 = (-1, 2)", **arrow)
    cols.quiver(step1[0], step1[1], x[1] * col2[0], x[1] * col2[1], color="tab:orange", alpha=0.5,
                label=f"{x[1]:g} x column 2", **arrow)
    cols.quiver(0, 0, b[0], b[1], color="black", label="b = (0, 3)", **arrow)
    cols.set(title=f"Column picture: {x[0]:g} col 1 + {x[1]:g} col 2 = b", xlim=(-4, 4), ylim=(-2, 4.5))
    cols.axhline(0, color="grey", lw=0.5)
    cols.axvline(0, color="grey", lw=0.5)
    cols.set_aspect("equal")
    cols.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    path = exp.artifact_path("row-column-picture.png")
    figure.savefig(path, dpi=90)
    # Each picture alone, under the names the study notes use (notes/3-1-1-the-geometry-of-linear-equations.md).
    renderer = figure.canvas.get_renderer()
    for axes, names in ((rows, ("matrix_row_picture.png",)),
                        (cols, ("matrix_linear_combination_of_column_vectors.png", "matrix_vector_multiplication.png"))):
        extent = axes.get_tightbbox(renderer).transformed(figure.dpi_scale_trans.inverted()).padded(0.05)
        for name in names:
            figure.savefig(exp.artifact_path(name), dpi=90, bbox_inches=extent)
    plt.close(figure)
    exp.note("picture", path.name)


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    a = torch.tensor([[2.0, -1.0], [-1.0, 2.0]], dtype=torch.float64, device=dev)
    b = torch.tensor([0.0, 3.0], dtype=torch.float64, device=dev)
    x = torch.linalg.solve(a, b)
    exp.claim("row")
    exp.close("solution is (1, 2) (max abs error)", (x - torch.tensor([1.0, 2.0], dtype=torch.float64, device=dev)).abs().max(), 1e-12)
    exp.close("row picture: the point lies on both lines (max residual)", (a @ x - b).abs().max(), 1e-12)
    combination = x[0] * a[:, 0] + x[1] * a[:, 1]
    exp.claim("column")
    exp.close("column picture: x1 col1 + x2 col2 = b (max abs)", (combination - b).abs().max(), 1e-12)

    m = torch.randn(3, 3, dtype=torch.float64, device=dev)
    v = torch.randn(3, dtype=torch.float64, device=dev)
    by_rows = torch.stack([torch.dot(m[i], v) for i in range(3)])
    by_columns = sum(v[j] * m[:, j] for j in range(3))
    exp.claim("rows-columns")
    exp.close("Ax by rows == Ax by columns (max abs)", (by_rows - by_columns).abs().max(), 1e-12)
    exp.close("... == A @ x (max abs)", (by_rows - m @ v).abs().max(), 1e-12)

    singular = torch.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=torch.float64, device=dev)
    exp.claim("singular")
    exp.equal("singular A: its columns span a line (rank)", int(torch.linalg.matrix_rank(singular)), 1)
    off_line = torch.tensor([[1.0], [0.0]], dtype=torch.float64, device=dev)
    best = torch.linalg.lstsq(singular.cpu(), off_line.cpu(), driver="gelsd").solution.to(dev)
    residual = (singular @ best - off_line).norm().item()
    exp.check("b off the line: even the best x leaves a residual", residual > 0.1, residual, tolerance="> 0.1")
    on_line = torch.tensor([[3.0], [6.0]], dtype=torch.float64, device=dev)
    best_on = torch.linalg.lstsq(singular.cpu(), on_line.cpu(), driver="gelsd").solution.to(dev)
    exp.close("b on the line: solvable (residual)", (singular @ best_on - on_line).norm(), 1e-12)

    save_pictures(exp, a, b, x)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
