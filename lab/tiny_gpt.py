"""A GPT of a few thousand parameters learns one sentence by heart: the loss starts at ln V and falls below a bound."""

import math

import torch
import torch.nn.functional as F
from _gpt import TinyGPT, parameter_count_by_hand
from _lab import Experiment, main

EXPERIMENT = {
    "id": "tiny-gpt",
    "title": "A tiny GPT overfits a sentence",
    "topic": "II",
    "claims": {
        "parameters": "The model's parameters are what its shapes say (embeddings, attention, MLP, norms, head): a few thousand",
        "initial-loss": "Untrained, it guesses uniformly: cross-entropy near ln V, perplexity near V",
        "perplexity": "Perplexity is exp(mean cross-entropy), the cross-entropy being -mean log softmax(logits)[target]",
        "overfits": "Trained on one sentence, next-token loss falls below 0.1 and greedy decoding recites the sentence",
    },
}

SENTENCE = "the quick brown fox jumps over the lazy dog"
WIDTH, HEADS, LAYERS, STEPS = 16, 2, 1, 250


def run(exp: Experiment) -> None:
    # A model this small spends its time in per-op overhead: more threads only add synchronisation.
    torch.set_num_threads(1)
    vocab = sorted(set(SENTENCE))
    ids = torch.tensor([[vocab.index(ch) for ch in SENTENCE]], device=exp.device)
    inputs, targets = ids[:, :-1], ids[:, 1:]
    model = TinyGPT(len(vocab), context=len(SENTENCE), width=WIDTH, heads=HEADS, layers=LAYERS).to(exp.device)

    exp.claim("parameters")
    counted = sum(p.numel() for p in model.parameters())
    exp.equal(
        "parameters counted by torch = by hand from the shapes",
        counted,
        parameter_count_by_hand(len(vocab), len(SENTENCE), WIDTH, LAYERS),
    )
    exp.check("a few thousand parameters", 1_000 < counted < 10_000, counted, tolerance="1k .. 10k")

    with torch.no_grad():
        logits = model(inputs)
    loss = F.cross_entropy(logits.view(-1, len(vocab)), targets.view(-1))
    exp.claim("initial-loss")
    exp.close("untrained loss vs ln V (abs)", abs(loss.item() - math.log(len(vocab))), 0.3)
    exp.note("vocabulary", len(vocab))

    exp.claim("perplexity")
    by_hand = -logits.log_softmax(-1).gather(-1, targets[..., None]).mean()
    exp.close("cross-entropy by hand vs F.cross_entropy (abs)", (by_hand - loss).abs(), 1e-6)
    uniform = torch.zeros(1, len(vocab), device=exp.device)
    uniform_perplexity = math.exp(F.cross_entropy(uniform, targets[:, 0]).item())
    exp.close("a uniform guess has perplexity V exactly (abs)", abs(uniform_perplexity - len(vocab)), 1e-4)

    optimizer = torch.optim.Adam(model.parameters(), lr=3e-2)
    with exp.timed("training"):
        for _ in range(STEPS):
            loss = F.cross_entropy(model(inputs).view(-1, len(vocab)), targets.view(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    exp.claim("overfits")
    exp.check(f"loss after {STEPS} Adam steps < 0.1", loss.item() < 0.1, loss.item(), tolerance="< 0.1")
    exp.note("perplexity_after_training", math.exp(loss.item()))
    generated = ids[:, :1]
    with torch.no_grad():
        for _ in range(len(SENTENCE) - 1):
            generated = torch.cat([generated, model(generated)[:, -1:].argmax(-1)], dim=1)
    recited = "".join(vocab[i] for i in generated[0].tolist())
    exp.equal("greedy decoding from 't' recites the sentence", recited, SENTENCE)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
