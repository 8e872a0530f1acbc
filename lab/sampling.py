"""Temperature, top-k and top-p (nucleus) sampling, checked against brute-force references."""

import itertools
import math

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "sampling",
    "title": "Token selection: temperature, top-k, top-p",
    "topic": "II",
    "claims": {
        "temperature": "Temperature divides the logits: T -> 0 approaches argmax (greedy), large T approaches uniform",
        "entropy": "Entropy of softmax(logits / T) increases with T",
        "top-k": "Top-k keeps the k most probable tokens and renormalises (== a brute-force sort)",
        "top-p": "Top-p keeps the smallest set of most probable tokens whose mass reaches p (== a brute-force search over all subsets)",
        "sample": "Sampling from the filtered distribution reproduces its probabilities and never picks a removed token",
    },
}


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    return torch.softmax(logits / temperature, dim=-1)


def top_k_filter(probs: torch.Tensor, k: int) -> torch.Tensor:
    values, indices = probs.topk(k, dim=-1)
    kept = torch.zeros_like(probs).scatter(-1, indices, values)
    return kept / kept.sum(-1, keepdim=True)


def top_p_filter(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Sort, and keep each token whose preceding mass is still below p (so the kept mass first reaches p)."""
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    before = sorted_probs.cumsum(-1) - sorted_probs
    keep_sorted = before < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = probs * keep
    return kept / kept.sum(-1, keepdim=True)


def top_k_reference(probs: list[float], k: int) -> list[float]:
    ranked = sorted(range(len(probs)), key=lambda i: -probs[i])[:k]
    mass = sum(probs[i] for i in ranked)
    return [probs[i] / mass if i in ranked else 0.0 for i in range(len(probs))]


def top_p_reference(probs: list[float], p: float) -> set[int]:
    """Brute force: among all subsets with mass >= p, the smallest; among those, the heaviest."""
    for size in range(1, len(probs) + 1):
        best = max(itertools.combinations(range(len(probs)), size), key=lambda s: sum(probs[i] for i in s))
        if sum(probs[i] for i in best) >= p:
            return set(best)
    return set(range(len(probs)))


def entropy(probs: torch.Tensor) -> float:
    return float(-(probs * probs.clamp_min(1e-300).log()).sum())


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    vocab = 8
    logits = torch.randn(vocab, dtype=torch.float64, device=dev) * 2
    probs = apply_temperature(logits, 1.0)
    exp.claim("temperature")
    exp.close("T = 1 is plain softmax (max abs)", (probs - torch.softmax(logits, -1)).abs().max(), 0.0)
    cold = apply_temperature(logits, 0.01)
    exp.check("T = 0.01: argmax takes > 99.9% of the mass", cold.max().item() > 0.999 and cold.argmax() == logits.argmax(),
              cold.max().item(), tolerance="> 0.999")
    hot = apply_temperature(logits, 1000.0)
    exp.close("T = 1000: nearly uniform (max |p - 1/V|)", (hot - 1 / vocab).abs().max(), 1e-3)
    temperatures = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 100.0]
    entropies = [entropy(apply_temperature(logits, t)) for t in temperatures]
    exp.note("entropy_by_temperature", dict(zip(map(str, temperatures), entropies, strict=True)))
    exp.claim("entropy")
    exp.check("entropy strictly increases with T", all(a < b for a, b in zip(entropies, entropies[1:], strict=False)), entropies)
    exp.check("entropy stays within [0, log V]", 0 <= min(entropies) and max(entropies) <= math.log(vocab) + 1e-12,
              [min(entropies), max(entropies)], tolerance=[0, math.log(vocab)])

    generator = torch.Generator().manual_seed(exp.seed)
    worst_k, mismatched_p, cases = 0.0, 0, 0
    for _ in range(150):
        dist = torch.softmax(torch.randn(vocab, generator=generator, dtype=torch.float64) * 2, -1).to(dev)
        as_list = dist.tolist()
        for k in (1, 3, 5):
            ref = torch.tensor(top_k_reference(as_list, k), dtype=torch.float64, device=dev)
            worst_k = max(worst_k, (top_k_filter(dist, k) - ref).abs().max().item())
        for p in (0.1, 0.5, 0.9, 0.95):
            kept = set(torch.nonzero(top_p_filter(dist, p)).flatten().tolist())
            mismatched_p += kept != top_p_reference(as_list, p)
            cases += 1
    exp.claim("top-k")
    exp.close("top-k vs brute-force sort, 450 cases (max abs)", worst_k, 1e-12)
    exp.claim("top-p")
    exp.equal(f"top-p vs brute force over all 2^{vocab} subsets, {cases} cases: mismatches", mismatched_p, 0)

    filtered = top_p_filter(top_k_filter(probs, 5), 0.9)
    draws = 200_000
    samples = torch.multinomial(filtered.float(), draws, replacement=True, generator=None)
    counts = torch.bincount(samples, minlength=vocab).double() / draws
    exp.claim("sample")
    exp.close(f"{draws} samples: frequencies vs filtered probabilities (max abs)", (counts - filtered).abs().max(), 0.005)
    removed = filtered == 0
    exp.equal("removed tokens are never sampled (count)", int((counts[removed] > 0).sum()), 0)
    exp.note("tokens_kept_after_top_k5_top_p0.9", int((~removed).sum()))


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
