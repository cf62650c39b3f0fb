"""Short clips whose every frame shows its own index in large pixel blocks.

Reader tests and the decode benchmark write one such clip per codec/container an EMU may export
(H.264, HEVC, MPEG-4 Part 2, MJPEG, FFV1, raw) with PyAV, then read frames back in order and at
random and decode the index from the pixels: a wrong frame is caught even through a lossy codec,
because each bit is a 16x16 block of near-black or near-white.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np

from semioscope.core.video.writer import FFV1_OPTIONS

BLOCK = 16          # pixels per bit cell (a multiple of every codec's 8x8 transform)
COLS, ROWS = 4, 3   # 12 bits: indices up to 4095
WIDTH, HEIGHT = COLS * BLOCK * 2, ROWS * BLOCK * 2   # 128x96: each cell drawn 2x2 blocks


@dataclass(frozen=True)
class ClipSpec:
    """How to encode one clip: codec, container suffix, pixel format and codec options."""

    name: str
    codec: str
    suffix: str
    pix_fmt: str = "yuv420p"
    options: dict[str, str] = field(default_factory=dict)
    colour: bool = False       # draw bits in colour (read back as luma)
    bit_depth: int = 8
    packed: bool = False       # MPEG-4 Part 2 "packed B-frames", as DivX/XviD wrote AVIs


#: every kind of file issue #13 names; ``options`` give B-frames and long GOPs where they exist
CLIP_SPECS: dict[str, ClipSpec] = {s.name: s for s in [
    ClipSpec("ffv1-8", "ffv1", ".mkv", "gray", FFV1_OPTIONS),
    ClipSpec("ffv1-16", "ffv1", ".mkv", "gray16le", FFV1_OPTIONS, bit_depth=16),
    ClipSpec("h264-mp4", "libx264", ".mp4", options={"bf": "3", "g": "120", "preset": "veryfast"}),
    ClipSpec("h264-mkv", "libx264", ".mkv", options={"bf": "3", "g": "120", "preset": "veryfast"}),
    ClipSpec("h264-mov", "libx264", ".mov", options={"bf": "3", "g": "120", "preset": "veryfast"},
             colour=True),
    ClipSpec("h264-avi", "libx264", ".avi", options={"bf": "3", "g": "120", "preset": "veryfast"}),
    ClipSpec("hevc-mp4", "libx265", ".mp4",
             options={"preset": "ultrafast", "x265-params": "bframes=3:keyint=60:log-level=none"}),
    ClipSpec("mpeg4-avi", "mpeg4", ".avi", options={"bf": "2", "g": "60", "qscale": "3"}),
    ClipSpec("mpeg4-packed-avi", "mpeg4", ".avi", options={"bf": "1", "g": "30", "qscale": "3"},
             packed=True),
    ClipSpec("mjpeg-avi", "mjpeg", ".avi", "yuvj420p", {"qscale": "3"}, colour=True),
    ClipSpec("raw-avi", "rawvideo", ".avi", "gray"),
]}


def index_frame(index: int, *, colour: bool = False, bit_depth: int = 8) -> np.ndarray:
    """The frame that shows ``index``: (H, W) gray, or (H, W, 3) RGB when ``colour``."""
    bits = [(index >> b) & 1 for b in range(COLS * ROWS)]
    cells = np.array(bits, dtype=np.uint8).reshape(ROWS, COLS)
    mask = np.kron(cells, np.ones((BLOCK * 2, BLOCK * 2), dtype=np.uint8)).astype(bool)
    if colour:
        rgb = np.empty((HEIGHT, WIDTH, 3), np.uint8)
        rgb[mask] = (235, 205, 180)
        rgb[~mask] = (20, 40, 70)
        return rgb
    top = 60000 if bit_depth == 16 else 225
    low = 1500 if bit_depth == 16 else 30
    return np.where(mask, top, low).astype(np.uint16 if bit_depth == 16 else np.uint8)


def read_index(frame: np.ndarray) -> int:
    """Decode the index a frame shows (gray or luma, 8- or 16-bit)."""
    gray = frame.astype(np.float64)
    if frame.dtype == np.uint16:
        gray = gray / 257.0
    h, w = gray.shape[:2]
    ch, cw = h // ROWS, w // COLS
    value = 0
    for r in range(ROWS):
        for c in range(COLS):
            cell = gray[r * ch + ch // 4:(r + 1) * ch - ch // 4, c * cw + cw // 4:(c + 1) * cw - cw // 4]
            if cell.mean() > 128:
                value |= 1 << (r * COLS + c)
    return value


def write_clip(
    path: Path, spec: ClipSpec | str, *, frames: int = 60, fps: float = 30.0,
    indices: Sequence[int] | None = None, pts: Sequence[int] | None = None,
) -> Path:
    """Encode a clip of ``frames`` frames (or the frames showing ``indices``) with PyAV.

    ``pts`` gives each frame's presentation timestamp in units of ``1/fps`` (a variable-rate
    file: e.g. every 5th instant missing); by default frame ``k`` has timestamp ``k``.
    """
    spec = CLIP_SPECS[spec] if isinstance(spec, str) else spec
    shown = list(range(frames)) if indices is None else list(indices)
    images = (index_frame(i, colour=spec.colour, bit_depth=spec.bit_depth) for i in shown)
    return encode_clip(path, spec, images, fps=fps, pts=pts, count=len(shown))


def encode_clip(
    path: Path, spec: ClipSpec | str, images: Iterable[np.ndarray], *, fps: float = 30.0,
    pts: Sequence[int] | None = None, count: int | None = None,
) -> Path:
    """Encode ``images`` ((H, W) gray, (H, W, 3) RGB when ``spec.colour``) as ``spec`` says."""
    spec = CLIP_SPECS[spec] if isinstance(spec, str) else spec
    rate = Fraction(fps).limit_denominator(1001)
    frames = list(images) if count is None or spec.packed else images
    n = len(frames) if isinstance(frames, list) else int(count or 0)
    stamps = list(range(n)) if pts is None else list(pts)
    if spec.packed:
        return _write_packed(Path(path), spec, list(frames), rate)
    container = av.open(str(path), mode="w")
    try:
        stream = cast(av.VideoStream, container.add_stream(spec.codec, rate=rate))
        stream.pix_fmt = spec.pix_fmt
        stream.options = dict(spec.options)  # type: ignore[arg-type]
        for image, stamp in zip(frames, stamps, strict=True):
            if stream.width == 0:
                stream.height, stream.width = int(image.shape[0]), int(image.shape[1])
            if spec.colour:
                vf = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format=spec.pix_fmt)
            elif spec.pix_fmt.startswith("gray"):
                vf = av.VideoFrame.from_ndarray(image, format=spec.pix_fmt)
            else:
                vf = av.VideoFrame.from_ndarray(image, format="gray").reformat(format=spec.pix_fmt)
            vf.pts = int(stamp)
            vf.time_base = 1 / rate
            container.mux(stream.encode(vf))
        container.mux(stream.encode())
    finally:
        container.close()
    return Path(path)


def _vop_type(vop: bytes) -> str:
    start = vop.find(b"\x00\x00\x01\xb6")
    return "IPBS"[vop[start + 4] >> 6]


def _n_vop(b_vop: bytes, time_bits: int) -> bytes:
    """A not-coded VOP (the placeholder a packed file keeps in a B-frame's slot)."""
    start = b_vop.find(b"\x00\x00\x01\xb6") + 4
    src = "".join(f"{byte:08b}" for byte in b_vop[start:start + 8])
    ones = src.index("0", 2) - 2                 # modulo_time_base: ones then a zero
    head = src[2:2 + ones + 1 + 1 + time_bits + 1]   # ..., marker, time increment, marker
    bits = "01" + head + "0" + "0"                 # P type, vop_coded = 0, stuffing zero
    bits += "1" * (-len(bits) % 8)
    return b"\x00\x00\x01\xb6" + int(bits, 2).to_bytes(len(bits) // 8, "big")


def _write_packed(path: Path, spec: ClipSpec, images: list[np.ndarray], rate: Fraction) -> Path:
    """MPEG-4 Part 2 with one B-frame packed into its reference's AVI chunk, as DivX did.

    FFmpeg has no packing filter, so the encoder's VOPs are packed here: ``[P, B]`` in one
    chunk, then an N-VOP in the B-frame's slot; user data ``DivX503b1393p`` announces it.
    """
    height, width = images[0].shape[:2]
    enc = cast(av.VideoCodecContext, av.CodecContext.create("mpeg4", "w"))
    enc.width, enc.height, enc.pix_fmt = width, height, "yuv420p"
    enc.time_base, enc.framerate = 1 / rate, rate
    enc.options = dict(spec.options)
    enc.max_b_frames = 1
    vops: list[bytes] = []
    for k, image in enumerate(images):
        vf = av.VideoFrame.from_ndarray(image, format="gray").reformat(format="yuv420p")
        vf.pts, vf.time_base = k, 1 / rate
        vops += [bytes(p) for p in enc.encode(vf)]
    vops += [bytes(p) for p in enc.encode(None)]
    time_bits = max(1, (rate.numerator - 1).bit_length())
    chunks: list[tuple[bytes, bool]] = []
    k = 0
    while k < len(vops):
        data, key = vops[k], _vop_type(vops[k]) == "I"
        if k == 0:
            at = data.find(b"\x00\x00\x01\xb6")
            data = data[:at] + b"\x00\x00\x01\xb2DivX503b1393p" + data[at:]
        if k + 1 < len(vops) and _vop_type(vops[k + 1]) == "B":
            chunks += [(data + vops[k + 1], key), (_n_vop(vops[k + 1], time_bits), False)]
            k += 2
        else:
            chunks.append((data, key))
            k += 1
    container = av.open(str(path), mode="w")
    try:
        stream = cast(av.VideoStream, container.add_stream("mpeg4", rate=rate))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_tag = "XVID"
        container.start_encoding()
        for slot, (data, key) in enumerate(chunks):
            packet = av.Packet(data)
            packet.stream, packet.pts, packet.dts, packet.time_base = stream, slot, slot, 1 / rate
            packet.is_keyframe = key
            container.mux(packet)
    finally:
        container.close()
    return path
