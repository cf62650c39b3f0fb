"""The engine: video I/O, crop, preprocessing, windows, models, training, reports' data.

Nothing under ``semioscope.core`` may import Qt (a test enforces it): the CLI and the GUI are
thin front-ends over these functions.
"""

#: windows per backbone call (analysis, extraction): I3D's peak memory is about 1.25 / 1.6 / 2.3 GB
#: at batch 1 / 2 / 4 while speed grows slowly with the batch (bench/RESULTS.md); 2 keeps an
#: analysis under 2 GB. Kept here, free of heavy imports, so the CLI's help can quote it.
DEFAULT_BATCH_SIZE = 2
