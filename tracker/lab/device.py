"""Pick the device an experiment runs on, seed every RNG, and time device work honestly.

Imported only inside experiment processes: it imports torch at module level on purpose, so nothing in the CLI
path may import it.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
DEVICE_ENV = "TRACKER_DEVICE"


class DeviceError(Exception):
    """The requested device does not exist on this machine (or the name is not a device)."""


def detect_device() -> torch.device:
    """The best device here: ``torch.accelerator`` where this torch has it, else CUDA, MPS, CPU."""
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None and accelerator.is_available():
        found = accelerator.current_accelerator()
        if found is not None:
            return torch.device(found.type)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def resolve_device(requested: str | None = None) -> torch.device:
    """Turn ``--device`` (or env TRACKER_DEVICE, or auto) into a device that exists, or raise DeviceError."""
    name = (requested or os.environ.get(DEVICE_ENV) or "auto").strip().lower()
    if name == "auto":
        return detect_device()
    kind, _, index = name.partition(":")
    if kind not in DEVICE_CHOICES or (index and not index.isdigit()):
        raise DeviceError(f"unknown device {name!r}: use one of {', '.join(DEVICE_CHOICES)} (or cuda:N)")
    if kind == "cuda":
        if not torch.cuda.is_available():
            why = "this torch build has no CUDA" if torch.version.cuda is None else "no CUDA GPU is visible"
            raise DeviceError(f"--device {name}: CUDA is not available ({why}; torch {torch.__version__})")
        if index and int(index) >= torch.cuda.device_count():
            raise DeviceError(f"--device {name}: only {torch.cuda.device_count()} CUDA device(s) here")
    if kind == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise DeviceError(f"--device {name}: MPS is not available on this machine")
    return torch.device(name)


def device_name(device: torch.device) -> str:
    """A human name for the device: the GPU's marketing name, or the CPU's architecture."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple MPS"
    import platform

    return f"CPU {platform.machine()} ({torch.get_num_threads()} threads)"


def float64_device(device: torch.device) -> tuple[torch.device, str | None]:
    """Where float64 work can run: MPS has no float64, so it falls back to the CPU (with a note saying so)."""
    if device.type == "mps":
        return torch.device("cpu"), "float64 is not supported on MPS: float64 checks ran on the CPU"
    return device, None


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (every CUDA device too), so a rerun measures the same numbers."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def pin_float32_precision() -> dict[str, object]:
    """Keep float32 matmuls in full float32 (no TF32) so tolerances mean the same on every device; report it."""
    torch.set_float32_matmul_precision("highest")
    settings: dict[str, object] = {"float32_matmul_precision": torch.get_float32_matmul_precision()}
    if torch.cuda.is_available():
        settings["cuda_matmul_allow_tf32"] = torch.backends.cuda.matmul.allow_tf32
    return settings


def synchronize(device: torch.device) -> None:
    """Wait for queued device work: GPU kernels run asynchronously, so a timer must wait before it reads."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


@contextmanager
def device_timer(device: torch.device) -> Iterator[dict[str, float]]:
    """Time the block's device work in seconds: CUDA events on CUDA, a synchronised wall clock elsewhere.

    Yields a dict whose ``seconds`` is filled in when the block ends.
    """
    result: dict[str, float] = {}
    if device.type == "cuda":
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        synchronize(device)
        start.record()
        yield result
        end.record()
        end.synchronize()
        result["seconds"] = start.elapsed_time(end) / 1000.0
        return
    synchronize(device)
    began = time.perf_counter()
    yield result
    synchronize(device)
    result["seconds"] = time.perf_counter() - began
