"""Strang lecture 24: Markov matrices have eigenvalue 1, and their powers converge to the steady state."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "markov",
    "title": "Markov matrices and steady states",
    "topic": "3.1.24",
    "claims": {
        "eigenvalue-one": "A positive matrix whose columns sum to 1 has eigenvalue 1; every other eigenvalue has |lambda| < 1",
        "converges": "u_k = A^k u_0 keeps its total and converges to the eigenvector of lambda = 1",
        "strang": "For [[.9, .2], [.1, .8]] the steady state is (2/3, 1/3) and the error shrinks like 0.7^k",
    },
}


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    f64 = {"dtype": torch.float64, "device": dev}
    raw = torch.rand(6, 6, **f64) + 0.05
    markov = raw / raw.sum(dim=0, keepdim=True)
    other = torch.rand(6, 6, **f64) + 0.05
    other = other / other.sum(dim=0, keepdim=True)
    values = torch.linalg.eigvals(markov)
    moduli = values.abs().sort(descending=True).values
    exp.claim("eigenvalue-one")
    # Why 1 is an eigenvalue: the columns sum to 1, so (1, ..., 1) is a left eigenvector; a product of two Markov
    # matrices is one again (nothing here divided it into shape), and so is every power.
    exp.close("the product of two Markov matrices has columns summing to 1 (max abs)",
              ((markov @ other).sum(0) - 1).abs().max(), 1e-13)
    exp.close("largest eigenvalue is 1 (abs error)", abs(moduli[0].item() - 1), 1e-12)
    exp.check("every other |lambda| < 1", moduli[1].item() < 1 - 1e-9, moduli[1].item(), tolerance="< 1")
    u = torch.zeros(6, **f64)
    u[0] = 100.0
    for _ in range(200):
        u = markov @ u
    exp.claim("converges")
    exp.close("total is conserved (abs change)", abs(u.sum().item() - 100.0), 1e-10)
    values_c, vectors = torch.linalg.eig(markov)
    steady = vectors[:, values_c.abs().argmax()].real
    steady = steady / steady.sum() * 100
    exp.close("A^200 u0 = steady-state eigenvector (max abs)", (u - steady).abs().max(), 1e-9)
    exp.check("steady state is positive", bool((steady > 0).all()), steady.min().item(), tolerance="> 0")

    strang = torch.tensor([[0.9, 0.2], [0.1, 0.8]], **f64)
    exp.claim("strang")
    exp.close("eigenvalues 1 and 0.7 (max abs)", (torch.linalg.eigvals(strang).real.sort().values - torch.tensor([0.7, 1.0], **f64)).abs().max(), 1e-14)
    u = torch.tensor([0.0, 1.0], **f64)
    target = torch.tensor([2 / 3, 1 / 3], **f64)
    errors = []
    for _ in range(20):
        u = strang @ u
        errors.append((u - target).abs().max().item())
    exp.close("u_20 close to (2/3, 1/3) (max abs)", errors[-1], 1e-2)
    rates = [later / earlier for earlier, later in zip(errors, errors[1:], strict=False)]
    exp.close("error ratio per step = 0.7 (max abs deviation)", max(abs(r - 0.7) for r in rates), 1e-9)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
