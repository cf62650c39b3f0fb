"""The colours of the notes above the windows' content, one place for both windows."""

from __future__ import annotations

#: what a run is (the demo says what it is with it)
BANNER_STYLE = ("background:#fff3cd;color:#5d4200;border:1px solid #e0b84c;"
                "font-weight:bold;padding:4px 8px;")
#: what is unusual or unsafe (a truncated video, an untrained detector)
WARNING_STYLE = ("background:#ffe0b2;color:#7a2e00;border:1px solid #e65100;"
                 "font-weight:bold;padding:4px 8px;")
#: why Analyse cannot run, or what its results will not be (no weights, untrained backbone)
BLOCKER_STYLE = ("background:#ffcdd2;color:#7f0000;border:1px solid #c62828;"
                 "font-weight:bold;padding:4px 8px;")
