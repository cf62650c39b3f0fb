"""Where the backbone runs: ``--device auto|cpu|cuda[:N]`` and a batch size to fit it.

``auto`` takes the first NVIDIA GPU whenever torch sees one (the PyPI torch build carries the
CUDA libraries anyway), else the CPU. Asking for ``cuda`` on a machine without a usable GPU is
the user's mistake and gets a one-line :class:`~semioscope.errors.SemioscopeError`, never a
silent fall-back to a ten times slower run. On a GPU the batch is sized to its free memory; on
the CPU it stays :data:`~semioscope.core.DEFAULT_BATCH_SIZE` (the 2-GB budget).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from semioscope.core import DEFAULT_BATCH_SIZE
from semioscope.errors import SemioscopeError

__all__ = ["DEVICE_CHOICES", "Device", "auto_batch_size", "parse_device", "resolve_device"]

#: what ``--device`` accepts (``cuda:N`` picks one GPU of several)
DEVICE_CHOICES = ("auto", "cpu", "cuda")
#: GPU memory one 60-frame 224x224 window needs in the backbone, with room for cuDNN workspaces
#: (CPU runs grow by about 0.37 GB per window of batch; the GPU keeps a little more per layer)
GPU_BYTES_PER_WINDOW = {"i3d": 768 * 2**20, "s3d": 640 * 2**20}
#: more windows per call than this gains nothing (a 2-minute seizure is 60 windows)
MAX_GPU_BATCH = 16
_CUDA = re.compile(r"^cuda(?::(\d+))?$")


@dataclass(frozen=True)
class Device:
    """The resolved device: ``kind`` "cpu" or "cuda"; GPU name and memory for provenance."""

    kind: str
    index: int = 0
    name: str = "cpu"
    total_bytes: int | None = None

    @property
    def torch_device(self) -> str:
        return "cpu" if self.kind == "cpu" else f"cuda:{self.index}"

    def describe(self) -> str:
        """What results record, e.g. ``cpu`` or ``cuda:0 (NVIDIA H200, 139 GiB)``."""
        if self.kind == "cpu":
            return "cpu"
        size = f", {self.total_bytes / 2**30:.0f} GiB" if self.total_bytes else ""
        return f"{self.torch_device} ({self.name}{size})"


def parse_device(text: str) -> tuple[str, int | None]:
    """``("auto"|"cpu"|"cuda", index or None)``; a malformed value is the user's error."""
    value = text.strip().lower()
    if value in ("auto", "cpu"):
        return value, None
    match = _CUDA.match(value)
    if match is None:
        raise SemioscopeError("--device", f"unknown device {text!r}; choose auto, cpu, cuda "
                              "or cuda:N")
    return "cuda", None if match.group(1) is None else int(match.group(1))


def _cuda_count() -> int:
    import torch

    try:
        return torch.cuda.device_count() if torch.cuda.is_available() else 0
    except RuntimeError:  # a driver that cannot initialise counts as no GPU
        return 0


def _why_no_cuda() -> str:
    import torch

    if torch.version.cuda is None:
        return "this torch build has no CUDA support"
    return f"torch (CUDA {torch.version.cuda}) sees no usable NVIDIA GPU or driver"


def resolve_device(requested: str = "auto") -> Device:
    """The device to run on: ``auto`` = the first GPU if torch sees one, else the CPU."""
    kind, index = parse_device(requested)
    if kind == "cpu":
        return Device("cpu")
    count = _cuda_count()
    if kind == "auto" and count == 0:
        return Device("cpu")
    if count == 0:
        raise SemioscopeError("--device", f"{requested} requested, but {_why_no_cuda()}; "
                              "use --device cpu (or auto)")
    index = 0 if index is None else index
    if index >= count:
        raise SemioscopeError("--device", f"{requested} requested, but torch sees only "
                              f"{count} GPU(s) (cuda:0..cuda:{count - 1})")
    import torch

    props = torch.cuda.get_device_properties(index)
    return Device("cuda", index, str(props.name), int(props.total_memory))


def auto_batch_size(device: Device, backbone: str = "i3d", free_bytes: int | None = None) -> int:
    """Windows per backbone call: the CPU default, or what half the GPU's free memory holds.

    ``free_bytes`` defaults to what the driver reports free on that GPU now.
    """
    if device.kind == "cpu":
        return DEFAULT_BATCH_SIZE
    if free_bytes is None:
        import torch

        free_bytes, _ = torch.cuda.mem_get_info(device.index)
    per_window = GPU_BYTES_PER_WINDOW.get(backbone, GPU_BYTES_PER_WINDOW["i3d"])
    return max(1, min(MAX_GPU_BATCH, int(free_bytes // 2 // per_window)))
