"""Which packet holds which frame: the table that makes random access frame-exact.

Frame ``k`` is the ``k``-th frame a decoder gives when it decodes the whole file from the start.
The reader identifies every decoded frame by the packet it came from (FFmpeg carries a packet's
*opaque* value to the frame it produced, through any reordering), so a seek can never return a
neighbouring frame. Learning which packet gives frame ``k`` is cheap where the container stores
presentation timestamps (MP4, MKV, MOV: sort the packets' timestamps) or every packet is a
keyframe (MJPEG, FFV1 intra, raw). Elsewhere (AVI with B-frames: H.264, MPEG-4 Part 2, packed
DivX/XviD bitstreams) the container holds no presentation order, so the file is decoded once and
the table is cached in the user cache folder, keyed by the file's content hash.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from semioscope.core.cancel import CancelToken
from semioscope.core.paths import cache_dir

log = logging.getLogger(__name__)

#: containers that store no presentation timestamps (FFmpeg makes them up from decode order)
NO_PTS_FORMATS = {"avi", "h264", "hevc", "m4v", "mpegvideo", "rawvideo", "mjpeg", "ivf"}
#: bump when the cached index layout or its meaning changes
INDEX_VERSION = 1


@dataclass(frozen=True)
class PacketTable:
    """The video stream's packets in file (decode) order, from demuxing alone (no decoding)."""

    keys: tuple[int, ...]             # identity of each packet that survives a seek (see key_of)
    key_kind: str                     # "pos" | "dts" | "pts" | "order"
    pts: tuple[int | None, ...]
    dts: tuple[int | None, ...]
    keyframe: tuple[bool, ...]

    def __len__(self) -> int:
        return len(self.keys)

    def seek_targets(self, packet: int) -> list[int]:
        """Timestamps to seek to for ``packet``, latest first: its presentation timestamp (what
        Matroska and MP4 seek by: lands on it), then its decode timestamp (AVI)."""
        stamps = [s for s in (self.pts[packet], self.dts[packet]) if s is not None]
        return sorted(set(stamps), reverse=True)


def key_of(packet: av.Packet, kind: str) -> int | None:
    """The value that names ``packet`` in a :class:`PacketTable` of this ``kind``."""
    if kind == "pos":
        return None if packet.pos is None or packet.pos < 0 else int(packet.pos)
    if kind == "dts":
        return None if packet.dts is None else int(packet.dts)
    if kind == "pts":
        return None if packet.pts is None else int(packet.pts)
    return None


def tag(packet: int) -> list[int]:
    """A fresh object naming ``packet``, to set as a packet's opaque value.

    PyAV keys opaque values by ``id()`` and forgets the key when any holder is freed, so a
    shared object (a small int) set on two packets can vanish from the second one's frames.
    """
    return [packet]


def source_of(frame: av.VideoFrame) -> int:
    """The packet index a decoded frame came from (set with :func:`tag`), or -1."""
    value = frame.opaque
    return int(value[0]) if isinstance(value, list) and value else -1


@dataclass(frozen=True)
class PacketInfo:
    """What the table keeps of one packet (never its data: a long FFV1 file is gigabytes)."""

    pos: int | None
    pts: int | None
    dts: int | None
    keyframe: bool
    corrupt: bool

    @classmethod
    def of(cls, packet: av.Packet) -> PacketInfo:
        return cls(key_of(packet, "pos"), key_of(packet, "pts"), key_of(packet, "dts"),
                   bool(packet.is_keyframe), bool(packet.is_corrupt))


def packet_table(packets: list[PacketInfo]) -> PacketTable:
    """Build the table; the identity is the byte position, else a unique timestamp."""
    pts = tuple(p.pts for p in packets)
    dts = tuple(p.dts for p in packets)
    keyframe = tuple(p.keyframe for p in packets)
    for kind, keys in (("pos", [p.pos for p in packets]), ("dts", list(dts)),
                       ("pts", list(pts))):
        if None not in keys and len(set(keys)) == len(keys):
            return PacketTable(tuple(k for k in keys if k is not None), kind, pts, dts, keyframe)
    return PacketTable(tuple(range(len(packets))), "order", pts, dts, keyframe)


@dataclass(frozen=True)
class FrameIndex:
    """Frame ``k`` comes from packet ``packet[k]`` (its ``occurrence[k]``-th frame there).

    ``stamp[k]`` is its presentation timestamp in the stream's time base, increasing with ``k``
    (empty when the file gives none: then frames are ``1 / fps`` apart).
    ``method`` says how the table was learnt: ``timestamps``, ``intra`` or ``decoded``.
    """

    packet: np.ndarray
    occurrence: np.ndarray
    stamp: np.ndarray
    method: str

    def __len__(self) -> int:
        return len(self.packet)

    def lookup(self) -> dict[tuple[int, int], int]:
        """``(packet, occurrence) -> frame`` for identifying decoded frames."""
        return {(int(p), int(o)): k for k, (p, o) in
                enumerate(zip(self.packet, self.occurrence, strict=True))}

    def first_frame_of_packet(self, n_packets: int) -> np.ndarray:
        """The smallest frame index each packet gives (``len(self)`` for none)."""
        first = np.full(n_packets, len(self), dtype=np.int64)
        np.minimum.at(first, self.packet, np.arange(len(self), dtype=np.int64))
        return first


def _unique_increasing(values: list[int | None]) -> bool:
    return None not in values and len(set(values)) == len(values)


def index_without_decoding(table: PacketTable, format_name: str) -> FrameIndex | None:
    """The index from packet metadata, or None when only decoding can tell the frame order."""
    n = len(table)
    formats = set(format_name.split(","))
    if all(table.keyframe):   # intra-only: file order is presentation order
        stamps = list(table.pts)
        if not _unique_increasing(stamps) or sorted(stamps) != stamps:  # type: ignore[type-var]
            stamps = list(table.dts)
        if not _unique_increasing(stamps) or sorted(stamps) != stamps:  # type: ignore[type-var]
            stamps = list(range(n))
        return FrameIndex(np.arange(n), np.zeros(n, np.int64),
                          np.asarray(stamps, dtype=np.int64), "intra")
    if formats & NO_PTS_FORMATS or not _unique_increasing(list(table.pts)):
        return None
    order = np.argsort(np.asarray(table.pts, dtype=np.int64), kind="stable")
    return FrameIndex(order, np.zeros(n, np.int64),
                      np.asarray(table.pts, dtype=np.int64)[order], "timestamps")


def decode_index(container: av.container.InputContainer, stream: av.VideoStream,
                 table: PacketTable, cancel: CancelToken | None = None) -> FrameIndex:
    """Decode the whole stream once and note which packet gave each frame, in output order.

    ``cancel`` is polled between packets (tens of seconds for a long AVI: a person who opened
    the wrong file stops the work, not only the wait); a cancelled index is never cached."""
    lookup = {key: i for i, key in enumerate(table.keys)}
    packet_of: list[int] = []
    occurrence: list[int] = []
    stamps: list[int | None] = []
    seen: dict[int, int] = {}
    container.seek(0, stream=stream, backward=True)
    stream.codec_context.flush_buffers()
    for order, packet in enumerate(_data_and_flush(container, stream)):
        if cancel is not None:
            cancel.raise_if_cancelled()
        if packet.size:
            key = key_of(packet, table.key_kind) if table.key_kind != "order" else order
            packet.opaque = tag(lookup.get(key, -1) if key is not None else -1)
        for frame in packet.decode():
            source = source_of(frame)
            count = seen.get(source, 0)
            seen[source] = count + 1
            packet_of.append(source)
            occurrence.append(count)
            stamps.append(frame.pts)
    sorted_stamps = (np.sort(np.asarray(stamps, dtype=np.int64)) if _unique_increasing(stamps)
                     else np.zeros(0, np.int64))
    return FrameIndex(np.asarray(packet_of, np.int64), np.asarray(occurrence, np.int64),
                      sorted_stamps, "decoded")


def without_leading_frames(index: FrameIndex, table: PacketTable) -> FrameIndex:
    """Drop frames no keyframe can reach: from packets before the first keyframe, or shown
    before it (the leading pictures of an open GOP at the very start of a cut stream)."""
    keys = [i for i, key in enumerate(table.keyframe) if key]
    if not keys:
        return index
    first_key = keys[0]
    shown = np.nonzero(index.packet == first_key)[0]
    first_shown = int(shown[0]) if len(shown) else 0
    keep = (index.packet >= first_key) & (np.arange(len(index)) >= first_shown)
    if keep.all():
        return index
    stamp = index.stamp[keep] if len(index.stamp) == len(index) else index.stamp
    return FrameIndex(index.packet[keep], index.occurrence[keep], stamp, index.method)


def _data_and_flush(container: av.container.InputContainer,
                    stream: av.VideoStream) -> Iterator[av.Packet]:
    """The stream's packets (discarded and empty ones dropped) and the final flush packet."""
    for packet in container.demux(stream):
        if packet.size == 0 or packet.is_discard:
            if packet.size == 0 and packet.dts is None:
                yield packet   # the end-of-stream flush
            continue
        yield packet


def content_key(path: Path) -> str:
    """The file's SHA-256, remembered per (device, inode, size, mtime) in the cache folder, so
    reopening a long AVI does not read all of it again just to find its index."""
    from semioscope.core.hashing import file_sha256

    st = path.stat()
    memo = cache_dir() / "frame-index" / "by-stat" / (
        f"{st.st_dev}-{st.st_ino}-{st.st_size}-{st.st_mtime_ns}")
    try:
        known = memo.read_text().strip()
        if len(known) == 64:
            return known
    except OSError:
        pass
    sha = file_sha256(path)
    try:
        from semioscope.core.atomic import write_text

        write_text(memo, sha + "\n")
    except OSError as exc:
        log.debug("cannot remember the content hash: %s", exc)
    return sha


def _cache_path(sha256: str) -> Path:
    return cache_dir() / "frame-index" / f"{sha256}-v{INDEX_VERSION}.npz"


def load_cached(sha256: str, n_packets: int) -> FrameIndex | None:
    """A decoded index saved earlier for the same content, or None."""
    path = _cache_path(sha256)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            index = FrameIndex(data["packet"], data["occurrence"], data["stamp"], "decoded")
            if int(data["n_packets"]) != n_packets:
                return None
    except (OSError, ValueError, KeyError) as exc:
        log.debug("ignoring unreadable frame index cache: %s", exc)
        return None
    return index


def save_cached(sha256: str, index: FrameIndex, n_packets: int) -> None:
    """Keep a decoded index for the next time the same file is opened (atomically)."""
    from semioscope.core.atomic import atomic_path

    try:
        with atomic_path(_cache_path(sha256), suffix=".npz") as tmp, open(tmp, "wb") as fh:
            np.savez(fh, packet=index.packet, occurrence=index.occurrence, stamp=index.stamp,
                     n_packets=np.int64(n_packets))
    except OSError as exc:  # a read-only cache only costs the next open a decode
        log.debug("cannot save the frame index cache: %s", exc)
