"""Generating with a KV cache gives the same logits as recomputing the whole sequence, for linear instead of
quadratic attention work."""

import torch
from _gpt import TinyGPT
from _lab import Experiment, main

EXPERIMENT = {
    "id": "kv-cache",
    "title": "KV cache: the same logits as full recomputation, less work",
    "topic": "VI",
    # Items that teach this besides those whose own lab: names it (an item has one lab:).
    "items": ["efficiently-scaling-transformer-inference"],
    "claims": {
        "same-logits": "Feeding one token at a time with cached keys and values gives the logits a full forward pass gives, at every position",
        "same-text": "Greedy generation with the cache produces the same tokens as generation that recomputes everything",
        "linear-work": "With the cache each new token scores one query row per layer; recomputing scores the whole sequence again: linear vs quadratic work",
        "cache-size": "The cache holds 2 x layers x tokens x width numbers (keys and values), growing by one row per token",
    },
}

VOCAB, CONTEXT, WIDTH, HEADS, LAYERS, NEW_TOKENS = 50, 64, 32, 4, 2, 40


def query_rows(model: TinyGPT) -> int:
    return sum(block.attention.query_rows for block in model.blocks)


def generate(
    model: TinyGPT, prompt: torch.Tensor, steps: int, cached: bool
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Greedy decoding; returns the tokens and the logits that chose each new token."""
    caches: list[dict[str, torch.Tensor]] | None = [{} for _ in model.blocks] if cached else None
    ids, chosen_logits = prompt, []
    logits = model(prompt, caches)[:, -1]
    for _ in range(steps):
        chosen_logits.append(logits)
        token = logits.argmax(-1, keepdim=True)
        ids = torch.cat([ids, token], dim=1)
        logits = model(token, caches)[:, -1] if cached else model(ids)[:, -1]
    return ids, chosen_logits


def run(exp: Experiment) -> None:
    torch.set_num_threads(1)  # tiny matrices: per-op overhead dominates, threads only add synchronisation
    dev = exp.float64_device
    model = TinyGPT(VOCAB, CONTEXT, WIDTH, HEADS, LAYERS).to(dev, torch.float64).eval()
    sequence = torch.randint(0, VOCAB, (1, 48), device=dev)

    with torch.no_grad():
        full = model(sequence)
        caches: list[dict[str, torch.Tensor]] = [{} for _ in model.blocks]
        stepwise = torch.cat([model(sequence[:, i : i + 1], caches) for i in range(sequence.shape[1])], dim=1)
    exp.claim("same-logits")
    exp.close(
        "one token at a time with the cache vs one full pass (max abs, float64)",
        (stepwise - full).abs().max(),
        1e-12,
    )

    exp.claim("cache-size")
    stored = sum(cache["k"].numel() + cache["v"].numel() for cache in caches)
    exp.equal("numbers cached after 48 tokens = 2 x layers x 48 x width", stored, 2 * LAYERS * 48 * WIDTH)

    prompt = sequence[:, :8]
    for block in model.blocks:
        block.attention.query_rows = 0
    with torch.no_grad(), exp.timed("generate_cached"):
        cached_ids, cached_logits = generate(model, prompt, NEW_TOKENS, cached=True)
    cached_rows = query_rows(model)
    for block in model.blocks:
        block.attention.query_rows = 0
    with torch.no_grad(), exp.timed("generate_recomputing"):
        recomputed_ids, recomputed_logits = generate(model, prompt, NEW_TOKENS, cached=False)
    recomputed_rows = query_rows(model)

    exp.claim("same-text")
    exp.equal(
        f"{NEW_TOKENS} greedy tokens, cached vs recomputed", cached_ids.tolist(), recomputed_ids.tolist()
    )
    exp.close(
        "the logits that chose them (max abs)",
        max((a - b).abs().max().item() for a, b in zip(cached_logits, recomputed_logits, strict=True)),
        1e-12,
    )

    exp.claim("linear-work")
    n, p = NEW_TOKENS, prompt.shape[1]
    # The prompt is scored once either way; then step t scores 1 row with the cache, p + t rows without.
    exp.equal("query rows scored with the cache (per layer)", cached_rows // LAYERS, p + n)
    exp.equal(
        "query rows scored recomputing (per layer)",
        recomputed_rows // LAYERS,
        p + sum(p + t for t in range(1, n + 1)),
    )
    exp.note("recompute_over_cache_rows", recomputed_rows / cached_rows)
    exp.note(
        "recompute_over_cache_seconds", exp.timings["generate_recomputing"] / exp.timings["generate_cached"]
    )


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
