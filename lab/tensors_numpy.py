"""Tensors vs NumPy arrays: which conversions share memory, which copy, and which refuse."""

import numpy as np
import torch
from _lab import Experiment, main

EXPERIMENT = {
    "id": "tensors-numpy",
    "title": "PyTorch tensors vs NumPy arrays: shared memory",
    "topic": "1.1.1",
    "claims": {
        "shared": "torch.from_numpy and Tensor.numpy share memory with the array: a write through one shows in the other",
        "copies": "torch.tensor always copies",
        "as-tensor": "torch.as_tensor shares when dtype and device already match, copies otherwise",
        "grad": "A tensor that requires grad refuses .numpy(); .detach().numpy() works",
        "device": "A tensor on an accelerator must come back to the CPU before .numpy()",
    },
}


def run(exp: Experiment) -> None:
    array = np.arange(6, dtype=np.float32)
    shared = torch.from_numpy(array)
    array[0] = 100.0
    exp.claim("shared")
    exp.equal("from_numpy sees a write to the array", shared[0].item(), 100.0)
    shared[1] = -1.0
    exp.equal("the array sees a write to the tensor", float(array[1]), -1.0)
    exp.equal("from_numpy: same address", shared.data_ptr() == array.ctypes.data, True)

    back = shared.numpy()
    exp.equal("Tensor.numpy() shares memory", bool(np.shares_memory(back, array)), True)

    copied = torch.tensor(array)
    array[2] = 42.0
    exp.claim("copies")
    exp.equal("torch.tensor copies (write not seen)", copied[2].item(), 2.0)
    exp.equal("torch.tensor: a new address", copied.data_ptr() != array.ctypes.data, True)

    exp.claim("as-tensor")
    exp.equal("as_tensor, same dtype: shares", torch.as_tensor(array).data_ptr() == array.ctypes.data, True)
    converted = torch.as_tensor(array, dtype=torch.float64)
    exp.equal("as_tensor, other dtype: copies", converted.data_ptr() != array.ctypes.data, True)

    exp.claim("shared")
    exp.equal("NumPy's float default is float64, kept by from_numpy", str(torch.from_numpy(np.ones(2)).dtype), "torch.float64")

    weights = torch.ones(3, requires_grad=True)
    try:
        weights.numpy()
        refused = False
    except RuntimeError:
        refused = True
    exp.claim("grad")
    exp.equal("requires_grad tensor refuses .numpy()", refused, True)
    detached = weights.detach().numpy()
    detached[0] = 7.0
    exp.equal(".detach().numpy() works and still shares memory", weights[0].item(), 7.0)

    exp.claim("device")
    if exp.device.type == "cpu":
        exp.note("accelerator_check", "skipped: running on the CPU, where .numpy() needs no transfer")
        exp.equal("a CPU tensor converts directly", isinstance(torch.ones(2).numpy(), np.ndarray), True)
        return
    on_device = torch.ones(3, device=exp.device)
    try:
        on_device.numpy()
        refused = False
    except (TypeError, RuntimeError):
        refused = True
    exp.equal(f"a {exp.device.type} tensor refuses .numpy()", refused, True)
    host = on_device.cpu().numpy()
    host[0] = 5.0
    exp.equal(".cpu() copies from the device (device tensor unchanged)", on_device[0].item(), 1.0)


if __name__ == "__main__":
    raise SystemExit(main(EXPERIMENT, run))
