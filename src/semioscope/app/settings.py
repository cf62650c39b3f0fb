"""Application settings and recent files, one JSON file in the user's data folder."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from semioscope.core.atomic import write_json
from semioscope.core.paths import data_dir

log = logging.getLogger(__name__)
MAX_RECENT = 10
BACKBONES = ("i3d", "s3d")
DEVICES = ("auto", "cpu", "cuda")   # core.models.device.DEVICE_CHOICES, without importing torch
PRECISIONS = ("auto", "f32", "bf16", "int8")   # core.runtime.precision.PRECISIONS


@dataclass
class AppSettings:
    """What the user chose in File › Settings (empty path = use the installed default)."""

    classifier_path: str = ""
    backbone: str = "i3d"
    backbone_weights: str = ""
    detector_weights: str = ""
    threads: int = 0                  # 0 = let torch decide
    device: str = "auto"              # auto (GPU when torch sees one) | cpu | cuda
    precision: str = "auto"           # auto (f32 unless a checked, native lower one) | f32 | ...
    allow_untrained: bool = False
    recent: list[str] = field(default_factory=list)
    #: False for a session's own settings (the demo's) that must not overwrite the user's file
    persist: bool = field(default=True, repr=False, compare=False)

    @staticmethod
    def path() -> Path:
        return data_dir() / "settings.json"

    @classmethod
    def load(cls) -> AppSettings:
        path = cls.path()
        if not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(cls)} - {"persist"}
            settings = cls(**{k: v for k, v in data.items() if k in known})
        except (OSError, ValueError, TypeError) as exc:
            log.warning("ignoring unreadable settings file: %s", exc)
            return cls()
        if settings.backbone not in BACKBONES:
            settings.backbone = "i3d"
        if settings.device not in DEVICES:
            settings.device = "auto"
        if settings.precision not in PRECISIONS:
            settings.precision = "auto"
        return settings

    def save(self) -> None:
        if self.persist:
            write_json(self.path(), self.to_dict())

    def add_recent(self, path: str | Path) -> None:
        text = str(Path(path).resolve())
        self.recent = [text] + [p for p in self.recent if p != text][: MAX_RECENT - 1]
        self.save()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["persist"]
        return data
