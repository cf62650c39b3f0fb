"""The engine: video I/O, crop, preprocessing, windows, models, training, reports' data.

Nothing under ``semioscope.core`` may import Qt (a test enforces it): the CLI and the GUI are
thin front-ends over these functions.
"""
