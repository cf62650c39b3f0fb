"""The documentation's pictures, made from real runs (``make docs-pictures``).

    python -m semioscope.pictures.montage docs         # synthetic seizures, frame by frame
    python -m semioscope.pictures.review docs/screenshot-review.png [--evidence]
    python -m semioscope.pictures.report_pages docs    # the sample case report's pages

Above ``app`` and ``report`` (and the demo whose results they show): nothing imports this.
"""
