"""`semioscope events` as a person runs it, on a 3-patient synthetic project: import, list,
export as BIDS (valid by hedtools and by the BIDS validator), import back (identical), agree."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from semioscope.core.project import ProjectStore
from tests.core.crop.scenes import write_scene

A_TSV = ("onset\tduration\ttrial_type\tlaterality\tbody_part\tnote\n"
         "0.3\t0\tversive\tleft\tn/a\thead to the left\n"
         "0.5\t0.6\tSemiology-hypermotor\tbilateral\tleg\tn/a\n"
         "0.9\t0.2\tdystonic\tright\tarm\tn/a\n")
B_TSV = ("onset\tduration\ttrial_type\n0.4\t0\tversive\n0.6\t0.5\thypermotor\n"
         "1.0\t0\toroalimentary\n")


def semioscope(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "semioscope", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once (tests only read it, or copy it before they change it), with its own user
    folders: a module fixture runs before the per-test isolation of conftest."""
    tmp_path = tmp_path_factory.mktemp("events")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SEMIOSCOPE_CACHE_DIR", str(tmp_path / "cache"))
        env.setenv("SEMIOSCOPE_DATA_DIR", str(tmp_path / "user-data"))
        return _build(tmp_path)


def _build(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    lines = ["video,patient_id,seizure_id,label,onset_s,offset_s"]
    for i in range(3):
        write_scene(data / f"sz{i}.mkv", n=12, seed=i)
        lines.append(f"sz{i}.mkv,P-{i + 1:02d},S{i + 1},{'FLE' if i % 2 else 'TLE'},0.2,1.0")
    (data / "manifest.csv").write_text("\n".join(lines) + "\n")
    out = semioscope("project", "create", str(tmp_path / "proj"), "--manifest",
                     str(data / "manifest.csv"))
    assert out.returncode == 0, out.stderr
    (tmp_path / "a.tsv").write_text(A_TSV)
    (tmp_path / "b.tsv").write_text(B_TSV)
    for seizure in ("S1", "S2"):
        out = semioscope("events", "import", str(tmp_path / "a.tsv"), "--into",
                         str(tmp_path / "proj"), "--seizure", seizure, "--reviewer", "ann")
        assert out.returncode == 0, out.stderr
    out = semioscope("events", "import", str(tmp_path / "b.tsv"), "--into",
                     str(tmp_path / "proj"), "--seizure", "S1", "--reviewer", "bob")
    assert out.returncode == 0, out.stderr
    return tmp_path / "proj"


def _hed_issues(hed: str, schema) -> list[str]:
    from hed.models import HedString
    from hed.validator import HedValidator

    return [i["code"] for i in HedValidator(schema).validate(HedString(hed, schema),
                                                             allow_placeholders=False)]


def test_list_import_audit_and_export(project: Path, tmp_path: Path):
    listed = semioscope("events", "list", str(project), "--json")
    assert listed.returncode == 0, listed.stderr
    seizures = {s["seizure_id"]: s for s in json.loads(listed.stdout)}
    assert [len(seizures[k]["events"]) for k in ("S1", "S2", "S3")] == [6, 3, 0]
    first = seizures["S1"]["events"][0]
    assert (first["term"], first["laterality"], first["reviewer"]) == ("versive", "left", "ann")
    assert first["since_onset_s"] == pytest.approx(0.1)  # the span starts at 0.2 s
    with ProjectStore.open(project, read_only=True) as store:
        assert len(store.audit("events")) == 9

    again = semioscope("events", "import", str(project.parent / "a.tsv"), "--into", str(project),
                       "--seizure", "S1", "--reviewer", "ann")
    assert "0 new of 3" in again.stdout        # the same events twice are kept once

    bids = tmp_path / "bids"
    out = semioscope("events", "export", str(project), "--bids", str(bids))
    assert out.returncode == 0, out.stderr
    runs = sorted(p.relative_to(bids).as_posix() for p in bids.rglob("*_events.tsv"))
    assert runs == [f"sub-P{i:02d}/beh/sub-P{i:02d}_task-seizure_run-1_events.tsv"
                    for i in (1, 2, 3)]
    rows = list(csv.DictReader((bids / runs[0]).open(), delimiter="\t"))
    assert list(rows[0])[:6] == ["onset", "duration", "trial_type", "laterality", "body_part",
                                 "HED"]
    desc = json.loads((bids / "dataset_description.json").read_text())
    assert desc["HEDVersion"] == ["8.4.0", "score_2.1.0"]
    participants = (bids / "participants.tsv").read_text().split()
    assert participants == ["participant_id", "sub-P01", "sub-P02", "sub-P03"]
    sidecar = json.loads((bids / runs[0].replace("_events.tsv", "_video.json")).read_text())
    assert (sidecar["Width"], sidecar["Height"], sidecar["FrameRate"]) == (128, 96, 10.0)
    assert sidecar["SeizureID"] == "S1"
    columns = json.loads((bids / runs[0].replace(".tsv", ".json")).read_text())
    assert "HED-SCORE Semiology-versive" in columns["trial_type"]["Levels"]["versive"]
    text = "\n".join(p.read_text() for p in bids.rglob("*") if p.is_file())
    assert str(project.parent) not in text     # no video paths leave with the dataset

    # every exported HED string is valid HED-SCORE by hedtools
    hed = pytest.importorskip("hed")
    schema = hed.schema.load_schema_version(desc["HEDVersion"][1])
    strings = [r["HED"] for run in runs for r in csv.DictReader((bids / run).open(),
                                                                 delimiter="\t")]
    assert len(strings) == 9 and all(_hed_issues(s, schema) == [] for s in strings)


@pytest.mark.skipif(shutil.which("bids-validator-deno") is None
                    and not (Path(sys.executable).parent / "bids-validator-deno").exists(),
                    reason="bids-validator-deno not installed (dev extra)")
def test_export_passes_the_bids_validator_and_round_trips(project: Path, tmp_path: Path):
    bids = tmp_path / "bids"
    assert semioscope("events", "export", str(project), "--bids", str(bids)).returncode == 0
    tool = shutil.which("bids-validator-deno") or str(Path(sys.executable).parent /
                                                      "bids-validator-deno")
    run = subprocess.run([tool, str(bids), "--json"], capture_output=True, text=True,
                         timeout=300)
    report = json.loads(run.stdout)
    errors = [i for i in report["issues"]["issues"] if i["severity"] == "error"]
    assert errors == [] and run.returncode == 0
    # the validator does check our HED column: a wrong tag is an error
    broken = tmp_path / "broken"
    shutil.copytree(bids, broken)
    events = next(broken.rglob("sub-P01_*_events.tsv"))
    events.write_text(events.read_text().replace("Semiology-versive", "Semiology-versivo"))
    run = subprocess.run([tool, str(broken), "--json"], capture_output=True, text=True,
                         timeout=300)
    assert "HED_ERROR" in {i["code"] for i in json.loads(run.stdout)["issues"]["issues"]}

    # round trip: a fresh project, each file imported by the seizure its sidecar names
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("*.lock", "*-wal", "*-shm"))
    with ProjectStore.open(fresh) as store:
        store.conn.execute("DELETE FROM events")
    for events_file in sorted(bids.rglob("*_events.tsv")):
        out = semioscope("events", "import", str(events_file), "--into", str(fresh))
        assert out.returncode == 0, out.stderr
    again = tmp_path / "again"
    assert semioscope("events", "export", str(fresh), "--bids", str(again)).returncode == 0
    for path in sorted(p for p in bids.rglob("*") if p.is_file()):
        assert (again / path.relative_to(bids)).read_bytes() == path.read_bytes(), path


def test_agreement_between_two_reviewers_of_one_project(project: Path):
    out = semioscope("events", "agree", f"{project}@ann", f"{project}@bob", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    s1 = next(s for s in report["seizures"] if s["seizure"] == "S1")
    terms = {t["term"]: t for t in s1["terms"]}
    assert (terms["versive"]["matched"], terms["hypermotor"]["matched"]) == (1, 1)
    assert terms["dystonic"]["recall"] == 0.0 and terms["oroalimentary"]["precision"] == 0.0
    assert s1["f1"] == pytest.approx(2 * 2 / 6)
    text = semioscope("events", "agree", f"{project}@ann", f"{project}@bob")
    assert "S1: F1  0.67" in text.stdout


def test_bad_input_is_one_line_exit_2(project: Path, tmp_path: Path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("onset\tduration\ttrial_type\n1\t0\tflailing\n")
    out = semioscope("events", "import", str(bad), "--into", str(project), "--seizure", "S1")
    assert out.returncode == 2
    assert out.stderr.startswith("semioscope: error: ") and "bad.tsv" in out.stderr
    assert "flailing" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    out = semioscope("events", "import", str(project.parent / "a.tsv"), "--into", str(project),
                     "--seizure", "S9")
    assert out.returncode == 2 and "no seizure 'S9'" in out.stderr
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    out = semioscope("events", "export", str(project), "--bids", str(tmp_path / "other"))
    assert out.returncode == 2 and "not a semioscope BIDS export" in out.stderr


def test_a_single_video_round_trip(tmp_path: Path):
    video = tmp_path / "v.mkv"
    write_scene(video, n=12)
    (tmp_path / "a.tsv").write_text(A_TSV)
    out = semioscope("events", "import", str(tmp_path / "a.tsv"), "--into", str(video))
    assert out.returncode == 0, out.stderr
    out = semioscope("events", "export", str(video), "--bids", str(tmp_path / "b"))
    assert out.returncode == 0, out.stderr
    sidecar = json.loads(next((tmp_path / "b").rglob("*_video.json")).read_text())
    assert sidecar["VideoCodec"] == "ffv1" and sidecar["Width"] == 128
    listed = json.loads(semioscope("events", "list", str(video), "--json").stdout)
    assert [e["term"] for e in listed[0]["events"]] == ["versive", "hypermotor", "dystonic"]


def test_events_marked_on_a_project_video_go_into_the_project(project: Path, tmp_path: Path):
    """The review window saves events with the video's review state; importing the video puts
    them into the project (found by its hash), with audit rows."""
    from semioscope.core.hashing import file_sha256
    from semioscope.core.semiology import SemiologyEvent
    from semioscope.core.video_state import VideoState, save_state

    copy = tmp_path / "proj"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("*.lock"))
    video = project.parent / "data" / "sz2.mkv"
    marked = (SemiologyEvent(onset_s=0.4, term="gelastic", reviewer="cy"),)
    env = {"SEMIOSCOPE_DATA_DIR": str(tmp_path / "ud")}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        save_state(VideoState(file_sha256(video), events=marked))
        out = semioscope("events", "import", str(video), "--into", str(copy))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("S3: 1 events")
    with ProjectStore.open(copy, read_only=True) as store:
        row = next(r for r in store.rows() if r.seizure_id == "S3")
        from semioscope.core.project.events import read_events
        assert [(e.term, e.reviewer) for e in read_events(store, row.id)] == [("gelastic", "cy")]
        assert store.audit("events")[-1].new is not None
