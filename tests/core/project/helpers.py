"""Small projects for the store tests: metadata only, or real tiny scene videos."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from semioscope.core.project import NewVideo, ProjectStore
from tests.core.crop.scenes import write_scene


def fake_videos(n: int, folder: Path | None = None) -> list[NewVideo]:
    """``n`` videos that exist only as metadata (paths need not exist)."""
    base = folder or Path("/nowhere")
    return [NewVideo(path=str(base / f"v{i:03d}.mkv"), sha256=f"{i:064x}", size=1000 + i,
                     seizure_id=f"s{i:03d}", patient_id=f"p{i % 7}",
                     label="FLE" if i % 2 else "TLE", frames=300, fps=30.0, width=128,
                     height=96, onset_s=1.0 if i % 3 else None,
                     offset_s=5.0 if i % 3 else None) for i in range(n)]


def scene_dataset(folder: Path, n: int = 3) -> Path:
    """``n`` tiny synthetic videos with truth files and a manifest; returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["video,patient_id,seizure_id,label,onset_s,offset_s"]
    for i in range(n):
        write_scene(folder / f"sz{i}.mkv", n=12, seed=i)
        lines.append(f"sz{i}.mkv,p{i % 2},sz{i},{'FLE' if i % 2 else 'TLE'},0.2,1.0")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n")
    return folder / "manifest.csv"


def fake_project(folder: Path, n: int = 5) -> ProjectStore:
    return ProjectStore.create(folder, fake_videos(n))


def auto_record(store: ProjectStore, video_id: int) -> dict[str, Any] | None:
    """The detector's crop record as the store keeps it (JSON in ``crops.auto_record``)."""
    r = store.conn.execute("SELECT auto_record FROM crops WHERE video_id = ?",
                           (video_id,)).fetchone()
    return json.loads(r[0]) if r and r[0] else None
