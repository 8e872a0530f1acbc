"""Views, in-place mutation and the version counter that lets autograd catch a modified saved tensor."""

import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "views-inplace",
    "title": "Views, in-place operations and the version counter",
    "topic": "1.1.1",
    "claims": {
        "views": "view, slicing and transpose return views: same storage, a write through one shows in the other",
        "reshape": "view() refuses a non-contiguous tensor; reshape() then copies",
        "inplace": "x += 1 mutates in place (same address); x = x + 1 makes a new tensor",
        "version": "Every in-place op bumps the version counter, shared by a tensor and its views",
        "autograd": "autograd refuses to backpropagate through a saved tensor that was modified in place",
    },
}


def run(exp: Experiment) -> None:
    dev = exp.device
    base = torch.arange(12.0, device=dev)
    grid = base.view(3, 4)
    grid[0, 0] = 99.0
    exp.claim("views")
    exp.equal("view: write shows in the base", base[0].item(), 99.0)
    exp.equal("view: same storage", grid.untyped_storage().data_ptr() == base.untyped_storage().data_ptr(), True)

    column = grid[:, 1]
    exp.equal("slice is a view with an offset", (column.storage_offset(), column.stride()), (1, (4,)))
    column.zero_()
    exp.equal("zeroing a column slice zeroes the base", base[1::4].abs().sum().item(), 0.0)

    transposed = grid.t()
    exp.equal("transpose is a non-contiguous view", transposed.is_contiguous(), False)
    try:
        transposed.view(12)
        refused = False
    except RuntimeError:
        refused = True
    exp.claim("reshape")
    exp.equal("view() refuses a non-contiguous tensor", refused, True)
    flat = transposed.reshape(12)
    exp.equal("reshape() of it copies (new storage)", flat.untyped_storage().data_ptr() != base.untyped_storage().data_ptr(), True)

    x = torch.ones(4, device=dev)
    address = x.data_ptr()
    x += 1
    exp.claim("inplace")
    exp.equal("x += 1 keeps the address", x.data_ptr() == address, True)
    y = x + 1
    exp.equal("x + 1 allocates a new tensor", y.data_ptr() != address, True)

    counted = torch.zeros(3, device=dev)
    alias = counted[:2]
    before = counted._version
    counted.add_(1)
    alias.mul_(2)
    exp.claim("version")
    exp.equal("version counter: +1 per in-place op, shared with views", counted._version - before, 2)

    leaf = torch.randn(5, device=dev, requires_grad=True)
    saved = leaf.exp()  # exp saves its output for the backward pass
    saved.add_(1)
    try:
        saved.sum().backward()
        message = ""
    except RuntimeError as exc:
        message = str(exc)
    exp.claim("autograd")
    exp.check("backward refuses a saved tensor modified in place", "modified by an inplace operation" in message,
              message.split("\n")[0][:120] or "no error")

    try:
        with torch.enable_grad():
            leaf.add_(1)
        refused = False
    except RuntimeError:
        refused = True
    exp.equal("in-place op on a leaf that requires grad is refused", refused, True)
    before = leaf.detach().clone()
    with torch.no_grad():
        leaf.add_(1)  # how optimisers step
    exp.close("... but allowed under no_grad, as optimisers step (max |change - 1|)", ((leaf.detach() - before) - 1).abs().max(), 1e-6)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
