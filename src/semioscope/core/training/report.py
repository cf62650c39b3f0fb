"""The cross-validation report folder: cv.json, CSV tables, PNG plots and summary.md.

``cv.json`` contract: ``folds`` (each with ``train_patients``, ``val_patients`` and ``metrics``
per ``window``/``seizure``/``patient``), ``summary`` (per level: ``f1_macro``,
``precision_macro``, ``recall_macro``, ``roc_auc``, ``balanced_accuracy``, each ``mean``/``std``),
``config``, ``data`` (patients and seizures per class), plus ``pooled``, ``bootstrap_ci95``,
``calibration``, ``aggregation``, ``decision``, ``notes``.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from semioscope import __version__
from semioscope.core.atomic import atomic_path, write_json, write_text
from semioscope.core.results import band_text, has_band, prob_text
from semioscope.core.training.dataset import FeatureSet
from semioscope.core.training.metrics import LEVELS, SUMMARY_METRICS

PAPER = {"f1_macro": "0.844 ± 0.042", "precision_macro": "0.857 ± 0.042",
         "recall_macro": "0.838 ± 0.041", "roc_auc": "0.90 ± 0.04"}
CAVEAT = ("These numbers come from synthetic videos and/or an untrained (random) backbone: "
          "they test the software and say nothing about clinical accuracy.")


def notes_for(result: dict[str, Any], synthetic: bool) -> list[str]:
    """Plain statements of what the numbers are (written into cv.json and summary.md)."""
    cfg = result["config"]
    notes = [f"Folds: {len(result['folds'])}, {result['fold_method']}, grouped by patient "
             "(no patient in both training and validation).",
             "Per-fold metrics use threshold 0.5 (as the paper); the exported threshold and "
             "uncertain band were chosen on these same out-of-fold scores, so their precision "
             "is optimistic."]
    if cfg["stopping"] == "paper":
        notes.append("Best epoch chosen on each validation fold itself (as the paper): "
                     "the estimate is optimistic.")
    else:
        notes.append(f"Best epoch chosen by '{cfg['stopping']}' on training patients only; "
                     "validation patients were never used for any choice.")
    if synthetic or not result["features"].get("backbone_pretrained", False):
        notes.append(CAVEAT)
    return notes


def write_cv_report(result: dict[str, Any], data: FeatureSet, out: str | Path, *,
                    synthetic: bool = False) -> Path:
    """Write the whole folder; every file atomically. Returns the cv.json path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = {**result, "notes": notes_for(result, synthetic), "synthetic": synthetic,
              "software_version": __version__,
              "created": datetime.now(UTC).isoformat(timespec="seconds")}
    preds = result.pop("predictions")
    write_text(out / "predictions.csv", _predictions_csv(data, preds))
    write_text(out / "folds.csv", _folds_csv(result))
    _plots(result, data, preds, out)
    write_text(out / "summary.md", summary_markdown(result))
    write_json(out / "cv.json", result)
    return out / "cv.json"


def _predictions_csv(data: FeatureSet, preds: dict[str, np.ndarray]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["patient_id", "seizure_id", "label", "start_s", "fold", "p_tle"])
    for i in range(len(data)):
        w.writerow([data.patient[i], data.seizure[i], "TLE" if data.y[i] else "FLE",
                    f"{data.start_s[i]:.3f}", int(preds["fold"][i]), f"{preds['p_tle'][i]:.6f}"])
    return buf.getvalue()


def _folds_csv(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["fold", "level", *SUMMARY_METRICS, "n", "tn", "fp", "fn", "tp"])
    for f in result["folds"]:
        for level in LEVELS:
            m = f["metrics"][level]
            w.writerow([f["fold"], level, *(f"{m[k]:.4f}" for k in SUMMARY_METRICS), m["n"],
                        *np.ravel(m["confusion"]).tolist()])
    return buf.getvalue()


def _fmt(cell: dict[str, float]) -> str:
    return f"{cell['mean']:.3f} ± {cell['std']:.3f}"


def summary_markdown(result: dict[str, Any]) -> str:
    """Results beside the paper's, with the caveats spelled out."""
    s, d, dec = result["summary"], result["data"], result["decision"]
    lines = ["# Cross-validation report", "",
             f"Data: FLE {d['FLE']['patients']} patients / {d['FLE']['seizures']} seizures / "
             f"{d['FLE']['windows']} windows; TLE {d['TLE']['patients']} / "
             f"{d['TLE']['seizures']} / {d['TLE']['windows']}. Backbone "
             f"{result['features'].get('backbone')} (pretrained: "
             f"{result['features'].get('backbone_pretrained')}).", "",
             "| metric (macro) | window | seizure | patient | paper (window) |", "|---|---|---|---|---|"]
    for name in SUMMARY_METRICS:
        lines.append(f"| {name} | " + " | ".join(_fmt(s[lv][name]) for lv in LEVELS)
                     + f" | {PAPER.get(name, '–')} |")
    ci = result["bootstrap_ci95"]
    lines += ["", "95% bootstrap CIs (patients resampled, pooled out-of-fold scores): " + "; ".join(
        f"{lv} F1 [{ci[lv]['f1_macro'][0]:.3f}, {ci[lv]['f1_macro'][1]:.3f}], AUC "
        f"[{ci[lv]['roc_auc'][0]:.3f}, {ci[lv]['roc_auc'][1]:.3f}]" for lv in LEVELS) + ".",
        "", f"Seizure verdict by {result['aggregation']['used']} window score; macro F1 mean "
        f"{_fmt(result['aggregation']['seizure_mean']['f1_macro'])} vs majority vote "
        f"{_fmt(result['aggregation']['seizure_vote']['f1_macro'])}.",
        f"Calibration: window ECE {result['calibration']['window']['ece']:.3f}, seizure ECE "
        f"{result['calibration']['seizure']['ece']:.3f} (10 bins).", "",
        f"Decision rule: threshold {prob_text(dec['threshold'])}; {band_text(dec['band'])} "
        f"(seizure precision target "
        f"{dec['target']:.2f}, {'reached' if dec['reached'] else 'NOT reached'}); "
        + (f"{dec['n_in_band']} of {dec['n']} seizures fall in the band." if has_band(dec['band'])
           else "the target holds at the threshold itself, so no seizure is called uncertain."),
        "",
        "The paper's figures are window-level means ± std over 5 patient-grouped folds "
        "(35 patients, 126 seizures, pretrained I3D): compare them with the window column only.",
        "", "## Notes", *[f"- {n}" for n in result["notes"]], ""]
    return "\n".join(lines)


def _plots(result: dict[str, Any], data: FeatureSet, preds: dict[str, np.ndarray],
           out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve

    fig, ax = plt.subplots(figsize=(5, 5))
    for k in range(len(result["folds"])):
        m = preds["fold"] == k
        if len(np.unique(data.y[m])) == 2:
            fpr, tpr, _ = roc_curve(data.y[m], preds["p_tle"][m])
            ax.plot(fpr, tpr, label=f"fold {k}")
    ax.plot([0, 1], [0, 1], "k:", lw=1)
    ax.set(xlabel="false positive rate (FLE called TLE)", ylabel="true positive rate (TLE)",
           title="ROC per fold (windows)")
    ax.legend(loc="lower right")
    _save(fig, out / "roc.png")
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    for ax, level in zip(axes, LEVELS, strict=True):
        cm = np.array(result["pooled"][level]["confusion"])
        ax.imshow(cm, cmap="Blues")
        for (i, j), v in np.ndenumerate(cm):
            ax.text(j, i, str(v), ha="center", va="center")
        ax.set(xticks=[0, 1], yticks=[0, 1], xticklabels=["FLE", "TLE"],
               yticklabels=["FLE", "TLE"], xlabel="predicted", ylabel="true", title=level)
    _save(fig, out / "confusion.png")
    fig, ax = plt.subplots(figsize=(5, 5))
    for level in ("window", "seizure"):
        bins = [b for b in result["calibration"][level]["bins"] if b["n"]]
        ax.plot([b["mean_p_tle"] for b in bins], [b["fraction_tle"] for b in bins], "o-",
                label=f"{level} (ECE {result['calibration'][level]['ece']:.3f})")
    ax.plot([0, 1], [0, 1], "k:", lw=1)
    ax.set(xlabel="mean P(TLE)", ylabel="fraction TLE", title="Reliability")
    ax.legend()
    _save(fig, out / "reliability.png")


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
