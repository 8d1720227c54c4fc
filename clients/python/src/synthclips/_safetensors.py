"""Safetensors documents: strict header validation and zero-copy numpy views."""
from __future__ import annotations

import json
import struct
import threading
import weakref
from typing import Dict, List, Optional, Tuple

import numpy as np
import zstandard

from .errors import SynthClipsProtocolError

DTYPES = {"U8": np.uint8, "I8": np.int8, "U16": np.dtype("<u2"), "I16": np.dtype("<i2"),
          "U32": np.dtype("<u4"), "I32": np.dtype("<i4"), "U64": np.dtype("<u8"), "I64": np.dtype("<i8"),
          "F16": np.dtype("<f2"), "F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "BOOL": np.bool_}
MAX_HEADER = 100 * 1024 * 1024

_local = threading.local()


def _dctx() -> zstandard.ZstdDecompressor:
    # A ZstdDecompressor must not be used by two threads at once: one per thread.
    d = getattr(_local, "dctx", None)
    if d is None:
        d = _local.dctx = zstandard.ZstdDecompressor()
    return d


def decompress(body: bytes, max_output_size: int = 2**31) -> bytes:
    """A zstd body (one frame or several) → its bytes, in a new buffer (problem details, JSON,
    and documents whose first frame does not declare their whole size)."""
    _content_size(body, max_output_size)
    parts, total, rest = [], 0, body
    try:
        while rest:
            frame = _dctx().decompressobj()
            part = frame.decompress(rest)
            if not frame.eof:
                raise SynthClipsProtocolError("zstd body ends inside a frame (truncated)")
            total += len(part)
            if total > max_output_size:
                raise SynthClipsProtocolError(f"zstd body holds more than the {max_output_size} byte limit")
            parts.append(part)
            rest = frame.unused_data
    except zstandard.ZstdError as e:
        raise SynthClipsProtocolError(f"zstd body does not decompress: {e}") from None
    return parts[0] if len(parts) == 1 else b"".join(parts)


class BufferRecycler:
    """Decompression buffers, reused once no array of the document they held is alive.

    Touching fresh memory is what decoding a batch mostly costs: the kernel maps and zeroes every
    page on first use. Decompressing a batch of 16 `accelerating-shapes` clips (50 MB) into a new
    buffer took 3.4 ms per clip here, into a reused one 1.75 ms (`benchmarks/bench_client.py`).

    Each document is handed out through a fresh read-only root array over its buffer; every
    tensor `parse` makes is a view that keeps that root alive (so do slices of them, and torch
    tensors made from them). The recycler holds only a weak reference to the root: once it is
    gone, nothing can see the buffer and the next document may overwrite it. At most `keep`
    buffers are held; when all are in use, documents get buffers of their own."""

    def __init__(self, keep: int):
        self.keep = keep
        self._lock = threading.Lock()
        self._slots: List[_Slot] = []

    def decompress(self, body: bytes, max_output_size: int = 2**31) -> np.ndarray:
        """A zstd body → a read-only uint8 array of its bytes (a root for `parse`)."""
        size = _content_size(body, max_output_size)
        slot = self._take(size) if size >= 0 else None
        if slot is None:
            return _read_only(np.frombuffer(decompress(body, max_output_size), dtype=np.uint8))
        try:
            with _dctx().stream_reader(body, read_across_frames=True) as reader:
                view, got = memoryview(slot.buffer)[:size], 0
                while got < size:
                    n = reader.readinto(view[got:])
                    if n == 0:
                        break
                    got += n
                more = reader.read(1) != b""
            if got != size:
                raise SynthClipsProtocolError(f"zstd frame declares {size} bytes but holds {got} (truncated)")
            if more:
                # Several frames (the first declares only its own size): the general path.
                return _read_only(np.frombuffer(decompress(body, max_output_size), dtype=np.uint8))
            root = _read_only(np.frombuffer(slot.buffer, dtype=np.uint8, count=size))
            slot.root = weakref.ref(root)
            return root
        except zstandard.ZstdError as e:
            raise SynthClipsProtocolError(f"zstd body does not decompress: {e}") from None
        finally:
            slot.busy = False

    def clear(self) -> None:
        """Forgets every pooled buffer (arrays still alive keep theirs)."""
        with self._lock:
            self._slots = []

    def _take(self, size: int) -> "_Slot":
        """A free buffer at least `size` long but not much longer, else a new one (pooled while
        there is room: a full pool drops a free buffer of the wrong size to make room). The new
        buffer is allocated outside the lock: zeroing tens of MB would stall the other threads."""
        with self._lock:
            free = [s for s in self._slots if s.is_free]
            fits = [s for s in free if size <= len(s.buffer) <= size + (size >> 3) + (1 << 20)]
            if fits:
                slot = min(fits, key=lambda s: len(s.buffer))
                slot.busy, slot.root = True, None
                return slot
            if len(self._slots) >= self.keep and free:
                self._slots.remove(free[0])
            slot = _Slot(bytearray(0))
            slot.busy = True
            if len(self._slots) < self.keep:
                self._slots.append(slot)
        slot.buffer = bytearray(size)
        return slot


class _Slot:
    """A pooled buffer: busy while a document is decompressed into it, then in use while the
    root array over it (held weakly) is alive."""
    __slots__ = ("buffer", "busy", "root")

    def __init__(self, buffer: bytearray):
        self.buffer = buffer
        self.busy = False
        self.root: Optional[weakref.ref] = None

    @property
    def is_free(self) -> bool:
        return not self.busy and (self.root is None or self.root() is None)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _content_size(body: bytes, max_output_size: int) -> int:
    try:
        size = zstandard.frame_content_size(body)
    except zstandard.ZstdError as e:
        raise SynthClipsProtocolError(f"not a zstd frame: {e}") from None
    if size > max_output_size:
        raise SynthClipsProtocolError(f"zstd frame declares {size} bytes, over the {max_output_size} limit")
    return size


def parse(buf: bytes | bytearray | np.ndarray) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """A safetensors document → ({name: array view into `buf`}, metadata). Strict: the header must
    be a JSON object, every tensor's offsets must lie inside the data, match dtype × shape, and
    tensors must cover the data without overlap."""
    mv = memoryview(buf)
    if len(mv) < 8:
        raise SynthClipsProtocolError(f"safetensors document of {len(mv)} bytes has no header length")
    (n,) = struct.unpack_from("<Q", mv, 0)
    if n > MAX_HEADER or 8 + n > len(mv):
        raise SynthClipsProtocolError(f"safetensors header length {n} exceeds the document ({len(mv)} bytes)")
    try:
        header = json.loads(bytes(mv[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SynthClipsProtocolError(f"safetensors header is not JSON: {e}") from None
    if not isinstance(header, dict):
        raise SynthClipsProtocolError("safetensors header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise SynthClipsProtocolError("safetensors __metadata__ must map strings to strings")
    base = 8 + n
    data_len = len(mv) - base
    spans = []
    tensors: Dict[str, np.ndarray] = {}
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise SynthClipsProtocolError(f"tensor {name!r}: malformed header entry {info!r}")
        dtype = DTYPES.get(info["dtype"])
        shape, offs = info["shape"], info["data_offsets"]
        if dtype is None:
            raise SynthClipsProtocolError(f"tensor {name!r}: unknown dtype {info['dtype']!r}")
        if (not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
                or not isinstance(offs, list) or len(offs) != 2 or not all(isinstance(o, int) for o in offs)):
            raise SynthClipsProtocolError(f"tensor {name!r}: malformed shape or data_offsets")
        begin, end = offs
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if not 0 <= begin <= end <= data_len or end - begin != count * np.dtype(dtype).itemsize:
            raise SynthClipsProtocolError(f"tensor {name!r}: data_offsets {offs} do not fit shape {shape} "
                                          f"{info['dtype']} in {data_len} data bytes")
        spans.append((begin, end))
        tensors[name] = np.frombuffer(buf, dtype=dtype, count=count, offset=base + begin).reshape(shape)
    spans.sort()
    pos = 0
    for begin, end in spans:
        if begin != pos:
            raise SynthClipsProtocolError("safetensors tensors overlap or leave gaps in the data")
        pos = end
    if pos != data_len:
        raise SynthClipsProtocolError(f"safetensors data has {data_len - pos} trailing bytes")
    return tensors, metadata
