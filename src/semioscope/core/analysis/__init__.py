"""One analysis of one video: a typed request in, typed results out.

    request = AnalysisRequest(video=path, crop=crop, span=Span(onset_s, offset_s),
                              model=ModelChoice(classifier=path), options=RuntimeOptions())
    results = analyze(request, progress, cancel)          # core/results: Results

Rooms, in the order a request walks them: ``request`` (what is asked), ``checks`` (what is
refused before the first window), ``engine`` (the networks: a backbone and a ``Classifier``,
torch or OpenVINO), ``run`` (windows -> features -> P(TLE)), ``decision`` (the decision rule:
label per window, the seizure-level verdict), ``provenance`` (what the result records of how
it was made).
"""

from semioscope.core.analysis.progress import Progress, ProgressSink
from semioscope.core.analysis.provenance import truncated_warning
from semioscope.core.analysis.request import AnalysisRequest, ModelChoice, RuntimeOptions, Span
from semioscope.core.analysis.run import PartialSink, analyze, analyze_explained
from semioscope.core.results.decision import confidence_for, label_for, seizure_verdict

__all__ = ["AnalysisRequest", "ModelChoice", "PartialSink",
           "Progress", "ProgressSink", "RuntimeOptions", "Span", "analyze", "analyze_explained",
           "confidence_for", "label_for", "seizure_verdict", "truncated_warning"]
