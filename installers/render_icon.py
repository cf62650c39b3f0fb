"""Render the app icon from src/semioscope/resources/semioscope.svg (run once after editing it).

    QT_QPA_PLATFORM=offscreen .venv/bin/python installers/render_icon.py

Writes, beside the SVG: semioscope-256.png (window icon, Linux desktop entry), semioscope.ico
(Windows shortcut and PyInstaller exe) and semioscope.icns (macOS app bundle). Every size is
rendered from the SVG by QtSvg (PySide6-Essentials), not scaled down from one bitmap, so small
sizes stay crisp; Pillow (already installed with matplotlib) packs the .ico and .icns files.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "src" / "semioscope" / "resources"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn into a transparent size x size image, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icon: {svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub wants bytes; Qt takes str
    buffer.close()
    return bytes(data.data())


def _pil(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGBA")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--svg", type=Path, default=RESOURCES / "semioscope.svg")
    parser.add_argument("--out-dir", type=Path, default=RESOURCES)
    parser.add_argument("--png-sizes", type=int, nargs="*", default=[256],
                        help="write semioscope-<size>.png for each (default: 256)")
    parser.add_argument("--no-ico", action="store_true", help="skip semioscope.ico")
    parser.add_argument("--no-icns", action="store_true", help="skip semioscope.icns")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # keeps Qt alive below
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for size in args.png_sizes:
        out = args.out_dir / f"semioscope-{size}.png"
        out.write_bytes(render_png(args.svg, size))
        print(out)
    for skip, name, sizes, fmt in ((args.no_ico, "semioscope.ico", ICO_SIZES, "ICO"),
                                   (args.no_icns, "semioscope.icns", ICNS_SIZES, "ICNS")):
        if skip:
            continue
        images = [_pil(render_png(args.svg, s)) for s in sizes]
        out = args.out_dir / name
        largest = images[-1]
        largest.save(out, format=fmt, sizes=[(s, s) for s in sizes], append_images=images[:-1])
        print(out)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
