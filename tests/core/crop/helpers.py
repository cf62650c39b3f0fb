"""Small assertions the crop tests share."""

from __future__ import annotations

from semioscope.core.geometry import Box


def covers(outer: Box, inner: Box) -> bool:
    """Whether ``outer`` contains ``inner`` entirely."""
    return (outer.x <= inner.x and outer.y <= inner.y
            and outer.x2 >= inner.x2 and outer.y2 >= inner.y2)
