"""The retrieval half of RAG: embed passages and a question, rank by cosine similarity, hand the best to the model.

The embeddings are computed here from the text alone (hashed word and character-trigram counts, then a random
projection), so the experiment needs no download; a trained encoder replaces ``embed`` in a real system.
"""

import random
import zlib

import torch
import torch.nn.functional as F
from _lab import Experiment, main

EXPERIMENT = {
    "id": "rag-retrieval",
    "title": "RAG retrieval: cosine similarity finds the planted passage",
    "topic": "V",
    "claims": {
        "cosine": "Cosine similarity is the dot product of L2-normalised vectors: one matrix product ranks every passage",
        "finds-planted": "For each question, the passage planted to answer it ranks first among all the passages",
        "projection": "A random projection to far fewer dimensions keeps cosines close (Johnson-Lindenstrauss) and the same top passage",
        "bag-of-words": "A bag-of-words embedding ignores word order: a shuffled passage has cosine 1 with the original",
    },
}

PASSAGES = [
    "The Eiffel Tower in Paris was completed in 1889 for the World's Fair.",
    "Photosynthesis converts sunlight, water and carbon dioxide into glucose and oxygen in plant leaves.",
    "The transformer architecture relies on self-attention instead of recurrence to model sequences.",
    "Mount Everest, on the border of Nepal and China, is the highest mountain above sea level.",
    "Python lists are dynamic arrays; appending is amortised constant time.",
    "The mitochondria produce most of the chemical energy a cell needs, stored as ATP.",
    "Byte-pair encoding builds a vocabulary by repeatedly merging the most frequent pair of symbols.",
    "The Great Barrier Reef off Queensland is the largest coral reef system in the world.",
    "Gradient descent updates parameters in the direction that lowers the loss the most.",
    "Jupiter is the largest planet of the solar system, a gas giant with a great red spot.",
    "A KV cache stores the keys and values of earlier tokens so that decoding does not recompute them.",
    "The Rosetta Stone helped scholars decipher Egyptian hieroglyphs in the 1820s.",
]
QUESTIONS = {  # question -> index of the passage that answers it
    "When was the Eiffel Tower in Paris completed?": 0,
    "How do plant leaves turn sunlight into glucose?": 1,
    "Which mountain is the highest above sea level?": 3,
    "What does byte-pair encoding merge to build a vocabulary?": 6,
    "Why does decoding keep the keys and values of earlier tokens?": 10,
    "Which planet of the solar system is the largest?": 9,
}
HASHED_DIM, PROJECTED_DIM = 4096, 256
STOP_WORDS = {
    "the",
    "a",
    "of",
    "in",
    "is",
    "to",
    "and",
    "does",
    "do",
    "what",
    "which",
    "when",
    "how",
    "why",
    "was",
    "so",
    "that",
    "as",
    "by",
    "on",
    "for",
    "an",
    "it",
    "its",
    "are",
}


def words(text: str) -> list[str]:
    cleaned = "".join(ch.lower() if ch.isalnum() else " " for ch in text)
    return [w for w in cleaned.split() if w not in STOP_WORDS]


def embed(text: str) -> torch.Tensor:
    """Counts of words and of their character trigrams, hashed into HASHED_DIM buckets (crc32: stable across runs)."""
    vector = torch.zeros(HASHED_DIM, dtype=torch.float64)
    for word in words(text):
        padded = f"<{word}>"
        for feature in [word, *(padded[i : i + 3] for i in range(len(padded) - 2))]:
            vector[zlib.crc32(feature.encode()) % HASHED_DIM] += 1.0
    return vector


def run(exp: Experiment) -> None:
    dev = exp.float64_device
    passages = torch.stack([embed(p) for p in PASSAGES]).to(dev)
    questions = torch.stack([embed(q) for q in QUESTIONS]).to(dev)
    planted = torch.tensor(list(QUESTIONS.values()), device=dev)

    exp.claim("cosine")
    scores = F.normalize(questions, dim=-1) @ F.normalize(passages, dim=-1).T
    pairwise = F.cosine_similarity(questions[:, None, :], passages[None, :, :], dim=-1)
    exp.close(
        "normalised dot products vs F.cosine_similarity (max abs)", (scores - pairwise).abs().max(), 1e-12
    )

    exp.claim("finds-planted")
    ranked = scores.argsort(dim=-1, descending=True)
    exp.equal(
        f"recall@1 over {len(QUESTIONS)} questions", (ranked[:, 0] == planted).float().mean().item(), 1.0
    )
    runner_up = scores.gather(1, ranked[:, 1:2]).squeeze(1)
    margin = (scores.gather(1, planted[:, None]).squeeze(1) - runner_up).min().item()
    exp.check(
        "the planted passage beats the runner-up by a margin (min cosine gap)",
        margin > 0.05,
        margin,
        tolerance="> 0.05",
    )

    exp.claim("projection")
    projection = torch.randn(HASHED_DIM, PROJECTED_DIM, dtype=torch.float64, device=dev) / PROJECTED_DIM**0.5
    small = F.normalize(questions @ projection, dim=-1) @ F.normalize(passages @ projection, dim=-1).T
    exp.close(
        f"cosines after projecting {HASHED_DIM} -> {PROJECTED_DIM} dimensions (max abs change)",
        (small - scores).abs().max(),
        0.25,
    )
    exp.equal("top passage after the projection", small.argmax(-1).tolist(), planted.tolist())

    exp.claim("bag-of-words")
    shuffled = PASSAGES[2].split()
    random.Random(exp.seed).shuffle(shuffled)
    same = F.cosine_similarity(embed(" ".join(shuffled)), embed(PASSAGES[2]), dim=0).item()
    exp.close("cosine(shuffled passage, passage) - 1 (abs)", abs(same - 1.0), 1e-12)
    exp.check(
        "... though the words did move", " ".join(shuffled) != PASSAGES[2], " ".join(shuffled)[:40] + "..."
    )


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
