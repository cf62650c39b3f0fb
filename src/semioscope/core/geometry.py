"""Boxes in source-frame pixels, shared by the crop, the engine, the GUI and the reports."""

from __future__ import annotations

from dataclasses import dataclass

from semioscope.errors import SemioscopeError


@dataclass(frozen=True)
class Box:
    """An axis-aligned box ``(x, y, w, h)`` in source-frame pixels (x, y = top-left corner)."""

    x: int
    y: int
    w: int
    h: int

    @property
    def x2(self) -> int:
        return self.x + self.w

    @property
    def y2(self) -> int:
        return self.y + self.h

    @property
    def area(self) -> int:
        return max(self.w, 0) * max(self.h, 0)

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)

    def to_dict(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h}

    @classmethod
    def from_dict(cls, data: dict[str, int]) -> Box:
        return cls(int(data["x"]), int(data["y"]), int(data["w"]), int(data["h"]))

    @classmethod
    def full_frame(cls, width: int, height: int) -> Box:
        return cls(0, 0, width, height)

    @classmethod
    def parse(cls, text: str) -> Box:
        """``"X,Y,W,H"`` as typed on the command line."""
        try:
            x, y, w, h = (int(round(float(v))) for v in text.split(","))
        except ValueError:
            raise SemioscopeError("--crop", f"expected X,Y,W,H in pixels, got {text!r}") from None
        return cls(x, y, w, h)

    def validate(self, width: int, height: int, subject: str = "crop") -> Box:
        """Refuse a box of zero size or not inside a ``width`` x ``height`` frame."""
        if self.w <= 0 or self.h <= 0:
            raise SemioscopeError(subject, f"box {self.as_tuple()} has zero or negative size")
        if self.x < 0 or self.y < 0 or self.x2 > width or self.y2 > height:
            raise SemioscopeError(
                subject, f"box {self.as_tuple()} (x, y, w, h) lies outside the "
                f"{width}x{height} frame")
        return self

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"
