"""Broadcasting: the trailing-dimension rule by hand agrees with torch, and an expand copies nothing."""

import random

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "broadcasting",
    "title": "Broadcasting semantics",
    "topic": "1.1.1",
    "claims": {
        "rule": "Two shapes broadcast when, from the trailing dimension, sizes are equal, one is 1, or one is missing",
        "agrees": "The hand-written rule agrees with torch.broadcast_shapes on thousands of random shape pairs",
        "elementwise": "An element-wise op on broadcast operands equals the op on explicitly repeated tensors",
        "expand": "Broadcasting is an expand: stride 0 along the new dimensions, no memory copied",
    },
}


def broadcast_rule(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """The rule from the PyTorch docs, written out: the result shape, or None when the shapes don't broadcast."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and 1 not in (x, y):
            return None
        out.append(y if x == 1 else x)  # not max(x, y): a size-1 dim stretches to a size-0 one too
    return tuple(reversed(out))


def torch_rule(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return tuple(torch.broadcast_shapes(a, b))
    except RuntimeError:
        return None


def random_shape(rng: random.Random) -> tuple[int, ...]:
    return tuple(rng.choice((0, 1, 1, 2, 3, 4)) for _ in range(rng.randint(0, 4)))


def run(exp: Experiment) -> None:
    rng = random.Random(exp.seed)
    pairs = 4000
    disagreements = 0
    broadcastable = 0
    for _ in range(pairs):
        a, b = random_shape(rng), random_shape(rng)
        if rng.random() < 0.5:  # make half the pairs share a suffix, so both outcomes are common
            b = b[: rng.randint(0, len(b))] + a[len(a) - rng.randint(0, len(a)) :]
        mine, theirs = broadcast_rule(a, b), torch_rule(a, b)
        disagreements += mine != theirs
        broadcastable += theirs is not None
    exp.claim("agrees")
    exp.equal("hand rule == torch.broadcast_shapes (disagreements)", disagreements, 0)
    exp.note("shape_pairs", pairs)
    exp.note("broadcastable_fraction", broadcastable / pairs)
    exp.check("both outcomes occur in the sample", 0.2 < broadcastable / pairs < 0.9, broadcastable / pairs)

    exp.claim("rule")
    exp.equal("(3,1) with (4,) -> (3,4)", broadcast_rule((3, 1), (4,)), (3, 4))
    exp.equal("(3,2) with (3,) does not broadcast", torch_rule((3, 2), (3,)) is None, True)
    exp.equal("(1,) with (0,) -> (0,): size 1 stretches to size 0", broadcast_rule((1,), (0,)), (0,))

    dev = exp.device
    x = torch.randn(5, 1, 3, device=dev)
    y = torch.randn(4, 1, device=dev)
    repeated = x.repeat(1, 4, 1) + y.unsqueeze(0).repeat(5, 1, 3)
    exp.claim("elementwise")
    exp.close("x + y == repeat(x) + repeat(y) (max abs diff)", (x + y - repeated).abs().max(), 0.0)

    row = torch.arange(4.0, device=dev)
    expanded = row.expand(1000, 4)
    exp.claim("expand")
    exp.equal("expand stride along new dim", expanded.stride(), (0, 1))
    exp.equal("expand shares storage (data_ptr equal)", expanded.data_ptr() == row.data_ptr(), True)
    exp.equal("expand allocates nothing (untyped storage bytes)", expanded.untyped_storage().nbytes(), 16)
    exp.equal("contiguous() materialises the copy (bytes)", expanded.contiguous().untyped_storage().nbytes(), 16000)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
