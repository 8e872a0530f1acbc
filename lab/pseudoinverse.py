"""Strang lecture 33: left and right inverses, and the pseudoinverse A+ from the SVD."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "pseudoinverse",
    "title": "Left and right inverses; the pseudoinverse",
    "topic": "3.1.33",
    "claims": {
        "one-sided": "Full column rank: (A^T A)^-1 A^T is a left inverse; full row rank: A^T (A A^T)^-1 is a right inverse",
        "penrose": "A+ = V Sigma+ U^T matches torch.linalg.pinv and satisfies the four Penrose conditions",
        "min-norm": "For a rank-deficient A, x+ = A+ b is the least-squares solution of minimum length",
        "projections": "A+ A projects onto the row space, A A+ onto the column space",
    },
}


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    tall = torch.randn(7, 4, **f64)
    left = torch.linalg.inv(tall.T @ tall) @ tall.T
    exp.claim("one-sided")
    exp.close("left inverse: L A = I (max abs)", (left @ tall - torch.eye(4, **f64)).abs().max(), 1e-12)
    wide = torch.randn(4, 7, **f64)
    right = wide.T @ torch.linalg.inv(wide @ wide.T)
    exp.close("right inverse: A R = I (max abs)", (wide @ right - torch.eye(4, **f64)).abs().max(), 1e-12)
    exp.close("left inverse = pinv for full column rank (max abs)", (left - torch.linalg.pinv(tall)).abs().max(), 1e-10)

    a = torch.randn(6, 3, **f64) @ torch.randn(3, 5, **f64)  # 6 x 5 of rank 3
    u, s, vh = torch.linalg.svd(a, full_matrices=False)
    r = int((s > 1e-10 * s[0]).sum())
    exp.claim("penrose")
    exp.equal("rank", r, 3)
    plus = vh[:r].T @ torch.diag(1 / s[:r]) @ u[:, :r].T
    exp.close("V Sigma+ U^T vs torch.linalg.pinv (max abs)", (plus - torch.linalg.pinv(a)).abs().max(), 1e-10)
    exp.close("Penrose 1: A A+ A = A (max abs)", (a @ plus @ a - a).abs().max(), 1e-10)
    exp.close("Penrose 2: A+ A A+ = A+ (max abs)", (plus @ a @ plus - plus).abs().max(), 1e-10)
    exp.close("Penrose 3: (A A+)^T = A A+ (max abs)", ((a @ plus).T - a @ plus).abs().max(), 1e-10)
    exp.close("Penrose 4: (A+ A)^T = A+ A (max abs)", ((plus @ a).T - plus @ a).abs().max(), 1e-10)
    row_projection = vh[:r].T @ vh[:r]
    exp.claim("projections")
    exp.close("A+ A = projection onto the row space (max abs)", (plus @ a - row_projection).abs().max(), 1e-10)
    exp.close("A A+ = projection onto the column space (max abs)", (a @ plus - u[:, :r] @ u[:, :r].T).abs().max(), 1e-10)

    b = torch.randn(6, **f64)
    x_plus = plus @ b
    exp.claim("min-norm")
    exp.close("x+ satisfies the normal equations A^T A x = A^T b (max abs)", (a.T @ a @ x_plus - a.T @ b).abs().max(), 1e-9)
    null = vh[r:].T if vh.shape[0] > r else torch.linalg.svd(a)[2][r:].T
    others = x_plus[:, None] + null @ torch.randn(null.shape[1], 200, **f64)
    residuals = (a @ others - b[:, None]).norm(dim=0)
    exp.close("adding nullspace vectors keeps the residual (max change)", (residuals - (a @ x_plus - b).norm()).abs().max(), 1e-9)
    exp.check("... but every such x is longer than x+", bool((others.norm(dim=0) > x_plus.norm()).all()),
              (others.norm(dim=0).min() / x_plus.norm()).item(), tolerance="> 1")
    gelsd = torch.linalg.lstsq(a.cpu(), b.cpu()[:, None], driver="gelsd").solution[:, 0].to(dev)
    exp.close("x+ = torch.linalg.lstsq(driver='gelsd') minimum-norm solution (max abs)", (gelsd - x_plus).abs().max(), 1e-9)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
