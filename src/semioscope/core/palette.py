"""The one palette of the verdict labels, for the review window's bars and the PDF report alike.

Okabe & Ito's colour-blind safe pair (vermillion TLE, blue FLE) and a mid grey for "uncertain"
that reads both as text on white paper and as a bar on the timeline's dark background.
"""

from __future__ import annotations

LABEL_COLOURS: dict[str, str] = {"TLE": "#d55e00", "FLE": "#0072b2", "uncertain": "#7a7a7a"}
#: anything without a label of its own (a window not scored)
OTHER_COLOUR = "#7a7a7a"


def label_colour(label: object) -> str:
    return LABEL_COLOURS.get(str(label), OTHER_COLOUR)
