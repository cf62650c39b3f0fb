"""The demo's notes: what it changes from the paper's data and training, and why.

Printed by the demo, written into its training config, and quoted by bench/bench_learnability.py;
kept apart so demo.py holds only the steps."""

#: what the demo's (and bench/bench_learnability.py's) synthetic data changed, and why
DATA_NOTE = (
    "synthetic data, generator version 2: FLE (hypermotor) seizures made more vigorous than in "
    "version 1 (bursts never below 60 % of their peak, vigour 1.0-1.3 instead of 0.7-1.0, "
    "trunk rocking about 1.7x larger), because the untrained backbone carried version 1's "
    "motion difference too weakly to learn it (bench/RESULTS.md); one seizure each of 32 "
    "patients instead of two of 16 (same number of windows)")

#: the setting on the pretrained backbone, and why (bench/RESULTS.md, #25)
HARD_NOTE = (
    "with the pretrained I3D the demo uses the hard synthetic setting (smaller FLE movements, "
    "TLE that moves more, more variety, a nurse at the bedside in half the videos): on version "
    "2 the pretrained features made the task trivial (cv F1 1.00), on the hard setting they "
    "still learn it (window F1 0.98) where the random backbone does not (0.58)")

#: what the demo (and bench/bench_learnability.py) change from the paper's training, and why
SMALL_DATA_NOTE = (
    "classifier settings for small data: inputs standardised with the training windows' mean "
    "and std, a smaller network (LSTM 32 and 16 units, dense 16 and 8), batch 32, a fixed 40 "
    "epochs (no early stopping on a hold-out of two or three patients), one thread (the "
    "network is so small that a second thread only adds waiting, badly so on a busy machine); "
    "batch-norm statistics recomputed over the training windows (always)")
#: the demo's uncertain band, chosen on its own out-of-fold CV scores, and why
BAND_NOTE = (
    "uncertain band: the narrowest band around the threshold outside which every out-of-fold "
    "seizure verdict of the demo's cross-validation was right (seizure precision target 1.0 "
    "instead of semioscope's 0.9); at 0.9 the demo's CV reaches the target at the threshold "
    "itself and the band would be empty. When no band reaches it (a wrong verdict far from "
    "the threshold), the rule falls back to [0, 1]: every seizure uncertain")
