"""Where each score looked: Grad-CAM saliency per 2-s window, in source-frame coordinates.

``gradcam`` computes a window's map over the network input, ``placement`` puts it on the crop
box of the source frame, ``store`` keeps a whole analysis' maps in a sidecar beside the results
JSON, and ``recorder`` hooks it all into the analysis (``analyze --saliency``) or explains one
window on demand.

Two things a reader of the maps must know (measured in bench/RESULTS.md, #18):

- The map is Grad-CAM with the channel weights taken per time slice and the activations taken
  relative to the classifier's reference input (its standardisation mean, when it has one). With
  Grad-CAM's zero reference, a standardised classifier's map was one negative constant plus
  noise, normalised into a picture (``gradcam``'s docstring).
- Evidence that lies on the black padding around the crop is cut away before the map is
  normalised, and its share is stored (``in_crop``): the review window marks such windows.
  The demo model's net evidence still lies mostly on the top padding row (its untrained
  backbone's responses to the crop's edge); and the untrained backbone's 7x7 map does not
  localise a single moving limb. Nor does the pretrained one's, on the model learned on
  synthetic v2 (#25): that model scores a calm patient moving one limb as TLE, so the map shows
  TLE evidence, off the limb; explaining P(FLE) instead puts 0.31 of it on the limb at Mixed_5c
  (chance 0.05-0.17) and 0.36 at Mixed_4f (``gradcam.grad_cam_at``), short of 0.5.
"""

from typing import Any

#: name -> submodule. Imported on first use (PEP 562), so that reading stored maps (``store``:
#: the review window, the PDF report) works in the clinician runtime, which has no torch;
#: ``gradcam`` and ``recorder`` need torch.
_WHERE = {
    "WindowCam": "gradcam", "feature_maps": "gradcam", "grad_cam": "gradcam",
    "pool_maps": "gradcam", "LAYERS": "gradcam", "grad_cam_at": "gradcam",
    "layer_maps": "gradcam", "layer_reference": "gradcam", "PlacedMap": "placement", "place": "placement",
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
    "LAYERS", "ON_SUBJECT_MIN", "PlacedMap", "SaliencyRecorder", "SaliencySet", "WindowCam",
    "attach_saliency", "explain_window", "feature_maps", "grad_cam", "grad_cam_at", "layer_maps",
    "layer_reference", "load_saliency", "place", "pool_maps",
    "saliency_for_results", "save_saliency", "sidecar_path", "subject_box",
]
