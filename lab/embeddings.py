"""Embeddings: a lookup is a one-hot matmul, and random high-dimensional vectors are nearly orthogonal."""

import math

import torch
import torch.nn.functional as F
from _lab import Experiment, main

EXPERIMENT = {
    "id": "embeddings",
    "title": "Embeddings: lookup tables and near-orthogonality",
    "topic": "II",
    "claims": {
        "lookup": "nn.Embedding(ids) equals one_hot(ids) @ W exactly",
        "gradient": "Its gradient equals one_hot^T @ grad: rows of repeated tokens accumulate, unused rows get zero, padding_idx never learns",
        "near-orthogonal": "Cosines between random d-dimensional vectors have mean 0 and spread 1/sqrt(d): in high dimension they are nearly orthogonal",
    },
}


def run(exp: Experiment) -> None:
    dev = exp.device
    vocab, dim = 1000, 64
    table = torch.nn.Embedding(vocab, dim, padding_idx=0).to(dev)
    ids = torch.randint(0, vocab, (4, 16), device=dev)
    ids[0, :3] = 7  # a repeated token
    ids[1, 0] = 0  # the padding token
    looked_up = table(ids)
    one_hot = F.one_hot(ids, vocab).to(table.weight.dtype)
    exp.claim("lookup")
    exp.close("lookup vs one_hot @ W (max abs)", (looked_up - one_hot @ table.weight).abs().max(), 0.0)
    exp.note("parameters", vocab * dim)
    exp.note("gpt2_embedding_table_float32_MB", 50257 * 768 * 4 / 1e6)

    upstream = torch.randn_like(looked_up)
    (looked_up * upstream).sum().backward()
    expected = one_hot.reshape(-1, vocab).T @ upstream.reshape(-1, dim)
    expected[0] = 0  # padding_idx gets no gradient
    exp.claim("gradient")
    exp.close("gradient vs one_hot^T @ grad (max abs)", (table.weight.grad - expected).abs().max(), 1e-5)
    exp.close("padding row gradient (max abs)", table.weight.grad[0].abs().max(), 0.0)
    unused = torch.ones(vocab, dtype=torch.bool, device=dev)
    unused[ids.flatten()] = False
    exp.close("rows of unused tokens get zero gradient (max abs)", table.weight.grad[unused].abs().max(), 0.0)
    repeated = upstream.reshape(-1, dim)[ids.flatten() == 7].sum(0)
    exp.close("a repeated token's row sums its gradients (max abs)", (table.weight.grad[7] - repeated).abs().max(), 1e-5)

    count = 500
    largest = {}
    exp.claim("near-orthogonal")
    for d in (16, 128, 1024):
        vectors = F.normalize(torch.randn(count, d, device=dev), dim=-1)
        cosines = vectors @ vectors.T
        off = cosines[~torch.eye(count, dtype=torch.bool, device=dev)]
        ratio = off.std().item() * math.sqrt(d)
        exp.check(f"d = {d}: std of cosines x sqrt(d) ~ 1", 0.9 < ratio < 1.1, ratio, tolerance="0.9 .. 1.1")
        # |sum of the vectors|^2 = count + sum of all off-diagonal cosines, and it fluctuates by ~count sqrt(2/d).
        exp.close(f"d = {d}: mean cosine ~ 0 (abs)", off.mean().abs(), 5 * math.sqrt(2 / d) / count)
        largest[d] = off.abs().max().item()
        exp.note(f"max_abs_cosine_d{d}", largest[d])
    exp.check("d = 1024: no pair of 500 random vectors has |cos| > 0.2", largest[1024] < 0.2, largest[1024], tolerance="< 0.2")
    exp.check("d = 16: some pair is far from orthogonal (max |cos| > 0.5)", largest[16] > 0.5, largest[16], tolerance="> 0.5")


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
