"""The project store: a folder with ``project.sqlite`` holding a dataset's videos, crops, spans,
analysis results and an append-only audit trail (stdlib sqlite3, WAL, synchronous=FULL).

    store = create_project("proj", manifest="dataset/manifest.csv")
    crop_project(store, load_detector("truth"))         # resumable; each video committed
    export_manifest(store, "confirmed.csv")             # ok + corrected crops only
    store.write_crop(row.id, accepted(row.crop))        # a person's edit (core/crop/editing.py)

Importing this package imports neither torch nor Qt.
"""

from __future__ import annotations

from semioscope.core.project.create import VIDEO_EXTENSIONS, create_project
from semioscope.core.project.lock import ProjectLock, current_user
from semioscope.core.project.model import CONFIRMED_STATUSES, HUMAN_STATUSES, AuditEntry, VideoRow
from semioscope.core.project.schema import CROP_STATUSES, SCHEMA_VERSION
from semioscope.core.project.store import DB_NAME, NewVideo, ProjectStore, is_project

__all__ = [
    "CONFIRMED_STATUSES", "CROP_STATUSES", "DB_NAME", "HUMAN_STATUSES", "SCHEMA_VERSION",
    "VIDEO_EXTENSIONS", "AuditEntry", "NewVideo", "ProjectLock", "ProjectStore", "VideoRow",
    "create_project", "current_user", "is_project",
]
