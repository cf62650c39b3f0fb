"""The sample report pages of the docs, from a real demo run.

    python -m semioscope.pictures.report_pages docs          # docs/report-page-1.png, -2, ...
    python -m semioscope.pictures.report_pages docs --pdf     # also keep docs/sample-report.pdf
    python -m semioscope.pictures.report_pages /tmp/x --deidentify   # report-deid-page-N.png

The pages are the case report of the demo's held-out seizure (``semioscope demo`` builds it:
synthetic data, untrained backbone, a demo model with its real cross-validation), so nothing on
them is invented (the tests' made-up results are in tests/sample_results.py).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the sample report's page images.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pdf", action="store_true", help="also keep sample-report.pdf")
    parser.add_argument("--paper", default="a4", choices=("a4", "letter"))
    parser.add_argument("--dpi", type=int, default=70)
    parser.add_argument("--deidentify", action="store_true",
                        help="de-identified sample (pages named report-deid-page-N.png)")
    parser.add_argument("--demo", type=Path, default=None,
                        help="the demo folder (default: the one `semioscope demo` builds)")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (install poppler-utils)", file=sys.stderr)
        return 2
    from semioscope.core.atomic import write_bytes
    from semioscope.core.results import load_results
    from semioscope.demo import DemoLayout, default_folder
    from semioscope.report import CaseInfo, make_report

    layout = DemoLayout((args.demo or default_folder()).expanduser().resolve())
    if not layout.results.is_file():
        print(f"no demo results in {layout.root}: run `semioscope demo --no-gui` first",
              file=sys.stderr)
        return 2
    results = load_results(layout.results).with_saliency_in(layout.root)
    with tempfile.TemporaryDirectory() as tmp:
        case = CaseInfo(patient="DEMO-HELDOUT (synthetic)", seizure="DEMO-S01",
                        reviewer="semioscope demo",
                        comment="Synthetic seizure and demo model (semioscope demo): not a "
                                "clinical case.", paper=args.paper,
                        deidentify=args.deidentify)
        report = make_report(results, case)
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(report.pdf)
        args.folder.mkdir(parents=True, exist_ok=True)
        stem = "report-deid" if args.deidentify else "report"
        for old in args.folder.glob(f"{stem}-page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(pdf),
                        str(args.folder / f"{stem}-page")], check=True)
        if args.pdf:
            write_bytes(args.folder / f"sample-{stem}.pdf", report.pdf)
    for png in sorted(args.folder.glob(f"{stem}-page-*.png")):
        print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
