"""Byte-pair encoding trained on a small text: it round-trips any text, and compresses the text it learned from."""

from collections import Counter

from _lab import Experiment, main

EXPERIMENT = {
    "id": "bpe",
    "title": "Byte-pair encoding: train, encode, decode",
    "topic": "II",
    "claims": {
        "round-trip": "decode(encode(text)) == text, for the training text and for any other text (accents, emoji)",
        "most-frequent": "Each merge joins the pair of tokens that is most frequent at that moment",
        "compresses": "Every merge shortens the training text by the number of times its pair occurred (two equal tokens, as in 'aaa', can overlap)",
        "generalises-less": "Text the merges were not learned from is compressed less than the training text",
    },
}

TRAINING_TEXT = (
    "the transformer reads the tokens of the text and the attention of each token looks at the other tokens. "
    "the tokenizer turns the text into tokens: the more often a pair of bytes appears, the sooner the pair becomes "
    "one token. there, then, these, those and the other words that start with the share their first tokens. "
) * 4
UNSEEN_TEXT = "Zürich's café served crème brûlée 🍮 at 7:45 — quickly, before any queue formed."
MERGES = 60


def pair_counts(tokens: list[int]) -> Counter:
    return Counter(zip(tokens, tokens[1:], strict=False))


def merge(tokens: list[int], pair: tuple[int, int], new: int) -> list[int]:
    out, i = [], 0
    while i < len(tokens):
        if i + 1 < len(tokens) and (tokens[i], tokens[i + 1]) == pair:
            out.append(new)
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def train(
    text: str, merges: int
) -> tuple[dict[tuple[int, int], int], list[tuple[tuple[int, int], int, int]]]:
    """The merges in order ({pair: new token}) and, per merge, (pair, its count, tokens saved)."""
    tokens, rules, history = list(text.encode("utf-8")), {}, []
    for new in range(256, 256 + merges):
        counts = pair_counts(tokens)
        pair, count = max(counts.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
        merged = merge(tokens, pair, new)
        rules[pair] = new
        history.append((pair, count, len(tokens) - len(merged)))
        tokens = merged
    return rules, history


def encode(text: str, rules: dict[tuple[int, int], int]) -> list[int]:
    """Apply the merges in the order they were learned (lowest new id first), as GPT-2's tokenizer does."""
    tokens = list(text.encode("utf-8"))
    while len(tokens) > 1:
        pair = min(pair_counts(tokens), key=lambda p: rules.get(p, float("inf")))
        if pair not in rules:
            break
        tokens = merge(tokens, pair, rules[pair])
    return tokens


def decode(tokens: list[int], rules: dict[tuple[int, int], int]) -> str:
    pieces = {i: bytes([i]) for i in range(256)}
    for (a, b), new in sorted(rules.items(), key=lambda kv: kv[1]):
        pieces[new] = pieces[a] + pieces[b]
    return b"".join(pieces[t] for t in tokens).decode("utf-8")


def run(exp: Experiment) -> None:
    with exp.timed("train"):
        rules, history = train(TRAINING_TEXT, MERGES)
    exp.note("first_merges", [decode([new], rules) for new in list(rules.values())[:8]])

    exp.claim("round-trip")
    for name, text in (
        ("training text", TRAINING_TEXT),
        ("unseen text with accents and an emoji", UNSEEN_TEXT),
        ("empty text", ""),
        ("one byte", "x"),
    ):
        exp.equal(f"decode(encode({name})) == text", decode(encode(text, rules), rules) == text, True)

    exp.claim("most-frequent")
    # Recount from scratch with an independent method (string slices, not the trainer's token lists).
    first_pair, first_count, _ = history[0]
    raw = TRAINING_TEXT.encode("utf-8")
    slices = Counter(raw[i : i + 2] for i in range(len(raw) - 1))
    top, top_count = slices.most_common(1)[0]
    exp.equal("first merge = the most common byte pair of the text", bytes(first_pair), top)
    exp.equal("... with the count the trainer saw", first_count, top_count)
    tokens, beaten = list(raw), []
    for step, (pair, _, _) in enumerate(history):
        seen: dict[tuple[int, int], int] = {}
        for i in range(len(tokens) - 1):
            seen[(tokens[i], tokens[i + 1])] = seen.get((tokens[i], tokens[i + 1]), 0) + 1
        if seen[pair] < max(seen.values()):
            beaten.append(step)
        tokens = merge(tokens, pair, rules[pair])
    exp.equal(f"merges (of {MERGES}) whose pair was not the most frequent at that moment", beaten, [])

    exp.claim("compresses")
    mismatched = [pair for pair, count, saved in history if count != saved and pair[0] != pair[1]]
    exp.equal(
        "merges that saved a number of tokens other than their pair count (distinct pairs)", mismatched, []
    )
    tokens = encode(TRAINING_TEXT, rules)
    ratio = len(TRAINING_TEXT.encode("utf-8")) / len(tokens)
    exp.equal(
        "encoding with the merges = the trainer's last token count",
        len(tokens),
        len(TRAINING_TEXT.encode("utf-8")) - sum(saved for _, _, saved in history),
    )
    exp.check(f"{MERGES} merges: bytes per token on the training text", ratio > 2.0, ratio, tolerance="> 2")

    exp.claim("generalises-less")
    unseen_ratio = len(UNSEEN_TEXT.encode("utf-8")) / len(encode(UNSEEN_TEXT, rules))
    exp.check(
        "bytes per token on unseen text < on the training text",
        unseen_ratio < ratio,
        [unseen_ratio, ratio],
        tolerance="unseen < training",
    )


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
