"""The SynthClips client: clips and batches over HTTP/2 (a connection per thread), decoded into numpy."""
from __future__ import annotations

import itertools
import json
import random
import re
import sys
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple
from urllib.parse import quote

import httpx
import numpy as np

from . import _safetensors
from ._transport import DEFAULT_STREAM_WINDOW, make_transport
from .errors import SynthClipsError, SynthClipsProtocolError, SynthClipsUnavailable

_HASH = re.compile(r"^[0-9a-f]{64}$")
RETRY_STATUSES = {502, 503, 504}
# The title of the server's 503 while it generates a cold texture pool in the background.
WARMING_TITLE = "Textures warming up"


@dataclass
class Batch:
    """One batch as the server sent it. `video` is uint8 [B,T,H,W,3], `seeds` uint64 [B],
    `frame_indices` int32 [B,T]; the arrays are views over one decompressed buffer."""
    video: np.ndarray
    seeds: np.ndarray
    frame_indices: np.ndarray
    config_hash: str
    generator_version: str
    stage: str
    config: Dict[str, Any] = field(repr=False)
    index: Optional[int] = None       # the batch index (None for a single clip)
    step: Optional[int] = None        # the trainer step it belongs to, when it came from `batches`

    def __len__(self) -> int:
        return int(self.video.shape[0])


def batch_index(step: int, rank: int = 0, world_size: int = 1) -> int:
    """DESIGN.md: rank r of world size w takes batch indices r, r+w, r+2w, … — its step j is
    global batch index j·w + r."""
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError(f"rank {rank} is not in [0, world_size={world_size})")
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    return step * world_size + rank


def current_worker(worker: Optional[Tuple[int, int]] = None) -> Tuple[int, int]:
    """(worker id, number of workers) of the torch DataLoader worker this runs in, (0, 1) outside
    one. Never imports torch: if torch is not imported yet this cannot be a DataLoader worker."""
    if worker is not None:
        wid, n = worker
        if n < 1 or not 0 <= wid < n:
            raise ValueError(f"worker {worker} is not (id, count) with 0 <= id < count")
        return int(wid), int(n)
    torch = sys.modules.get("torch")
    if torch is None:
        return 0, 1
    try:
        info = torch.utils.data.get_worker_info()
    except AttributeError:
        return 0, 1
    return (info.id, info.num_workers) if info is not None else (0, 1)


def worker_steps(start_step: int = 0, worker: Optional[Tuple[int, int]] = None) -> Iterator[int]:
    """The rank's steps this worker takes: worker i of n takes start+i, start+i+n, … so that a
    DataLoader, which interleaves its workers round-robin, yields start, start+1, … in order."""
    wid, n = current_worker(worker)
    return itertools.count(start_step + wid, n)


def _param(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple, np.ndarray)):
        return ",".join(str(int(x)) for x in v)
    return str(v)


class Client:
    """A SynthClips client over HTTP/2 (h2c with prior knowledge for http://, ALPN h2 for
    https://). Thread-safe; `batches` keeps `prefetch` requests in flight.

    Each thread that makes requests (the caller's, each prefetch thread) has its own connection.
    httpcore 1.0.x does not serialise the h2 state of a connection shared by threads: header
    encoding ran concurrently (a corrupt HPACK table, "deque mutated during iteration"), and an
    event filed for a stream closed meanwhile raised KeyError and dropped the events read with
    it, stalling other streams until their read timeout. Measured here under `batches`: about one
    run in 15 stalled for 60 s or failed. One request at a time per connection has no such race.

    `stream_window` is the HTTP/2 SETTINGS_INITIAL_WINDOW_SIZE advertised (None: httpcore's
    64 KiB default); `retries`, `backoff` and `backoff_cap` shape the retry of connection errors
    and 502/503/504 (Retry-After honoured, capped at `retry_after_cap`). A 503 "Textures warming
    up" (the server is generating a cold texture pool in the background) does not use up
    retries: the request waits, as Retry-After says, for up to `warmup_timeout` seconds."""

    def __init__(self, url: str, run: Optional[str] = None, token: Optional[str] = None, prefetch: int = 8,
                 timeout: float = 60, retries: int = 10, backoff: float = 0.1, backoff_cap: float = 4.0,
                 retry_after_cap: float = 30.0, stream_window: Optional[int] = DEFAULT_STREAM_WINDOW,
                 connection_window: Optional[int] = None, verify: Any = True, compress: bool = True,
                 warmup_timeout: float = 3600.0):
        if prefetch < 1:
            raise ValueError("prefetch must be >= 1")
        self.url = url.rstrip("/")
        self.run, self.prefetch, self.retries = run, prefetch, retries
        self.backoff, self.backoff_cap, self.retry_after_cap = backoff, backoff_cap, retry_after_cap
        self.warmup_timeout = warmup_timeout
        headers = {"accept-encoding": "zstd" if compress else "identity", "user-agent": "synthclips-python/0.1"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        if run:
            headers["x-run-id"] = run
        self._connect = lambda: httpx.Client(
            base_url=self.url, headers=headers, timeout=timeout, http1=False, http2=True,
            transport=make_transport(verify=verify, stream_window=stream_window, connection_window=connection_window))
        self._local = threading.local()
        self._connections: List[httpx.Client] = []   # every thread's, closed by close()
        self._closed = False
        self._pool: Optional[ThreadPoolExecutor] = None
        self._lock = threading.Lock()   # guards _pool, _connections and _closed
        # Enough buffers for the batches in flight and a few the caller still holds.
        self._buffers = _safetensors.BufferRecycler(keep=prefetch + 4)
        self.stats = {"requests": 0, "retries": 0, "bytes": 0, "warmup_waits": 0}

    # ---- lifecycle ----
    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        for http in connections:
            http.close()
        self._buffers.clear()

    @property
    def _http(self) -> httpx.Client:
        """This thread's connection (made on first use)."""
        http = getattr(self._local, "http", None)
        if http is None or http.is_closed:
            with self._lock:
                if self._closed:
                    raise RuntimeError("the SynthClips client has been closed")
                http = self._local.http = self._connect()
                self._connections.append(http)
        return http

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- plain routes ----
    def stages(self) -> Dict[str, Any]:
        return self._json("/v1/stages")

    def provenance(self, run: Optional[str] = None, **params: Any) -> Dict[str, Any]:
        run = run or self.run
        if not run:
            raise ValueError("provenance needs a run id")
        return self._json(f"/v1/provenance/runs/{quote(run, safe='')}", params)

    def clip(self, stage: str, seed: int, **overrides: Any) -> np.ndarray:
        """One clip: uint8 [T,H,W,3]."""
        return self.clip_batch(stage, seed, **overrides).video[0]

    def clip_batch(self, stage: str, seed: int, **overrides: Any) -> Batch:
        """One clip with its metadata, as a Batch of size 1."""
        return self._document(f"/v1/clips/{quote(stage, safe='')}/{int(seed)}", overrides, stage,
                              expected_seeds=np.array([seed], dtype=np.uint64), index=None)

    def batch(self, stage: str, index: int, batch_size: int, start_seed: int = 0, **overrides: Any) -> Batch:
        """Batch `index`: seeds start_seed + index·batch_size … + batch_size − 1."""
        params = {**overrides, "batch_size": batch_size, "start_seed": start_seed}
        if self.run:
            params.setdefault("run", self.run)
        expected = None
        if isinstance(batch_size, int) and batch_size > 0:
            first = int(start_seed) + int(index) * batch_size
            expected = np.arange(first, first + batch_size, dtype=np.uint64)
        return self._document(f"/v1/batches/{quote(stage, safe='')}/{int(index)}", params, stage,
                              expected_seeds=expected, index=int(index))

    # ---- the endless iterator ----
    def batches(self, stage: str, batch_size: int, start_step: int = 0, rank: int = 0, world_size: int = 1,
                start_seed: int = 0, worker: Optional[Tuple[int, int]] = None,
                config_hash: Optional[str] = None, **overrides: Any) -> Iterator[Batch]:
        """Endless batches in DESIGN.md's order: step j (from `start_step`) is global batch index
        j·world_size + rank. Inside a torch DataLoader worker (or with `worker=(i, n)`) this
        yields only the steps start+i, start+i+n, …. `prefetch` requests stay in flight; a failed
        request is retried in place, so the order never changes. Every batch must carry the
        configuration hash and generator version of the first (or `config_hash` when given)."""
        batch_index(start_step, rank, world_size)  # validates
        steps = worker_steps(start_step, worker)
        pool = self._executor()
        pending: deque = deque()
        pinned: Optional[Tuple[str, str]] = None
        try:
            while True:
                while len(pending) < self.prefetch:
                    step = next(steps)
                    pending.append((step, pool.submit(self.batch, stage, batch_index(step, rank, world_size),
                                                      batch_size, start_seed, **overrides)))
                step, fut = pending.popleft()
                b = fut.result()
                b.step = step
                if config_hash is not None and b.config_hash != config_hash:
                    raise SynthClipsProtocolError(f"batch {b.index} has configuration hash {b.config_hash}, "
                                                  f"not the requested {config_hash}")
                if pinned is None:
                    pinned = (b.config_hash, b.generator_version)
                elif (b.config_hash, b.generator_version) != pinned:
                    raise SynthClipsProtocolError(
                        f"batch {b.index} has configuration {b.config_hash} / generator {b.generator_version}, "
                        f"but this iterator started with {pinned[0]} / {pinned[1]}")
                yield b
        finally:
            for _, fut in pending:
                fut.cancel()

    # ---- internals ----
    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.prefetch, thread_name_prefix="synthclips")
            return self._pool

    def _sleep_before_retry(self, attempt: int, retry_after: Optional[float]) -> None:
        delay = random.uniform(0, min(self.backoff_cap, self.backoff * 2 ** attempt))  # full jitter
        if retry_after is not None:
            delay = min(self.retry_after_cap, retry_after) + random.uniform(0, self.backoff)
        self.stats["retries"] += 1
        time.sleep(delay)

    def _get(self, path: str, params: Mapping[str, Any]) -> Tuple[httpx.Response, bytes]:
        q = {k: _param(v) for k, v in params.items()}
        last: Optional[BaseException] = None
        warmup_deadline = time.monotonic() + self.warmup_timeout
        attempt = 0
        while attempt <= self.retries:
            retry_after = None
            http = self._http
            try:
                with http.stream("GET", path, params=q) as r:
                    body = b"".join(r.iter_raw())
            except httpx.TransportError as e:   # connect/read/write errors, timeouts, broken h2
                if self._closed:
                    raise   # close() shut the socket under this request: nothing to retry
                last = e
            else:
                self.stats["requests"] += 1
                if r.status_code < 400:
                    self.stats["bytes"] += len(body)
                    return r, body
                if r.status_code not in RETRY_STATUSES:
                    raise self._problem(r, body)
                last = self._problem(r, body)
                ra = r.headers.get("retry-after")
                retry_after = float(ra) if ra and ra.strip().isdigit() else None
                if last.title == WARMING_TITLE and time.monotonic() < warmup_deadline:
                    self.stats["warmup_waits"] += 1
                    time.sleep(min(self.retry_after_cap, retry_after or 1.0))
                    continue
            if attempt < self.retries:
                self._sleep_before_retry(attempt, retry_after)
            attempt += 1
        if isinstance(last, SynthClipsError):
            raise last
        raise SynthClipsUnavailable(0, "Unavailable", f"{type(last).__name__}: {last} (after {self.retries} retries)",
                                    url=f"{self.url}{path}") from last

    def _problem(self, r: httpx.Response, body: bytes) -> SynthClipsError:
        if r.headers.get("content-encoding") == "zstd":
            try:
                body = bytes(_safetensors.decompress(body, 1 << 20))
            except SynthClipsError:
                pass
        try:
            p = json.loads(body.decode("utf-8"))
            if not isinstance(p, dict):
                raise ValueError
        except ValueError:
            p = {"title": r.reason_phrase, "detail": body[:500].decode("utf-8", "replace")}
        return SynthClipsError(int(p.get("status", r.status_code)), str(p.get("title", "")), str(p.get("detail", "")),
                               parameter=p.get("parameter"), allowed=p.get("allowed"), problem=p, url=str(r.url))

    def _json(self, path: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        r, body = self._get(path, params or {})
        if r.headers.get("content-encoding") == "zstd":
            body = bytes(_safetensors.decompress(body))
        return json.loads(body.decode("utf-8"))

    def _document(self, path: str, params: Mapping[str, Any], stage: str, expected_seeds: Optional[np.ndarray],
                  index: Optional[int]) -> Batch:
        r, body = self._get(path, params)
        url = str(r.url)
        enc = r.headers.get("content-encoding", "identity")
        if enc == "zstd":
            buf = self._buffers.decompress(body)
        elif enc == "identity":
            buf = body
        else:
            raise SynthClipsProtocolError(f"unexpected Content-Encoding {enc!r}", url)
        try:
            t, meta = _safetensors.parse(buf)
        except SynthClipsProtocolError as e:
            raise SynthClipsProtocolError(e.detail, url) from None
        return _to_batch(t, meta, r.headers, stage, expected_seeds, index, url)


def _to_batch(t: Dict[str, np.ndarray], meta: Dict[str, str], headers: Mapping[str, str], stage: str,
              expected_seeds: Optional[np.ndarray], index: Optional[int], url: str) -> Batch:
    def bad(msg: str) -> SynthClipsProtocolError:
        return SynthClipsProtocolError(msg, url)

    for name, dt, rank in (("video", np.uint8, 5), ("seeds", np.uint64, 1), ("frame_indices", np.int32, 2)):
        if name not in t or t[name].dtype != dt or t[name].ndim != rank:
            raise bad(f"tensor {name!r} missing or not {np.dtype(dt)} of rank {rank}")
    video, seeds, fi = t["video"], t["seeds"], t["frame_indices"]
    B, T = video.shape[:2]
    if video.shape[4] != 3 or seeds.shape != (B,) or fi.shape != (B, T):
        raise bad(f"inconsistent shapes video {video.shape}, seeds {seeds.shape}, frame_indices {fi.shape}")
    for key in ("stage", "config_hash", "generator_version", "config"):
        if key not in meta:
            raise bad(f"__metadata__ lacks {key!r}")
    h_hash, h_gen = headers.get("x-synthclips-config-hash"), headers.get("x-synthclips-generator-version")
    if h_hash is None or h_gen is None:
        raise bad("response lacks x-synthclips-config-hash / x-synthclips-generator-version")
    if meta["config_hash"] != h_hash:
        raise bad(f"metadata config_hash {meta['config_hash']} != header {h_hash}")
    if meta["generator_version"] != h_gen:
        raise bad(f"metadata generator_version {meta['generator_version']} != header {h_gen}")
    if _HASH.match(stage) and meta["config_hash"] != stage and not _is_override_request(url):
        raise bad(f"asked for configuration {stage}, got {meta['config_hash']}")
    if expected_seeds is not None and not np.array_equal(seeds, expected_seeds):
        raise bad(f"seeds {seeds[:4].tolist()}… are not the requested {expected_seeds[:4].tolist()}…")
    h_seeds = headers.get("x-synthclips-seeds")
    if h_seeds is not None and B and h_seeds != f"{int(seeds[0])}-{int(seeds[-1])}":
        raise bad(f"x-synthclips-seeds {h_seeds} does not match the document's seeds")
    try:
        config = json.loads(meta["config"])
    except ValueError:
        raise bad("__metadata__ config is not JSON") from None
    return Batch(video=video, seeds=seeds, frame_indices=fi, config_hash=meta["config_hash"],
                 generator_version=meta["generator_version"], stage=meta["stage"], config=config, index=index)


_NON_OVERRIDES = {"batch_size", "start_seed", "run", "frames", "stride", "start", "frame_indices"}


def _is_override_request(url: str) -> bool:
    q = httpx.URL(url).params
    return any(k not in _NON_OVERRIDES for k in q.keys())
