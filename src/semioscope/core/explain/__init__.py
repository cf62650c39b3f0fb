"""Where each score looked: Grad-CAM saliency per 2-s window, in source-frame coordinates.

``gradcam`` computes a window's map over the network input, ``placement`` puts it on the crop
box of the source frame, ``store`` keeps a whole analysis' maps in a sidecar beside the results
JSON, and ``recorder`` hooks it all into the analysis (``analyze --saliency``) or explains one
window on demand.
"""

from typing import Any

#: name -> submodule. Imported on first use (PEP 562), so that reading stored maps (``store``:
#: the review window, the PDF report) works in the clinician runtime, which has no torch;
#: ``gradcam`` and ``recorder`` need torch.
_WHERE = {
    "WindowCam": "gradcam", "feature_maps": "gradcam", "grad_cam": "gradcam",
    "pool_maps": "gradcam", "PlacedMap": "placement", "place": "placement",
    "subject_box": "placement", "SaliencyRecorder": "recorder", "explain_window": "recorder",
    "ON_SUBJECT_MIN": "store", "SaliencySet": "store", "attach_saliency": "store",
    "load_saliency": "store", "saliency_for_results": "store", "save_saliency": "store",
    "sidecar_path": "store",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ON_SUBJECT_MIN", "PlacedMap", "SaliencyRecorder", "SaliencySet", "WindowCam",
    "attach_saliency", "explain_window", "feature_maps", "grad_cam", "load_saliency", "place", "pool_maps",
    "saliency_for_results", "save_saliency", "sidecar_path", "subject_box",
]
