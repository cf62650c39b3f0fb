"""Training settings: one TOML file, defaults = the paper's (section 3.5.1).

Example (every key optional)::

    loss = "mse"              # "mse" (class-weighted, the paper) or "bce"
    epochs = 2000
    batch_size = 500
    [model]                   # passed to ClassifierConfig (lstm1, lstm2, fc1, fc2, dropout, ...)
    lstm1 = 128

Class weights are inversely proportional to class frequency, ``w_c = N / (2 * N_c)`` (N windows,
N_c of class c; scikit-learn's "balanced"), and the loss is ``mean_i w_{y_i} * l_i`` with
``l_i = (p_i - y_i)^2`` (MSE) or the binary cross-entropy: the minority class counts as much as
the majority in total.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from semioscope.errors import SemioscopeError

LOSSES = ("mse", "bce")
#: "holdout": best-F1 epoch chosen on a patient-grouped part of the *training* patients (honest);
#: "paper": chosen on the evaluated fold itself (as the paper; optimistic);
#: "fixed": no selection, the weights after the last epoch
STOPPING = ("holdout", "paper", "fixed")
AGGREGATIONS = ("mean", "vote")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a trained model, besides the data."""

    loss: str = "mse"
    class_weighting: bool = True
    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    batch_size: int = 500
    epochs: int = 2000
    seed: int = 0
    stopping: str = "holdout"
    holdout_folds: int = 5          # hold-out = one of this many patient-grouped folds
    eval_every: int = 1             # epochs between validation passes
    threads: int = 2
    device: str = "cpu"             # "cpu", "cuda" or "auto" (cuda when available)
    folds: int = 5
    aggregation: str = "mean"       # seizure verdict from window scores
    precision_target: float = 0.9   # uncertain band: outside it, seizure precision >= this
    model: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, data: dict[str, Any], subject: str = "config") -> TrainConfig:
        """Validate types and ranges; unknown keys are an error (a typo must not pass silently)."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise SemioscopeError(subject, f"unknown setting(s) {', '.join(unknown)}; known: "
                                  f"{', '.join(known)}")
        defaults = cls()
        values: dict[str, Any] = {}
        for name, value in data.items():
            expected = type(getattr(defaults, name))
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise SemioscopeError(subject, f"{name} must be {expected.__name__}, got "
                                      f"{value!r}")
            values[name] = value
        config = cls(**values)
        config.check(subject)
        return config

    def check(self, subject: str = "config") -> None:
        problems = []
        if self.loss not in LOSSES:
            problems.append(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.stopping not in STOPPING:
            problems.append(f"stopping must be one of {STOPPING}, got {self.stopping!r}")
        if self.device not in ("cpu", "cuda", "auto"):
            problems.append(f"device must be cpu, cuda or auto, got {self.device!r}")
        if self.aggregation not in AGGREGATIONS:
            problems.append(f"aggregation must be one of {AGGREGATIONS}")
        for name in ("batch_size", "epochs", "eval_every", "threads"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1")
        if self.folds < 2 or self.holdout_folds < 2:
            problems.append("folds and holdout_folds must be at least 2")
        if not 0 < self.lr < 1:
            problems.append("lr must be in (0, 1)")
        if not 0 < self.precision_target <= 1:
            problems.append("precision_target must be in (0, 1]")
        if problems:
            raise SemioscopeError(subject, "; ".join(problems))


def load_config(path: str | Path | None) -> TrainConfig:
    """The paper's defaults, overridden by the TOML file at ``path`` (if given)."""
    if path is None:
        return TrainConfig()
    from semioscope.core.inputs import read_text

    path = Path(path)
    text = read_text(path, "config", limit=2**20)
    try:
        data = tomllib.loads(text)
    except (RecursionError, tomllib.TOMLDecodeError) as exc:
        raise SemioscopeError(path, f"not a valid TOML config ({exc})") from None
    return TrainConfig.from_dict(data, subject=str(path))
