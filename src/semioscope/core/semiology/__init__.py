"""Semiology events: what the patient does, in HED-SCORE terms, beside the scores (no Qt).

    vocab = load_vocabulary()                     # HED-SCORE 2.1.0 terms + the site's own
    event = SemiologyEvent(onset_s=12.0, term="versive", laterality="left")
    vocab.hed_string(event.term, event.laterality, event.body_part)  # "(Semiology-versive, Left)"

Events live in the per-video review state (core/video_state.py) and in projects
(core/project/events.py); ``tsv`` reads and writes BIDS events files and BORIS exports, ``bids``
writes a BIDS dataset, ``agreement`` compares two reviewers.
"""

from semioscope.core.semiology.events import SemiologyEvent, chronological
from semioscope.core.semiology.vocabulary import Term, Vocabulary, load_vocabulary

__all__ = ["SemiologyEvent", "Term", "Vocabulary", "chronological", "load_vocabulary"]
