"""The client's HTTP/2 preface advertises the large stream window in its first SETTINGS frame and
opens the connection window with a WINDOW_UPDATE (checked on the wire, no server needed)."""
from __future__ import annotations

import socket
import struct
import threading

import client_support  # noqa: F401 - puts clients/python/src on sys.path

from synthclips import Client

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def capture_preface(window):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(10)
    got = {}

    def accept():
        conn, _ = srv.accept()
        conn.settimeout(10)
        data = b""
        try:
            while len(data) < 24 + 9 * 3 + 64:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        got["data"] = data
        conn.close()

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    with Client(f"http://127.0.0.1:{srv.getsockname()[1]}", retries=0, timeout=2, stream_window=window) as c:
        try:
            c.stages()
        except Exception:
            pass
    t.join(10)
    srv.close()
    data = got["data"]
    assert data.startswith(PREFACE)
    frames, pos = [], len(PREFACE)
    while pos + 9 <= len(data):
        length = int.from_bytes(data[pos:pos + 3], "big")
        ftype, stream = data[pos + 3], struct.unpack(">I", data[pos + 5:pos + 9])[0] & 0x7FFFFFFF
        frames.append((ftype, stream, data[pos + 9:pos + 9 + length]))
        pos += 9 + length
    return frames


def test_first_settings_carries_initial_window_size_and_connection_window_is_raised():
    frames = capture_preface(16 << 20)
    ftype, stream, payload = frames[0]
    assert ftype == 0x4 and stream == 0                                   # SETTINGS first
    settings = dict(struct.unpack(">HI", payload[i:i + 6]) for i in range(0, len(payload), 6))
    assert settings[0x4] == 16 << 20                                      # SETTINGS_INITIAL_WINDOW_SIZE
    assert settings[0x2] == 0                                             # ENABLE_PUSH off
    updates = [struct.unpack(">I", p)[0] for t, s, p in frames if t == 0x8 and s == 0]
    assert updates and 65535 + updates[0] >= 64 << 20                     # connection window


def test_stream_window_none_keeps_httpcore_defaults():
    ftype, _, payload = capture_preface(None)[0]
    settings = dict(struct.unpack(">HI", payload[i:i + 6]) for i in range(0, len(payload), 6))
    assert settings.get(0x4, 65535) == 65535


def test_data_frame_repr_is_hyperframes_string_without_hexing_the_payload():
    """The client swaps hyperframe's DATA-frame repr (which h2 computes for every frame it
    receives) for one that hex-encodes 11 bytes; the strings must stay the installed hyperframe's."""
    import hyperframe.frame
    import pytest
    from synthclips import _transport

    original = _transport._ORIGINAL_RAW_DATA_REPR
    if original is None:
        pytest.skip("this hyperframe has no _raw_data_repr to replace")
    assert _transport.CHEAP_DATA_REPR_INSTALLED
    assert hyperframe.frame._raw_data_repr is _transport._cheap_raw_data_repr
    for data in (b"", None, b"a", bytes(range(10)), bytes(range(11)), bytes(range(256)) * 64,
                 bytearray(b"xyz" * 1000), memoryview(bytes(range(256)) * 4)[3:900]):
        assert _transport._cheap_raw_data_repr(data) == original(data)
    frame = hyperframe.frame.DataFrame(1, data=b"\x00" * 1_000_000)
    assert repr(frame) == "DataFrame(stream_id=1, flags=[]): <hex:" + "0" * 20 + "...>"


def test_data_frame_repr_is_left_alone_when_it_differs(monkeypatch):
    """A hyperframe whose repr says something else keeps its own function."""
    import hyperframe.frame
    from synthclips import _transport

    def other(data):
        return "<other>"

    monkeypatch.setattr(hyperframe.frame, "_raw_data_repr", other)
    assert not _transport._install_cheap_raw_data_repr()
    assert hyperframe.frame._raw_data_repr is other
