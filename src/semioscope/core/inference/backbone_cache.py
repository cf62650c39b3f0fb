"""One loaded backbone kept for a whole GUI session, so only the first analysis pays for loading.

The review window warms the cache in the background after it is shown (import torch, build the
network, load and fold the weights, one small forward pass), and every analysis asks the same
cache: with unchanged settings and an unchanged weights file it gets the same object back.
Changing the backbone, its weights file (path, size or modification time), the device, the
runtime, the precision, the threads or the seed loads a new one and lets the old one go. Thread-safe: an analysis started
while the warm-up is still loading waits for that load instead of doing a second one.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["BackboneCache", "BackboneKey"]


@dataclass(frozen=True)
class BackboneKey:
    """Everything that makes two loaded backbones differ."""

    name: str
    weights: str | None           # the resolved file, or None for seeded random weights
    weights_stat: tuple[int, int] | None
    allow_untrained: bool
    threads: int | None
    seed: int
    device: str
    runtime: str
    precision: str = "auto"
    checks: str = ""              # the agreement records auto may rest on, as canonical JSON


def _key(name: str, weights: str | Path | None, allow_untrained: bool, threads: int | None,
         seed: int, device: str, runtime: str, precision: str = "auto",
         checks: dict[str, Any] | None = None) -> BackboneKey:
    import json

    from semioscope.core.models import registry

    path = registry.find_weights(name, weights)
    stat = None
    if path is not None and Path(path).is_file():
        st = Path(path).stat()
        stat = (st.st_size, st.st_mtime_ns)
    return BackboneKey(name, None if path is None else str(path), stat, allow_untrained,
                       threads, seed if path is None else 0, device, runtime, precision,
                       json.dumps(checks or {}, sort_keys=True, default=str))


class BackboneCache:
    """Holds the last backbone loaded through :meth:`get` (one: they are 50-100 MB each)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: BackboneKey | None = None
        self._backbone: Any = None
        self.loads = 0            # how many times a backbone was actually built (tests, logs)
        self.load_s = 0.0         # how long the last build took

    def get(self, name: str, weights: str | Path | None = None, *,
            allow_untrained: bool = False, threads: int | None = None, seed: int = 0,
            device: str = "auto", runtime: str = "auto", notice: Any = None,
            precision: str = "auto", checks: dict[str, Any] | None = None) -> Any:
        """The cached backbone for these settings, loading it (under the lock) if needed.

        Loading is :func:`~semioscope.core.inference.runtime.load_for_inference` (the torch network,
        then the runtime chosen for it); its errors pass through, and nothing is cached then.
        """
        from semioscope.core.inference.runtime import load_for_inference

        key = _key(name, weights, allow_untrained, threads, seed, device, runtime, precision,
                   checks)
        with self._lock:
            if key == self._key and self._backbone is not None:
                if threads is not None:  # another user of torch may have changed it
                    import torch

                    torch.set_num_threads(threads)
                return self._backbone
            self._key, self._backbone = None, None   # let the old one go before building
            started = time.monotonic()
            loaded = load_for_inference(name, weights, allow_untrained=allow_untrained,
                                        threads=threads, seed=seed, device=device,
                                        runtime=runtime, notice=notice, precision=precision,
                                        checks=checks)
            self.load_s = time.monotonic() - started
            self.loads += 1
            self._key, self._backbone = key, loaded
            return loaded

    def warm_up(self, backbone: Any) -> None:
        """One small forward pass: the first real batch then skips the runtime's set-up."""
        import torch

        channels = 1 if getattr(backbone, "accepts_gray", False) else 3
        clip = torch.zeros(1, channels, backbone.min_frames, 224, 224)
        backbone.features(clip if getattr(backbone, "runtime", "torch") == "torch"
                          else clip.numpy())

    @property
    def loaded(self) -> Any:
        """The backbone held now, or None."""
        return self._backbone
