"""Where each score looked: Grad-CAM saliency per 2-s window, in source-frame coordinates.

``gradcam`` computes a window's map over the network input, ``placement`` puts it on the crop
box of the source frame, ``store`` keeps a whole analysis' maps in a sidecar beside the results
JSON, and ``recorder`` hooks it all into the analysis (``analyze --saliency``) or explains one
window on demand.
"""

from semioscope.core.explain.gradcam import WindowCam, feature_maps, grad_cam, pool_maps
from semioscope.core.explain.placement import PlacedMap, place, subject_box
from semioscope.core.explain.recorder import SaliencyRecorder, explain_window
from semioscope.core.explain.store import (
    ON_SUBJECT_MIN,
    SaliencySet,
    attach_saliency,
    load_saliency,
    saliency_for_results,
    save_saliency,
    sidecar_path,
)

__all__ = [
    "ON_SUBJECT_MIN", "PlacedMap", "SaliencyRecorder", "SaliencySet", "WindowCam",
    "attach_saliency", "explain_window", "feature_maps", "grad_cam", "load_saliency", "place", "pool_maps",
    "saliency_for_results", "save_saliency", "sidecar_path", "subject_box",
]
