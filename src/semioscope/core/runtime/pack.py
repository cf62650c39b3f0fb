"""A model pack: the networks of one trained model as OpenVINO IR, with a manifest of hashes.

The research team writes it with ``semioscope models export`` (which needs torch); the hospital
copies the folder to the review workstations, whose clinician runtime has no torch. A pack is
used only when every file the manifest lists is present with its recorded SHA-256, and every
result made with it records the pack (its manifest's SHA-256, the converter, the source hashes).

Layout (one folder)::

    manifest.json          format, created, software and converter versions, the entries below
    i3d.xml / i3d.bin      the backbone, fp32, exact for every clip length
    i3d.int8.xml / .bin    the backbone quantised to int8 (only ``--precision int8``)
    classifier.xml / .bin  the trained classifier, fp32
    classifier.semio       the classifier file it came from (metadata; the torch path can use it)
    detector.xml / .bin    the crop detector, when exported

Every file of the folder must be listed, and the trust facts come from the hash-checked
``classifier.semio``, never from editable manifest fields (core/runtime/pack_trust.py). The
manifest is not signed: a hash check proves the files are the ones the manifest names, not who
wrote the manifest. Hospitals compare the manifest's SHA-256 (``semioscope models verify-pack``
prints it, ``--expect`` checks it) with the one the research team reports.

The agreement record per lower precision (:mod:`semioscope.core.export.agreement`; ``models
export --precision bf16|int8``, or ``train --precision-check`` before): measured on the team's
windows, fp32 against that precision, on a named CPU, and saying which seizures it ran on and
whether they were the classifier's training seizures. It lives in the pack's own copy of
``classifier.semio`` (``training.precision_checks``), so the manifest's classifier hash covers
it; the manifest's ``precision_checks`` is a duplicate that must equal it. ``--precision auto`` uses a lower
precision only with such a passed record (:mod:`semioscope.core.runtime.precision`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from semioscope.core.hashing import file_sha256
from semioscope.errors import WeightsError

__all__ = ["MANIFEST", "PACK_FORMAT", "ModelPack", "is_pack", "read_manifest"]

PACK_FORMAT = "semioscope-pack/1"
MANIFEST = "manifest.json"


def is_pack(path: str | Path) -> bool:
    """True for a pack folder or its ``manifest.json``."""
    path = Path(path)
    return (path / MANIFEST).is_file() or (path.name == MANIFEST and path.is_file())


def read_manifest(path: str | Path) -> tuple[Path, Path, dict[str, Any]]:
    """``(folder, manifest path, manifest)`` of the pack at ``path`` (folder or manifest), the
    manifest checked for its format, every key and type, and file names that stay in the
    folder; WeightsError otherwise. The one reader of a pack's manifest: :meth:`ModelPack.open`
    goes on to check the files' hashes, the review window's staleness check stops here."""
    path = Path(path)
    folder = path.parent if path.name == MANIFEST and path.is_file() else path
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise WeightsError(folder, f"not a model pack (no {MANIFEST}); make one with "
                           "`semioscope models export`")
    from semioscope.core.inputs import read_text

    try:
        manifest = json.loads(read_text(manifest_path, "pack manifest", limit=2**20))
    except (RecursionError, ValueError) as exc:
        raise WeightsError(manifest_path, f"unreadable pack manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
        got = manifest.get("format") if isinstance(manifest, dict) else None
        raise WeightsError(manifest_path, f"pack format {got!r}, expected {PACK_FORMAT!r}")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise WeightsError(manifest_path, "the manifest lists no files")
    from semioscope.core.runtime import pack_trust

    pack_trust.check_schema(manifest, manifest_path)
    for name in files:
        if Path(name).name != name:
            raise WeightsError(manifest_path, f"file name {name!r} leaves the pack folder")
    return folder, manifest_path, manifest


@dataclass(frozen=True)
class ModelPack:
    """An opened, verified pack (use :meth:`open`)."""

    folder: Path
    manifest: dict[str, Any]
    manifest_sha256: str
    #: the classifier metadata read from the hash-checked classifier.semio (the trust facts)
    facts: dict[str, Any]

    @classmethod
    def open(cls, path: str | Path) -> ModelPack:
        """Read and verify the pack at ``path`` (folder or manifest); WeightsError if anything is off."""
        folder, manifest_path, manifest = read_manifest(path)
        for name, sha in manifest["files"].items():
            target = folder / name
            if not target.is_file():
                raise WeightsError(target, "missing from the model pack")
            if file_sha256(target) != sha:
                raise WeightsError(target, "does not match the SHA-256 in the pack's manifest "
                                   "(damaged or changed): copy the pack again")
        from semioscope.core.runtime import pack_trust

        pack_trust.check_listing(folder, manifest, manifest_path)
        facts = pack_trust.checked_facts(folder, manifest, manifest_path)
        return cls(folder, manifest, file_sha256(manifest_path), facts)

    # -- what the engine needs -------------------------------------------------------------
    @property
    def backbone_name(self) -> str:
        return str(self.manifest["backbone"]["name"])

    @property
    def classifier_file(self) -> Path:
        """The ``.semio`` the classifier was exported from (in the pack, hash-checked)."""
        return self.folder / str(self.manifest["classifier"]["source"])

    @property
    def classifier_sha256(self) -> str:
        return str(self.manifest["classifier"]["sha256"])

    def classifier_metadata(self) -> Any:
        """The classifier's metadata (a :class:`ClassifierInfo`), as the torch path reads it."""
        from semioscope.core.runtime.classifier import ClassifierInfo

        return ClassifierInfo(dict(self.facts))   # from classifier.semio, not the manifest

    @property
    def precision_checks(self) -> dict[str, Any]:
        """precision -> the agreement record the export measured (empty: fp32 only), read from
        the hash-checked classifier.semio, never from the manifest's editable duplicate."""
        from semioscope.core.runtime.pack_trust import precision_records

        return precision_records(self.facts)

    @property
    def has_int8(self) -> bool:
        return self.manifest["backbone"].get("int8_ir") is not None

    def backbone(self, *, threads: int | None = None, precision: str = "f32") -> Any:
        """The backbone compiled in ``precision`` (chosen by :func:`choose_precision`)."""
        from semioscope.core.runtime.backbone import OpenVINOBackbone

        entry = self.manifest["backbone"]
        ir = entry["int8_ir"] if precision == "int8" else entry["ir"]
        return OpenVINOBackbone(self.folder / ir, name=entry["name"], precision=precision,
                                pretrained=bool(self.facts.get("backbone_pretrained")),
                                weights_sha256=self.facts.get("backbone_weights_sha256"),
                                threads=threads,
                                extend_to=entry.get("extend_to"),
                                channels=int(entry.get("channels", 3)))

    def classifier(self, *, threads: int | None = None) -> Any:
        from semioscope.core.runtime.classifier import OpenVINOClassifier

        entry = self.manifest["classifier"]
        return OpenVINOClassifier(self.folder / entry["ir"], steps=int(entry["steps"]),
                                  threads=threads)

    def has_detector(self) -> bool:
        return isinstance(self.manifest.get("detector"), dict)

    @property
    def detector_name(self) -> str | None:
        return str(self.manifest["detector"]["name"]) if self.has_detector() else None

    def detector(self, *, threads: int | None = None) -> Any:
        """The pack's crop detector on OpenVINO; WeightsError when the pack has none."""
        if not self.has_detector():
            raise WeightsError(self.folder, "this model pack has no crop detector (export it "
                               "with `semioscope models export ... --detector maskrcnn`); draw "
                               "the crop box by hand")
        from semioscope.core.runtime.detector import OpenVINODetector

        return OpenVINODetector.from_entry(self.folder, self.manifest["detector"],
                                           threads=threads)

    def provenance(self) -> dict[str, Any]:
        """What every result made with this pack records about it."""
        m = self.manifest
        return {"path": str(self.folder), "manifest_sha256": self.manifest_sha256,
                "created": m.get("created"), "software_version": m.get("software_version"),
                "converter": m.get("converter"),
                "backbone_weights_sha256": self.facts.get("backbone_weights_sha256"),
                "classifier_sha256": m["classifier"].get("sha256"),
                "detector": (m["detector"].get("name") if self.has_detector() else None)}
