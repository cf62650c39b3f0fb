"""The review window's Analyse with a model pack, in a process where torch cannot be imported."""

from __future__ import annotations

import json

from tests.app.conftest import write_video
from tests.torchfree import run_without_torch

#: a review window on the pack in a child process; any error dialog ends it with status 3
WINDOW = """
import json, os, sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from semioscope.app.main_window import MainWindow
from semioscope.app.settings import AppSettings
settings = AppSettings(classifier_path={pack!r}, allow_untrained=True, threads=2, persist=False)
window = MainWindow(settings=settings{window_args})
window.show_error = lambda title, text: (print("ERROR", title, text, flush=True), os._exit(3))
window.show()
started = time.monotonic()
def spin(cond, timeout):
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    return cond()
"""

# no detector, the engine warmed up as users get it
SCRIPT = WINDOW.replace("{window_args}", ", detector_factory=lambda: None") + """
assert window.open_video(Path({video!r}))
assert spin(lambda: window.session is not None and window.session.sha256 is not None, 60)
ready = time.monotonic() - started
window.qactions["analyse"].trigger()
# pressed before the automatic crop is there, Analyse waits for it and then starts by itself
assert spin(lambda: window.session.results is not None
            or not (window.analysis.running or window.analysis_control.waiting), 300)
results = window.session.results
print(json.dumps({{"torch": "torch" in sys.modules, "ready_s": ready,
                   "runtime": results.model.runtime if results else None,
                   "pack": results.model.pack if results else None,
                   "bars": window.timeline.bar_count,
                   "evidence": [window.evidence.toggle.isEnabled(),
                                window.evidence.note.text()],
                   "changed": list(window.analysis_control.trust().changed) if results else None}}))
window.close()
"""


def _run_window(script: str, pack, video, tmp_path) -> dict:
    """Run a window script with torch blocked; the facts it printed last."""
    done = run_without_torch(script.format(pack=str(pack), video=str(video)), cwd=tmp_path,
                             env={"SEMIOSCOPE_CACHE_DIR": str(tmp_path / "cache"),
                                  "SEMIOSCOPE_DATA_DIR": str(tmp_path / "data"),
                                  "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]  # no error dialog
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_analyse_with_a_pack_never_imports_torch(model_pack, tmp_path) -> None:
    pack, _ = model_pack
    video = write_video(tmp_path / "seizure.mkv", 2.5)   # a 60- and a 15-frame window
    facts = _run_window(SCRIPT, pack, video, tmp_path)
    assert facts["torch"] is False
    assert facts["runtime"].startswith("openvino") and facts["bars"] == 2
    assert facts["pack"]["path"] == str(pack)
    assert facts["changed"] == []    # the pack's own classifier and weights: not stale
    enabled, text = facts["evidence"]   # no gradients in a pack: said, not silently absent
    assert not enabled and "not with a model pack" in text


# the default detector lookup, as users get it
CROP_SCRIPT = WINDOW.replace("{window_args}", "") + """
assert window.open_video(Path({video!r}))
assert spin(lambda: window.session is not None and window.session.crop is not None, 120)
crop = window.session.crop
print(json.dumps({{"torch": "torch" in sys.modules, "status": crop.auto_status,
                   "reasons": list(crop.reasons), "full_frame": crop.full_frame,
                   "box": crop.auto_box.to_dict() if crop.auto_box else None,
                   "detector": crop.record.get("detector")}}))
window.close()
"""


def test_auto_crop_with_the_pack_detector_never_imports_torch(model_pack, tmp_path) -> None:
    from semioscope.core.crop import auto_crop, load_detector
    from semioscope.core.video import mapping_for, open_video
    from tests.packs import DETECTOR, DETECTOR_MIN_SIZE, crop_video, detector_weights

    pack, _ = model_pack
    video = crop_video(pack)
    facts = _run_window(CROP_SCRIPT, pack, video, tmp_path)
    assert facts["torch"] is False and facts["full_frame"] is False
    torch_detector = load_detector(DETECTOR, detector_weights(pack), threads=2,
                                   min_size=DETECTOR_MIN_SIZE)
    with open_video(video) as reader:
        want = auto_crop(reader, torch_detector, mapping=mapping_for(reader, "kinect"))
    assert facts["status"] == want.status and tuple(facts["reasons"]) == want.reasons
    assert want.box is not None
    assert max(abs(facts["box"][k] - getattr(want.box, k)) for k in "xywh") <= 1
    assert facts["detector"]["name"] == DETECTOR


def test_dataset_window_batch_crop_uses_the_pack_detector_without_torch(model_pack,
                                                                        tmp_path) -> None:
    """The dataset window's default detector is the settings' pack detector; without torch and
    without a pack it says what to do instead of failing on the missing import."""
    pack, _ = model_pack
    code = f"""
import json, sys
from semioscope.app.settings import AppSettings
from semioscope.app.dataset.window import _default_detector_factory
from semioscope.errors import SemioscopeError
try:
    _default_detector_factory()
    print("no error")
except SemioscopeError as exc:
    print("refused:", exc)
AppSettings(classifier_path={str(pack)!r}, threads=2).save()
detector = _default_detector_factory()
print(json.dumps({{"runtime": detector.runtime, "name": detector.name,
                   "torch": "torch" in sys.modules}}))
"""
    done = run_without_torch(code, cwd=tmp_path, env={"SEMIOSCOPE_DATA_DIR": str(tmp_path / "d"),
                                                      "SEMIOSCOPE_CACHE_DIR": str(tmp_path / "c"),
                                                      "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("refused:") and "pack exported with --detector" in lines[0]
    assert json.loads(lines[-1]) == {"runtime": "openvino", "name": "fasterrcnn-mobilenet",
                                     "torch": False}
