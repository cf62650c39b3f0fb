"""The crop detector in a model pack: converted by ``models export``, run without torch.

The session's pack (``model_pack``, :mod:`tests.packs`) carries Faster R-CNN MobileNet with
lively random weights in the official format. Its OpenVINO boxes must lie within 0.5 px of the
torch detector's on the same frames, and ``semioscope crop --pack``, run where importing torch
fails, must give the crop status and box that the torch path gives.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from semioscope.cli import main
from semioscope.core.crop import auto_crop, load_detector, mapped_rgb
from semioscope.core.hashing import file_sha256
from semioscope.core.runtime.pack import ModelPack
from semioscope.core.video import mapping_for, open_video
from tests.commands.test_pack_cli import _cli_without_torch
from tests.packs import DETECTOR, DETECTOR_MIN_SIZE, crop_video, detector_weights


@pytest.fixture(scope="module")
def torch_detector(model_pack):
    pack, _ = model_pack
    return load_detector(DETECTOR, detector_weights(pack), threads=2, min_size=DETECTOR_MIN_SIZE)


def test_manifest_hashes_the_detector(model_pack) -> None:
    pack, _ = model_pack
    manifest = json.loads((pack / "manifest.json").read_text())
    entry = manifest["detector"]
    assert entry["name"] == DETECTOR and entry["ir"] == "detector.xml"
    assert entry["weights_sha256"] == file_sha256(detector_weights(pack))
    assert entry["pretrained"] is True and entry["min_size"] == DETECTOR_MIN_SIZE
    assert entry["categories"][1] == "person" and entry["categories"][65] == "bed"
    assert "not the official file" in entry["warnings"][0]
    for name in ("detector.xml", "detector.bin"):
        assert manifest["files"][name] == file_sha256(pack / name)


def test_openvino_boxes_within_half_a_pixel_of_torch(model_pack, torch_detector) -> None:
    pack, _ = model_pack
    detector = ModelPack.open(pack).detector(threads=2)
    compared = 0
    with open_video(crop_video(pack)) as reader:
        mapping = mapping_for(reader, "kinect")
        frames = [mapped_rgb(reader.read(i), mapping) for i in (0, 20, 44)]
        # another size than the trace's 424 x 512: the IR's resizing must follow the frame
        frames.append(np.ascontiguousarray(frames[1][40:340, 30:430]))
        for rgb in frames:
            with torch.inference_mode():
                image = torch.from_numpy(rgb).permute(2, 0, 1).float() / 255.0
                want = torch_detector.model([image])[0]
            boxes, labels, scores = detector.raw(rgb)
            assert boxes.shape == tuple(want["boxes"].shape) and len(boxes) > 0
            np.testing.assert_array_equal(labels, want["labels"].numpy())
            assert np.abs(boxes - want["boxes"].numpy()).max() < 0.5
            assert np.abs(scores - want["scores"].numpy()).max() < 1e-3
            compared += len(boxes)
    assert compared >= 40


def test_crop_with_the_pack_without_torch_matches_torch(model_pack, torch_detector,
                                                         tmp_path) -> None:
    pack, _ = model_pack
    video = crop_video(pack)
    with open_video(video) as reader:
        want = auto_crop(reader, torch_detector, mapping=mapping_for(reader, "kinect"))
    out = tmp_path / "crop.json"
    rc, stdout, err = _cli_without_torch(["crop", str(video), "--pack", str(pack),
                                          "--threads", "2", "--out", str(out),
                                          "--preview", str(tmp_path / "crop.png")], tmp_path)
    assert rc == 0, err
    got = json.loads(out.read_text())
    assert want.box is not None and got["box"] is not None
    assert got["status"] == want.status and tuple(got["reasons"]) == want.reasons
    assert "no_person" not in got["reasons"] and "no_bed" not in got["reasons"]
    # detections are whole pixels (floor/ceil of the float corners): 0.5 px can move one by 1
    assert max(abs(got["box"][k] - getattr(want.box, k)) for k in "xywh") <= 1
    assert got["detector"] == {"name": DETECTOR, "weights_sha256": want.detector.weights_sha256,
                               "pretrained": True}
    assert [len(f["detections"]) for f in got["frames"]] == [len(f.detections)
                                                             for f in want.frames]
    assert "not the official file" in err and f"crop {got['box']['x']}," in stdout
    assert (tmp_path / "crop.png").read_bytes().startswith(b"\x89PNG")


def test_a_random_pack_detector_needs_the_flag(model_pack, tmp_path, capsys) -> None:
    pack, _ = model_pack
    copy = tmp_path / "pack"
    shutil.copytree(pack, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["detector"]["pretrained"] = False
    (copy / "manifest.json").write_text(json.dumps(manifest))
    video = crop_video(pack)
    args = ["crop", str(video), "--pack", str(copy), "--out", str(tmp_path / "c.json")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "random weights" in err and "--allow-untrained" in err
    assert main([*args, "--weights", str(detector_weights(pack))]) == 2
    assert "not with --pack" in capsys.readouterr().err
    assert main([*args, "--detector", "maskrcnn"]) == 2
    assert "the pack's detector is fasterrcnn-mobilenet" in capsys.readouterr().err
    assert not (tmp_path / "c.json").exists()


def test_a_pack_without_detector_says_so(model_pack, tmp_path, capsys) -> None:
    pack, _ = model_pack
    copy = tmp_path / "pack"
    shutil.copytree(pack, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["detector"] = None
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert main(["crop", str(crop_video(pack)), "--pack", str(copy),
                 "--out", str(tmp_path / "c.json")]) == 2
    assert "has no crop detector" in capsys.readouterr().err


def test_export_detector_options_need_a_detector(model_pack, tmp_path, capsys) -> None:
    _, semio = model_pack
    out = tmp_path / "p"
    assert main(["models", "export", str(semio), "--out", str(out), "--allow-untrained",
                 "--detector-min-size", "128"]) == 2
    assert "need --detector" in capsys.readouterr().err and not out.exists()




def test_project_crop_with_the_pack_without_torch(model_pack, torch_detector, tmp_path) -> None:
    from semioscope.core.project import ProjectStore

    pack, _ = model_pack
    videos = tmp_path / "videos"
    videos.mkdir()
    shutil.copyfile(crop_video(pack), videos / "crop.mkv")
    proj = tmp_path / "proj"
    assert main(["project", "create", str(proj), "--scan", str(videos)]) == 0
    rc, stdout, err = _cli_without_torch(["project", "crop", str(proj), "--pack", str(pack),
                                          "--threads", "2"], tmp_path)
    assert rc == 0, err
    with open_video(videos / "crop.mkv") as reader:
        want = auto_crop(reader, torch_detector, mapping=mapping_for(reader, "kinect"))
    with ProjectStore.open(proj) as store:
        (row,) = store.rows()
    assert row.crop.auto_status == want.status and row.crop.reasons == want.reasons
    assert want.box is not None and row.crop.auto_box is not None
    assert max(abs(getattr(row.crop.auto_box, k) - getattr(want.box, k)) for k in "xywh") <= 1
