"""Training and evaluation on cached features (issue 5).

manifest (CSV of seizures) -> cache (backbone features per seizure) -> dataset (arrays) ->
train (one fit) / cv (patient-grouped folds, report) / search (nested random search) ->
export (the classifier file with threshold, band and CV metrics).
"""
