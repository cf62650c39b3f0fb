"""Batch-norm statistics that match what was learned: recomputed over the training windows.

A batch-norm layer normalises with the statistics of the current batch while training, but with
its *running* statistics in eval mode (validation, export, analysis). Those running statistics
move by ``momentum`` per step: at Keras' 0.99 (PyTorch momentum 0.01) after 12 steps they are
still 89 % their initial 0/1, so an eval-mode model computes something it never learned (the
demo's flat 0.49-0.51 bars). Small datasets hit this (30 seizures at batch 500 is one step per
epoch), and so does early stopping at an early epoch.

The fix at the root: before every validation pass and before the weights are kept, set each
layer's running statistics to the exact mean and (unbiased) variance of its inputs over the
whole training set, computed in eval mode for every other layer (no dropout, no recurrent
dropout), layer after layer in forward order. The variance stored is the population (biased) one, which
is what a layer normalises with in training, so eval-mode predictions then equal the network's
batch-statistics predictions on the whole training set. Only buffers change; the trained
parameters, and so the training trajectory, stay the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: windows per forward pass; larger sets are accumulated exactly over chunks
CHUNK = 4096


def batchnorm_layers(model: Any) -> list[Any]:
    """The model's batch-norm layers that keep running statistics, in registration order."""
    from torch import nn

    return [m for m in model.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats]


def recompute_batchnorm(model: Any, X: np.ndarray | Any) -> int:
    """Set every batch-norm layer's running statistics from the training windows ``X``.

    Returns the number of layers recomputed (0: the model has none, nothing changes). The
    model is left in eval mode. Layers are done in registration order, which for our
    classifier (and any sequential model) is forward order, so each layer sees inputs
    normalised by the layers before it exactly as in eval mode.
    """
    import torch

    layers = batchnorm_layers(model)
    if not layers or len(X) < 2:
        return 0
    device = next(model.parameters()).device
    Xt = torch.as_tensor(np.ascontiguousarray(X, dtype=np.float32)) if isinstance(
        X, np.ndarray) else X
    model.eval()
    for layer in layers:
        total = torch.zeros(layer.num_features, dtype=torch.float64)
        square = torch.zeros_like(total)
        count = [0]

        def hook(_module: Any, inputs: tuple[Any, ...], total: Any = total,
                 square: Any = square, count: list[int] = count) -> None:
            x = inputs[0].detach().double()
            x = x.transpose(0, 1).reshape(x.shape[1], -1)      # (C, N * spatial)
            total.add_(x.sum(dim=1).cpu())
            square.add_((x * x).sum(dim=1).cpu())
            count[0] += x.shape[1]

        handle = layer.register_forward_pre_hook(hook)
        try:
            with torch.inference_mode():
                for start in range(0, len(Xt), CHUNK):
                    model(Xt[start:start + CHUNK].to(device))
        finally:
            handle.remove()
        n = count[0]
        mean = total / n
        var = (square / n - mean * mean).clamp_min(0)   # biased: what training normalised with
        with torch.no_grad():
            layer.running_mean.copy_(mean.to(layer.running_mean))
            layer.running_var.copy_(var.to(layer.running_var))
            if layer.num_batches_tracked is not None:
                layer.num_batches_tracked.fill_(max(int(layer.num_batches_tracked), 1))
    return len(layers)
