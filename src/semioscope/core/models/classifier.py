"""The paper's sequence classifier (section 3.5), a PyTorch replica of its Keras model.

Masking(-1) -> LSTM(128) -> LSTM(64) -> Dense(64, ReLU) -> BN -> Dropout(0.5) -> Dense(32, ReLU)
-> BN -> Dropout(0.5) -> Dense(1, sigmoid): P(TLE) for one 2-s window's (7, 1024) I3D features.

The LSTMs are written out step by step because ``nn.LSTM`` has neither Keras' masking (a step
whose features are all -1 leaves the state untouched, so pre-padding cannot change the output)
nor recurrent dropout (one dropout mask on h per sequence, during training only).

A trained classifier is ONE safetensors file (conventionally ``.semio``): the tensors, plus the
metadata (backbone, preprocessing, mapping, threshold, metrics, architecture) as JSON under the
``semioscope`` key, so a file can never be used with features it was not trained on.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from semioscope.core.atomic import atomic_path
from semioscope.core.models.padding import MASK_VALUE, pad_steps
from semioscope.core.models.weights import I3D_WEIGHTS, BackboneWeights, backbone_weights
from semioscope.errors import WeightsError

__all__ = [
    "FORMAT", "ClassifierConfig", "ClassifierMetadata", "MaskedLSTM", "SeizureClassifier",
    "build_classifier", "load_classifier", "pad_features", "random_classifier",
    "save_classifier",
]

#: identifies our files; bump when the stored layout changes
FORMAT = "semioscope-classifier/1"


@dataclass(frozen=True)
class ClassifierConfig:
    """Architecture and regularisation (the paper's chosen values; L2 strengths are ours)."""

    lstm1: int = 128
    lstm2: int = 64
    fc1: int = 64
    fc2: int = 32
    dropout: float = 0.5
    recurrent_dropout: float = 0.3
    kernel_l2: float = 1e-4       # dense and LSTM input kernels
    recurrent_l2: float = 1e-4    # LSTM recurrent kernels
    activity_l2: float = 1e-5     # LSTM outputs
    bias_l2: float = 1e-4         # dense biases
    #: the input shape (steps, features): the backbone's (the paper's I3D unless told)
    steps: int = I3D_WEIGHTS.steps_per_window
    features: int = I3D_WEIGHTS.feature_dim
    #: standardise each input feature with the training windows' mean and std (stored in the
    #: file); off by default (the paper has none), for features whose class signal is a small
    #: variation on a large common offset, as an untrained backbone's are
    standardise: bool = False

    @classmethod
    def for_backbone(cls, backbone: Any, **settings: Any) -> ClassifierConfig:
        """The configuration whose input is ``backbone``'s output (a name, a
        :class:`BackboneWeights` or a loaded backbone)."""
        weights = _weights_of(backbone)
        return cls(**{**settings, "steps": weights.steps_per_window,
                      "features": weights.feature_dim})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClassifierConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _weights_of(backbone: Any) -> BackboneWeights:
    if isinstance(backbone, BackboneWeights):
        return backbone
    if isinstance(backbone, str):
        return backbone_weights(backbone)
    described = getattr(backbone, "weights", None)
    if isinstance(described, BackboneWeights):
        return described
    return backbone_weights(str(backbone.name))


class MaskedLSTM(nn.Module):
    """Keras-style LSTM (gates i, f, c, o; forget bias 1) with masking and recurrent dropout."""

    def __init__(self, in_features: int, units: int, recurrent_dropout: float = 0.0) -> None:
        super().__init__()
        self.units, self.recurrent_dropout = units, recurrent_dropout
        self.kernel = nn.Parameter(torch.empty(in_features, 4 * units))
        self.recurrent_kernel = nn.Parameter(torch.empty(units, 4 * units))
        self.bias = nn.Parameter(torch.zeros(4 * units))
        nn.init.xavier_uniform_(self.kernel)          # Keras glorot_uniform
        for g in range(4):                            # Keras orthogonal, per gate block
            nn.init.orthogonal_(self.recurrent_kernel.data[:, g * units:(g + 1) * units])
        with torch.no_grad():
            self.bias[units:2 * units] = 1.0          # unit_forget_bias

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(N, T, F), mask (N, T) bool -> all hidden states (N, T, units); masked steps repeat h."""
        n, steps, _ = x.shape
        projected = x @ self.kernel + self.bias       # input part of every step at once
        h = x.new_zeros(n, self.units)
        c = x.new_zeros(n, self.units)
        drop = None
        if self.training and self.recurrent_dropout > 0:
            keep = 1.0 - self.recurrent_dropout
            drop = torch.bernoulli(x.new_full((n, self.units), keep)) / keep
        outputs = []
        for t in range(steps):
            h_in = h if drop is None else h * drop
            i, f, g, o = (projected[:, t] + h_in @ self.recurrent_kernel).chunk(4, dim=1)
            c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h_new = torch.sigmoid(o) * torch.tanh(c_new)
            m = mask[:, t, None]
            h, c = torch.where(m, h_new, h), torch.where(m, c_new, c)
            outputs.append(h)
        return torch.stack(outputs, dim=1)


class SeizureClassifier(nn.Module):
    """(N, 7, F) features pre-padded with -1 -> (N,) P(TLE).

    Dense block order (the paper: "batch normalisation then dropout"): Linear -> ReLU ->
    BatchNorm1d -> Dropout, after each of the two hidden dense layers.
    """

    feature_mean: torch.Tensor   # buffers, only with config.standardise
    feature_std: torch.Tensor

    def __init__(self, config: ClassifierConfig | None = None) -> None:
        super().__init__()
        self.config = cfg = config or ClassifierConfig()
        self.lstm1 = MaskedLSTM(cfg.features, cfg.lstm1, cfg.recurrent_dropout)
        self.lstm2 = MaskedLSTM(cfg.lstm1, cfg.lstm2, cfg.recurrent_dropout)
        self.fc1 = nn.Linear(cfg.lstm2, cfg.fc1)
        self.bn1 = nn.BatchNorm1d(cfg.fc1, eps=1e-3, momentum=0.01)   # Keras defaults
        self.fc2 = nn.Linear(cfg.fc1, cfg.fc2)
        self.bn2 = nn.BatchNorm1d(cfg.fc2, eps=1e-3, momentum=0.01)
        self.out = nn.Linear(cfg.fc2, 1)
        self.drop = nn.Dropout(cfg.dropout)
        if cfg.standardise:   # only then: files without these tensors keep loading strictly
            self.register_buffer("feature_mean", torch.zeros(cfg.features))
            self.register_buffer("feature_std", torch.ones(cfg.features))
        for dense in (self.fc1, self.fc2, self.out):                   # He-uniform kernels
            nn.init.kaiming_uniform_(dense.weight, nonlinearity="relu")
            nn.init.zeros_(dense.bias)
        self._activity: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 3 or x.shape[2] != self.config.features:
            raise ValueError(f"expected (N, steps, {self.config.features}), got {tuple(x.shape)}")
        mask = (x != MASK_VALUE).any(dim=2)
        if self.config.standardise:   # masked steps keep no state, their values do not matter
            x = (x - self.feature_mean) / self.feature_std
        seq = self.lstm1(x, mask)
        last = self.lstm2(seq, mask)[:, -1]
        self._activity = [seq, last]
        y = self.drop(self.bn1(torch.relu(self.fc1(last))))
        y = self.drop(self.bn2(torch.relu(self.fc2(y))))
        return torch.sigmoid(self.out(y)).squeeze(1)

    def p_tle(self, feats: np.ndarray) -> float:
        """P(TLE) of one window's ``(T', F)`` features, pre-padded to ``config.steps`` with -1
        (the engine's ``Classifier`` protocol, as :class:`OpenVINOClassifier` has it)."""
        x = torch.as_tensor(np.asarray(pad_features(feats, self.config.steps),
                                       dtype=np.float32))[None]
        self.eval()
        with torch.inference_mode():
            y = self(x)
        return float(torch.as_tensor(y).reshape(-1)[0])

    def fit_standardisation(self, X: torch.Tensor) -> None:
        """Set the input mean and std from training windows ``X`` (N, steps, F), padding left
        out; a no-op unless ``config.standardise``."""
        if not self.config.standardise:
            return
        steps = X.reshape(-1, X.shape[-1])
        steps = steps[(steps != MASK_VALUE).any(dim=1)].double()
        with torch.no_grad():
            self.feature_mean.copy_(steps.mean(dim=0).to(self.feature_mean))
            self.feature_std.copy_(steps.std(dim=0).clamp_min(1e-6).to(self.feature_std))

    def regularisation_loss(self) -> torch.Tensor:
        """Keras-style penalties: L2 on kernels, recurrent kernels, dense biases, and on the
        LSTM outputs of the last forward pass (activity, averaged over the batch)."""
        cfg = self.config
        kernels = [self.lstm1.kernel, self.lstm2.kernel, self.fc1.weight, self.fc2.weight,
                   self.out.weight]
        loss = cfg.kernel_l2 * sum(k.square().sum() for k in kernels)
        loss = loss + cfg.recurrent_l2 * (self.lstm1.recurrent_kernel.square().sum()
                                          + self.lstm2.recurrent_kernel.square().sum())
        loss = loss + cfg.bias_l2 * sum(d.bias.square().sum()
                                        for d in (self.fc1, self.fc2, self.out))
        for act in self._activity:
            loss = loss + cfg.activity_l2 * act.square().sum() / max(act.shape[0], 1)
        return torch.as_tensor(loss)


def build_classifier(config: ClassifierConfig | None = None) -> SeizureClassifier:
    return SeizureClassifier(config)


def pad_features(feats: np.ndarray | torch.Tensor, steps: int) -> np.ndarray | torch.Tensor:
    """(T, F) -> (steps, F), pre-padded with -1 (the paper); keeps the last ``steps`` if longer.
    ``steps`` is the classifier's input length (``config.steps``, from its backbone)."""
    return pad_steps(feats, steps)   # core/models/padding.py: the one rule


@dataclass
class ClassifierMetadata:
    """Everything needed to use a classifier file correctly (and to audit it)."""

    backbone: str = "i3d"
    backbone_weights_sha256: str | None = None
    backbone_pretrained: bool = False
    preprocessing_version: str = ""
    mapping: dict[str, Any] = field(default_factory=dict)
    class_names: tuple[str, str] = ("FLE", "TLE")
    threshold: float = 0.5
    uncertain_band: tuple[float, float] = (0.4, 0.6)
    config: dict[str, Any] = field(default_factory=lambda: dataclasses.asdict(ClassifierConfig()))
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    trained: bool = False
    demo: bool = False            # `semioscope train --demo`: every result says "demo model"
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    software_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["class_names"], d["uncertain_band"] = list(self.class_names), list(self.uncertain_band)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClassifierMetadata:
        if not isinstance(data, dict):
            raise TypeError(f"metadata is a {type(data).__name__}, not an object")
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        _check_types(values)
        for key in ("class_names", "uncertain_band"):
            if key in values:
                values[key] = tuple(values[key])
        return cls(**values)


_TYPES: dict[str, type | tuple[type, ...]] = {
    "backbone": str, "backbone_weights_sha256": (str, type(None)), "backbone_pretrained": bool,
    "preprocessing_version": str, "mapping": dict, "config": dict, "training": dict,
    "metrics": dict, "trained": bool, "demo": bool, "created": str, "software_version": str,
}


def _probability(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} {value!r} is not a probability from 0 to 1")
    return float(value)


def _check_types(values: dict[str, Any]) -> None:
    """Refuse metadata a hand edit broke: a NaN threshold would call every window FLE."""
    for key, kind in _TYPES.items():
        if key in values and not isinstance(values[key], kind):
            raise TypeError(f"{key} is a {type(values[key]).__name__}")
    names = values.get("class_names", ("FLE", "TLE"))
    if not (isinstance(names, list | tuple) and len(names) == 2
            and all(isinstance(n, str) for n in names)):
        raise TypeError("class_names is not two names")
    threshold = _probability(values.get("threshold", 0.5), "threshold")
    band = values.get("uncertain_band", (0.4, 0.6))
    if not isinstance(band, list | tuple) or len(band) != 2:
        raise TypeError("uncertain_band is not two numbers")
    if not all(isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b)
               for b in band) or band[0] > band[1]:
        raise ValueError(f"uncertain_band {list(band)!r} is not two finite numbers, low first")
    del threshold


def save_classifier(path: str | Path, model: SeizureClassifier,
                    metadata: ClassifierMetadata) -> None:
    """Write model + metadata as one safetensors file, atomically."""
    from safetensors.torch import save_file

    from semioscope import __version__

    meta = dataclasses.replace(metadata, config=dataclasses.asdict(model.config),
                               software_version=metadata.software_version or __version__)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    header = {"format": FORMAT, "semioscope": json.dumps(meta.to_dict(), default=_json_default)}
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp), metadata=header)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray | tuple | set):
        return list(obj.tolist() if isinstance(obj, np.ndarray) else obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def read_metadata(path: str | Path) -> ClassifierMetadata:
    """Only the metadata of a classifier file (``semioscope models inspect``)."""
    return _open(Path(path))[1]


def _open(path: Path) -> tuple[dict[str, torch.Tensor], ClassifierMetadata]:
    from safetensors import safe_open

    from semioscope.core.inputs import check_regular
    from semioscope.errors import SemioscopeError

    if not path.exists():
        raise WeightsError(path, "classifier file not found")
    try:
        check_regular(path, "classifier")
    except SemioscopeError as exc:
        raise WeightsError(path, exc.message) from None
    try:
        with safe_open(str(path), framework="pt") as fh:  # type: ignore[no-untyped-call]
            header = fh.metadata() or {}
            tensors = {k: fh.get_tensor(k) for k in fh.keys()}
    except Exception as exc:  # not safetensors, truncated, unreadable
        raise WeightsError(path, "not a semioscope classifier file (expected a safetensors "
                                 f"file written by `semioscope train`): {exc}") from None
    if header.get("format") != FORMAT or "semioscope" not in header:
        raise WeightsError(path, "a safetensors file, but not a semioscope classifier "
                                 f"(format {header.get('format')!r}, expected {FORMAT!r})")
    try:
        meta = ClassifierMetadata.from_dict(json.loads(header["semioscope"]))
    except (ValueError, TypeError, RecursionError) as exc:
        raise WeightsError(path, f"the classifier's metadata is damaged: {exc}") from None
    return tensors, meta


def load_classifier(path: str | Path) -> tuple[SeizureClassifier, ClassifierMetadata]:
    """Rebuild the stored architecture, load its weights strictly; the model is in eval mode."""
    path = Path(path)
    tensors, meta = _open(path)
    try:
        model = SeizureClassifier(ClassifierConfig.from_dict(meta.config))
    except (TypeError, ValueError, RuntimeError) as exc:
        raise WeightsError(path, f"the stored architecture is invalid: {exc}") from None
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    shapes = [k for k in expected if k in tensors and tensors[k].shape != expected[k].shape]
    if missing or unexpected or shapes:
        raise WeightsError(path, "the classifier's tensors do not fit its architecture "
                                 f"(missing {missing[:4]}, unexpected {unexpected[:4]}, "
                                 f"wrong shape {shapes[:4]})")
    model.load_state_dict(tensors, strict=True)
    return model.eval(), meta


def random_classifier(seed: int = 0, backbone: Any = "i3d") -> tuple[SeizureClassifier,
                                                                      ClassifierMetadata]:
    """A seeded untrained classifier (``trained=False``) for the --allow-untrained smoke path.

    ``backbone`` is a name or a loaded backbone (its name, weights hash and pretrained flag are
    recorded).
    """
    from semioscope import __version__
    from semioscope.core.preprocess import PREPROCESSING_VERSION

    name = backbone if isinstance(backbone, str) else str(backbone.name)
    try:
        config = ClassifierConfig.for_backbone(backbone)
    except KeyError:   # a stand-in backbone (tests): the paper's input shape
        config = ClassifierConfig()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = SeizureClassifier(config).eval()
    meta = ClassifierMetadata(
        backbone=name,
        backbone_weights_sha256=None if isinstance(backbone, str) else backbone.weights_sha256,
        backbone_pretrained=False if isinstance(backbone, str) else bool(backbone.pretrained),
        preprocessing_version=PREPROCESSING_VERSION, trained=False,
        training={"note": f"random weights (seed {seed}), not trained: not for clinical use"},
        config=dataclasses.asdict(model.config), software_version=__version__,
    )
    return model, meta

