"""Results of an analysis: the typed model, its one JSON reader/writer, and the window index.

``from semioscope.core.results import Results, load_results, save_results`` is all most code
needs; see :mod:`.model` for the classes (and how to add an optional field) and :mod:`.io` for
the file format, its versions and the migration of older files.
"""

from semioscope.core.results.band import (
    BAND_MIN_WIDTH,
    MEAN_AGGREGATION,
    aggregation_text,
    band_text,
    has_band,
    prob_text,
    rule_text,
    shown_aggregation,
)
from semioscope.core.results.index import WindowIndex
from semioscope.core.results.io import (
    RESULTS_FORMAT,
    load_results,
    results_from_dict,
    results_to_dict,
    save_results,
    validate_results,
)
from semioscope.core.results.model import (
    LABELS,
    NO_FILE,
    WEIGHTS_STATUSES,
    CropInfo,
    Inputs,
    MappingInfo,
    PartialResults,
    Provenance,
    Results,
    Saliency,
    SaliencyWindow,
    SpanInfo,
    Summary,
    VideoInfo,
    WindowResult,
    window_number,
)

__all__ = [
    "BAND_MIN_WIDTH", "MEAN_AGGREGATION", "aggregation_text", "band_text", "has_band", "prob_text",
    "rule_text", "shown_aggregation",
    "LABELS", "NO_FILE", "RESULTS_FORMAT", "WEIGHTS_STATUSES", "CropInfo", "Inputs", "MappingInfo",
    "PartialResults", "Provenance", "Results", "Saliency", "SaliencyWindow", "SpanInfo", "Summary", "VideoInfo", "WindowIndex", "WindowResult",
    "load_results", "results_from_dict", "results_to_dict", "save_results", "validate_results", "window_number",
]
