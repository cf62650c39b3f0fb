"""What a model pack may be trusted for: only what its hash-checked content says.

``manifest.json`` is a text file anyone can edit, and a hash check only proves the files are the
ones it names. So: every file in the pack folder must be listed and match (no unlisted ``.bin``
runs unchecked); the manifest must have every key with the right type; and the trust facts
(trained, demo, pretrained backbone, backbone weights hash) are read from ``classifier.semio``,
whose hash the manifest records and which ``export`` made from the trained classifier. The
precision agreement records (``bf16``/``int8``, which let ``--precision auto`` leave f32) are
trust facts too: ``export`` writes them into that copy's ``training.precision_checks``, and
the manifest's ``precision_checks`` is only a readable duplicate. A manifest that claims more
than that file says is refused, not believed. Who wrote the manifest
is proved only by its SHA-256 matching the one the research team sent (``verify-pack --expect``).
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

from semioscope.core.hashing import file_sha256
from semioscope.core.inputs import read_bytes
from semioscope.errors import WeightsError

_SHA = re.compile(r"^[0-9a-f]{64}$")
#: files a pack folder may hold besides those its manifest lists
UNLISTED_OK = ("manifest.json",)

_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "": {"format": str, "created": str, "software_version": str, "converter": dict,
         "preprocessing_version": str, "backbone": dict, "classifier": dict, "files": dict,
         "detector": (dict, type(None))},
    "backbone": {"name": str, "ir": str, "pretrained": bool,
                 "weights_sha256": (str, type(None))},
    "classifier": {"ir": str, "source": str, "sha256": str, "steps": int, "metadata": dict},
    "detector": {"name": str, "ir": str, "categories": list, "pretrained": bool},
}


def check_schema(manifest: dict[str, Any], where: Path) -> None:
    """Every key present with its type (a missing or mistyped key is refused here)."""
    for section, keys in _SCHEMA.items():
        entry = manifest if not section else manifest.get(section)
        if section == "detector" and entry is None:
            continue
        label = f"{section}." if section else ""
        if not isinstance(entry, dict):
            raise WeightsError(where, f"the manifest has no usable {section} entry")
        for key, kind in keys.items():
            if key not in entry:
                raise WeightsError(where, f"the manifest lacks {label}{key}")
            value = entry[key]
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise WeightsError(where, f"the manifest's {label}{key} has the wrong type "
                                   f"({type(value).__name__})")
    for name, sha in manifest["files"].items():
        if not isinstance(sha, str) or not _SHA.match(sha):
            raise WeightsError(where, f"the manifest's hash of {name!r} is not a SHA-256")
    if not _SHA.match(manifest["classifier"]["sha256"]):
        raise WeightsError(where, "the manifest's classifier.sha256 is not a SHA-256")


def check_listing(folder: Path, manifest: dict[str, Any], where: Path) -> None:
    """Every file in the folder is listed; every network's ``.xml`` and ``.bin`` both are."""
    files = manifest["files"]
    extra = sorted(p.name for p in folder.iterdir()
                   if p.name not in files and p.name not in UNLISTED_OK)
    if extra:
        raise WeightsError(folder / extra[0], "is in the model pack folder but not in its "
                           "manifest (unchecked); copy the pack again")
    for section in ("backbone", "classifier", "detector"):
        entry = manifest.get(section)
        if entry is None:
            continue
        xml = str(entry["ir"])
        for name in (xml, str(Path(xml).with_suffix(".bin"))):
            if name not in files:
                raise WeightsError(where, f"the manifest does not list {name} (the {section}"
                                   "'s network would run unchecked)")
    int8 = manifest["backbone"].get("int8_ir")   # only packs exported with --precision int8
    if int8 is not None:
        if not isinstance(int8, str):
            raise WeightsError(where, "the manifest's backbone.int8_ir has the wrong type "
                               f"({type(int8).__name__})")
        for name in (int8, str(Path(int8).with_suffix(".bin"))):
            if name not in files:
                raise WeightsError(where, f"the manifest does not list {name} (the int8 "
                                   "backbone would run unchecked)")
    checks = manifest.get("precision_checks")
    if checks is not None and not (isinstance(checks, dict)
                                   and all(isinstance(v, dict) for v in checks.values())):
        raise WeightsError(where, "the manifest's precision_checks is not a record per precision")
    if manifest["classifier"]["source"] not in files:
        raise WeightsError(where, "the manifest does not list the classifier file "
                           f"{manifest['classifier']['source']}")


def semio_metadata(path: Path) -> dict[str, Any]:
    """The semioscope metadata of a classifier file, read from its safetensors header
    (no torch: the clinician runtime has none)."""
    data = read_bytes(path, "classifier")
    try:
        (size,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8:8 + size])
        meta = json.loads(header["__metadata__"]["semioscope"])
    except (struct.error, ValueError, KeyError, TypeError, RecursionError):
        raise WeightsError(path, "not a semioscope classifier file") from None
    if not isinstance(meta, dict):
        raise WeightsError(path, "the classifier's metadata is damaged")
    return meta


def checked_facts(folder: Path, manifest: dict[str, Any], where: Path) -> dict[str, Any]:
    """The classifier metadata from the hash-checked ``classifier.semio``; a manifest whose
    trust fields say otherwise is refused."""
    entry = manifest["classifier"]
    source = folder / str(entry["source"])
    if file_sha256(source) != entry["sha256"]:
        raise WeightsError(where, f"classifier.sha256 is not the hash of {source.name}")
    meta = semio_metadata(source)
    claims = {
        "classifier.metadata": (entry["metadata"], meta),
        "backbone.pretrained": (manifest["backbone"]["pretrained"],
                                bool(meta.get("backbone_pretrained"))),
        "backbone.weights_sha256": (manifest["backbone"]["weights_sha256"],
                                    meta.get("backbone_weights_sha256")),
        "backbone.name": (manifest["backbone"]["name"], meta.get("backbone")),
    }
    if "weights_source" in manifest["backbone"]:   # what export said the weights are
        from semioscope.core.models.registry import official_source

        claims["backbone.weights_source"] = (
            manifest["backbone"]["weights_source"],
            official_source(str(meta.get("backbone")), meta.get("backbone_weights_sha256")))
    if "precision_checks" in manifest:   # a duplicate for readers; the file's copy counts
        claims["precision_checks"] = (manifest["precision_checks"], precision_records(meta))
    for key, (claimed, checked) in claims.items():
        if claimed != checked:
            why = ("edited manifest, or a pack exported before its agreement checks were kept "
                   "in that file: export it again") if key == "precision_checks" \
                else "edited manifest?"
            raise WeightsError(where, f"the manifest's {key} differs from what the hash-checked "
                               f"{source.name} says; refusing the pack ({why})")
    return meta


def precision_records(meta: dict[str, Any]) -> dict[str, Any]:
    """precision -> agreement record, from a classifier file's metadata (``training.
    precision_checks``: ``train --precision-check`` or, in a pack's copy, ``models export
    --precision``); empty when it has none or they are not records."""
    training = meta.get("training")
    checks = training.get("precision_checks") if isinstance(training, dict) else None
    if not isinstance(checks, dict):
        return {}
    return {k: v for k, v in checks.items() if isinstance(v, dict)}


def checked_precision_records(folder: Path, manifest: dict[str, Any],
                              where: Path) -> dict[str, Any]:
    """The pack's agreement records from its hash-checked ``classifier.semio`` (the manifest's
    duplicate must equal them); WeightsError otherwise. Hashes only that file, not the whole
    pack: for what-would-a-run-record questions (the review window's staleness check)."""
    return precision_records(checked_facts(folder, manifest, where))
