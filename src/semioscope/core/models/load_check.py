"""Does a weights file load into its architecture, every tensor finite? (``models register``)

Apart from :mod:`~semioscope.core.models.own_weights` so that reading the registrations (which
the weights registry does for every result) never reaches the backbone loader, which itself
needs the registry: no import circle.
"""

from __future__ import annotations

from pathlib import Path

from semioscope.errors import SemioscopeError


def check_loads(name: str, path: Path) -> str:
    """Load ``path`` strictly into the ``name`` architecture (no pickle runs: weights only) and
    refuse any tensor that is not finite; returns what was loaded, for the user to read."""
    import torch

    from semioscope.core.models.backbone import load_backbone

    backbone = load_backbone(name, path, threads=1)
    tensors = [*backbone.model.state_dict().items()]
    bad = [key for key, value in tensors
           if torch.is_floating_point(value) and not bool(torch.isfinite(value).all())]
    if bad:
        raise SemioscopeError(path, f"{len(bad)} tensor(s) hold NaN or infinite values "
                              f"({bad[0]}, ...); not usable weights")
    count = sum(int(v.numel()) for _, v in tensors)
    return f"{len(tensors)} tensors, {count:,} numbers, all finite, loaded strictly into {name}"
