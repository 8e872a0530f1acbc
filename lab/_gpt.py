"""A GPT small enough to read in one sitting and train on a CPU in seconds (used by tiny_gpt.py and kv_cache.py).

Pre-norm blocks as in GPT-2: x + attention(LayerNorm(x)), then x + MLP(LayerNorm(x)); learned token and position
embeddings; causal self-attention with several heads. ``forward`` can keep each layer's keys and values (the KV
cache) so that generating one more token attends to the cached past instead of recomputing it.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class CausalSelfAttention(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.query_rows = 0  # how many query positions this layer has scored, to compare the work done

    def forward(self, x: torch.Tensor, cache: dict[str, torch.Tensor] | None = None) -> torch.Tensor:
        batch, length, width = x.shape
        q, k, v = self.qkv(x).split(width, dim=-1)
        q, k, v = (t.view(batch, length, self.heads, width // self.heads).transpose(1, 2) for t in (q, k, v))
        past = 0
        if cache is not None:
            if "k" in cache:
                past = cache["k"].shape[2]
                k, v = torch.cat([cache["k"], k], dim=2), torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        # Query i (at absolute position past + i) may see keys 0 .. past + i.
        visible = torch.ones(length, past + length, dtype=torch.bool, device=x.device).tril(diagonal=past)
        weights = scores.masked_fill(~visible, float("-inf")).softmax(dim=-1)
        self.query_rows += length
        return self.out((weights @ v).transpose(1, 2).reshape(batch, length, width))


class Block(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attention = CausalSelfAttention(width, heads)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x: torch.Tensor, cache: dict[str, torch.Tensor] | None = None) -> torch.Tensor:
        x = x + self.attention(self.norm1(x), cache)
        return x + self.mlp(self.norm2(x))


class TinyGPT(nn.Module):
    def __init__(self, vocab: int, context: int, width: int = 16, heads: int = 2, layers: int = 1) -> None:
        super().__init__()
        self.context = context
        self.tokens = nn.Embedding(vocab, width)
        self.positions = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)

    def forward(self, ids: torch.Tensor, caches: list[dict[str, torch.Tensor]] | None = None) -> torch.Tensor:
        """Logits for each position of ``ids``; with ``caches`` (one dict per layer), ``ids`` continue the cached
        sequence."""
        past = caches[0]["k"].shape[2] if caches and "k" in caches[0] else 0
        where = torch.arange(past, past + ids.shape[1], device=ids.device)
        x = self.tokens(ids) + self.positions(where)
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i])
        return self.head(self.norm(x))


def parameter_count_by_hand(vocab: int, context: int, width: int, layers: int) -> int:
    """The parameters the architecture above has, counted from its shapes (weights + biases)."""
    layer_norm = 2 * width
    attention = (width * 3 * width + 3 * width) + (width * width + width)
    mlp = (width * 4 * width + 4 * width) + (4 * width * width + width)
    embeddings = vocab * width + context * width
    head = width * vocab + vocab
    return embeddings + layers * (2 * layer_norm + attention + mlp) + layer_norm + head
