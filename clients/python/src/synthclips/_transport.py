"""An httpx transport whose HTTP/2 connections advertise large flow-control windows.

httpcore (1.0.x) sends SETTINGS with the protocol default INITIAL_WINDOW_SIZE (65,535 bytes) and
reads the socket 64 KiB at a time. A batch of 16 clips is several MiB, so with many streams in
flight the server keeps stalling on WINDOW_UPDATEs. Here the connection's first SETTINGS frame
carries `stream_window` as SETTINGS_INITIAL_WINDOW_SIZE, the connection window is raised to
`connection_window` with one WINDOW_UPDATE, and the socket is read in larger chunks.

httpcore has no public hook for its HTTP/2 settings, so this subclasses three of its classes:
`HTTP2Connection` (overriding `_send_connection_init`, the one method that builds the initial
SETTINGS), `HTTPConnection` (to create that subclass) and `ConnectionPool` (to create those).
If a future httpcore drops `_send_connection_init`, `wide_windows_supported()` is False and the
client falls back to httpcore's defaults instead of breaking.
"""
from __future__ import annotations

import binascii
import ssl
from typing import Optional

import h2.settings
import hyperframe.frame
import httpcore
import httpx

DEFAULT_STREAM_WINDOW = 16 * 1024 * 1024
DEFAULT_CONNECTION_WINDOW = 64 * 1024 * 1024
MAX_WINDOW = 2**31 - 1
_H2_DEFAULT_WINDOW = 65535


def _cheap_raw_data_repr(data) -> str:
    """hyperframe's `_raw_data_repr` (6.x), with the same result, hex-encoding 11 bytes at most."""
    if not data:
        return "None"
    r = binascii.hexlify(data[:11]).decode("ascii")
    if len(r) > 20:
        r = r[:20] + "..."
    return "<hex:" + r + ">"


def _install_cheap_raw_data_repr() -> bool:
    """Replaces hyperframe's function when, on sample payloads, the two give the same strings."""
    original = getattr(hyperframe.frame, "_raw_data_repr", None)
    if original is None or original is _cheap_raw_data_repr:
        return original is not None
    samples = (None, b"", b"\x01", bytes(range(10)), bytes(range(11)), bytearray(range(200)), memoryview(bytes(300)))
    try:
        if any(original(d) != _cheap_raw_data_repr(d) for d in samples):
            return False
    except Exception:
        return False
    hyperframe.frame._raw_data_repr = _cheap_raw_data_repr
    return True


# h2 formats `repr(frame)` for its trace log on every frame it receives, logging on or not, and
# hyperframe's repr of a DATA frame hex-encodes the whole payload before keeping 20 characters.
# Measured (bench_client.py, accelerating-shapes batches of 16, same server): client CPU per clip
# 2.78-2.98 -> 2.49-2.52 ms with zstd bodies, 21.3 -> 13-14 ms uncompressed. The replacement is
# installed only where it returns the same strings as the installed hyperframe's.
_ORIGINAL_RAW_DATA_REPR = getattr(hyperframe.frame, "_raw_data_repr", None)
CHEAP_DATA_REPR_INSTALLED = _install_cheap_raw_data_repr()


def wide_windows_supported() -> bool:
    return hasattr(httpcore.HTTP2Connection, "_send_connection_init") and hasattr(httpcore, "HTTPConnection")


class WideHTTP2Connection(httpcore.HTTP2Connection):
    """httpcore's HTTP/2 connection with our initial SETTINGS and connection window."""

    stream_window = DEFAULT_STREAM_WINDOW
    connection_window = DEFAULT_CONNECTION_WINDOW
    READ_NUM_BYTES = 1024 * 1024

    def _send_connection_init(self, request: httpcore.Request) -> None:  # noqa: D401 - httpcore hook
        # As httpcore does (assigning local_settings wholesale so that h2 emits only one
        # SETTINGS frame), plus INITIAL_WINDOW_SIZE.
        self._h2_state.local_settings = h2.settings.Settings(
            client=True,
            initial_values={
                h2.settings.SettingCodes.ENABLE_PUSH: 0,
                h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 100,
                h2.settings.SettingCodes.MAX_HEADER_LIST_SIZE: 65536,
                h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: self.stream_window,
            },
        )
        del self._h2_state.local_settings[h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL]
        self._h2_state.initiate_connection()
        # The connection window is not a setting: it starts at 65,535 and grows by WINDOW_UPDATE.
        self._h2_state.increment_flow_control_window(self.connection_window - _H2_DEFAULT_WINDOW)
        self._write_outgoing_data(request)


class _WideHTTPConnection(httpcore.HTTPConnection):
    """Always HTTP/2 (h2c with prior knowledge, or TLS): creates a WideHTTP2Connection."""

    def __init__(self, *args, h2_class=WideHTTP2Connection, **kw):
        super().__init__(*args, **kw)
        self._h2_class = h2_class

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        if not self.can_handle_request(request.url.origin):
            raise RuntimeError(f"Attempted to send request to {request.url.origin} on connection to {self._origin}")
        try:
            with self._request_lock:
                if self._connection is None:
                    stream = self._connect(request)
                    self._connection = self._h2_class(
                        origin=self._origin, stream=stream, keepalive_expiry=self._keepalive_expiry)
        except BaseException as exc:
            self._connect_failed = True
            raise exc
        return self._connection.handle_request(request)


class _WidePool(httpcore.ConnectionPool):
    def __init__(self, *args, h2_class=WideHTTP2Connection, **kw):
        super().__init__(*args, **kw)
        self._h2_class = h2_class

    def create_connection(self, origin: httpcore.Origin) -> httpcore.ConnectionInterface:
        return _WideHTTPConnection(
            origin=origin, ssl_context=self._ssl_context, keepalive_expiry=self._keepalive_expiry,
            http1=False, http2=True, retries=self._retries, local_address=self._local_address,
            uds=self._uds, network_backend=self._network_backend, socket_options=self._socket_options,
            h2_class=self._h2_class)


def make_transport(*, verify: ssl.SSLContext | bool | str = True, stream_window: Optional[int] = DEFAULT_STREAM_WINDOW,
                   connection_window: Optional[int] = None, read_chunk: int = 1024 * 1024,
                   max_connections: int = 4) -> httpx.HTTPTransport:
    """An HTTP/2-only httpx transport. `stream_window=None` keeps httpcore's defaults exactly."""
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    transport = httpx.HTTPTransport(http1=False, http2=True, verify=verify, limits=limits)
    if stream_window is None or not wide_windows_supported():
        return transport
    if not 65535 <= stream_window <= MAX_WINDOW:
        raise ValueError(f"stream_window must be in [65535, {MAX_WINDOW}], got {stream_window}")
    connection_window = min(MAX_WINDOW, connection_window or max(4 * stream_window, DEFAULT_CONNECTION_WINDOW))
    h2_class = type("WideHTTP2Connection", (WideHTTP2Connection,), {
        "stream_window": stream_window, "connection_window": connection_window, "READ_NUM_BYTES": read_chunk})
    old = transport._pool
    transport._pool = _WidePool(
        ssl_context=old._ssl_context, max_connections=old._max_connections,
        max_keepalive_connections=old._max_keepalive_connections, keepalive_expiry=old._keepalive_expiry,
        http1=False, http2=True, retries=0, socket_options=old._socket_options, h2_class=h2_class)
    return transport
