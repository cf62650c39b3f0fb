"""The report's "Semiology" section: the reviewer's events in order, and their lane on the plot.

The events carry no identifiers (times and standard terms), so a de-identified report keeps them;
it drops only who marked them. Notes are free text a person typed and are not printed here.
"""

from __future__ import annotations

from typing import Any

from semioscope.core.semiology.events import (
    SemiologyEvent,
    chronological,
    format_since,
    since_onset,
)

HEAD = ("From onset", "Sign (HED-SCORE)", "Side", "Body part", "Reviewer")
WITHHELD = "withheld"


def sequence_rows(events: tuple[SemiologyEvent, ...], clinical_onset_s: float | None, *,
                  deidentify: bool) -> list[tuple[str, str, str, str, str]]:
    """One row per event, in the order they happened."""
    rows = []
    for e in chronological(events):
        when = format_since(since_onset(e, clinical_onset_s))
        if not e.is_point:
            when += f" for {e.duration_s:.1f} s"
        rows.append((when, e.term.replace("-", " "), e.laterality or "\u2014",
                     e.body_part or "\u2014", WITHHELD if deidentify else (e.reviewer or "\u2014")))
    return rows


def abbreviation(term: str, width: int = 10) -> str:
    """A term short enough for a lane label: ``tonic-clonic-with-…`` -> ``tonic-clon…``."""
    return term if len(term) <= width else term[: width - 1] + "\u2026"


def draw_lane(ax: Any, events: tuple[SemiologyEvent, ...], onset_s: float) -> None:
    """Events on their own lane (intervals as bars, points as ticks) against time from onset."""
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelbottom=False, length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    rows = 2
    for i, e in enumerate(chronological(events)):
        y = 0.62 - 0.42 * (i % rows)
        start = e.onset_s - onset_s
        if e.is_point:
            ax.plot([start], [y], marker="v", color="#b15928", ms=5, zorder=3)
        else:
            ax.broken_barh([(start, e.duration_s or 0.0)], (y - 0.13, 0.26),
                           facecolors="#fdbf6f", edgecolors="#b15928", lw=0.6, zorder=2)
        side = {"left": " L", "right": " R", "bilateral": " B", "axial": " ax",
                "generalised": " gen"}.get(e.laterality, "")
        ax.text(start + 0.1, y + 0.17, abbreviation(e.term) + side, fontsize=6.5,
                color="#6a3d00", va="bottom", clip_on=True)
    ax.text(-0.01, 0.5, "signs", transform=ax.transAxes, ha="right", va="center", fontsize=7.5,
            color="#6a3d00")


def saved_events(results: Any) -> tuple[SemiologyEvent, ...]:
    """The events marked on the analysed video (its review state, by content hash): what the
    report command and the review window's report both show."""
    from semioscope.core.video_state import load_state

    sha = getattr(getattr(results, "video", None), "sha256", None)
    return load_state(sha).events if isinstance(sha, str) and len(sha) == 64 else ()
