"""Abuse and limits against a real server: garbage prefaces, oversize headers, a client that
stops reading, slow senders, connection churn, connection limit, graceful shutdown.
Every loop is bounded in count and time."""
import asyncio
import os
import socket
import subprocess
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import httpx

from http2_support import DemoServer, demo, demo_factory, tls_files, wait_until  # noqa: F401 (fixtures)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def connect(demo: DemoServer, timeout: float = 5) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", demo.port), timeout=timeout)
    return s


def read_until_closed(s: socket.socket, limit: int = 1 << 20, timeout: float = 5) -> bytes:
    """Reads until EOF (or reset) within `timeout`; returns what arrived."""
    s.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    try:
        while len(data) < limit and time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
    except ConnectionResetError:
        return data
    raise AssertionError(f"connection not closed within {timeout}s; got {data[:200]!r}")


def health_problem(demo: DemoServer) -> str:
    """Empty when GET /healthz over HTTP/2 answers "ok" within 5 s, else what went wrong."""
    r = subprocess.run(["curl", "-sS", "--max-time", "5", "--http2-prior-knowledge", demo.url("/healthz")],
                       capture_output=True, timeout=10)
    if r.stdout == b"ok":
        return ""
    return f"curl exit {r.returncode}, stdout {r.stdout[:200]!r}, stderr {r.stderr[-500:]!r}; {demo.describe()}"


def healthy(demo: DemoServer) -> bool:
    return not health_problem(demo)


def assert_healthy(demo: DemoServer) -> None:
    problem = health_problem(demo)
    assert not problem, problem


def test_garbage_instead_of_preface(demo: DemoServer):
    # Rejected at the first byte that cannot start an HTTP/1.1 request (no waiting for a newline).
    for garbage in (b"\x00" + os.urandom(4096), b"\x16\x03\x01\x02\x00\x01" + os.urandom(100),
                    b"GET\x00/ HTTP/1.1\r\n\r\n", b"\xff" * 10):
        with connect(demo) as s:
            s.sendall(garbage)
            reply = read_until_closed(s)
            assert reply == b"" or reply.startswith(b"HTTP/1.1 400"), reply[:100]
    # A correct preface followed by junk frames: GOAWAY, then close.
    with connect(demo) as s:
        s.sendall(PREFACE + b"\x00\x00\x04\x09\x00\x00\x00\x00\x07" + os.urandom(64))
        reply = read_until_closed(s)
        assert b"\x07" in reply  # a GOAWAY frame (type 7) came back before the close
    assert_healthy(demo)


def test_oversize_headers(demo_factory):
    demo = demo_factory("--max-header-bytes", "8192")
    big = "X-Big: " + "a" * 20000
    r = subprocess.run(["curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                        "-H", big, demo.url("/healthz")], capture_output=True, timeout=20)
    assert r.stdout == b"431"
    r = subprocess.run(["curl", "-sS", "--max-time", "10", "--http2-prior-knowledge", "-o", "/dev/null",
                        "-w", "%{http_code}", "-H", big, demo.url("/healthz")], capture_output=True, timeout=20)
    assert r.stdout == b"431" or r.returncode != 0   # 431, or GOAWAY if HPACK gives up first
    # A request line over the limit: 414.
    with connect(demo) as s:
        s.sendall(b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_until_closed(s).startswith(b"HTTP/1.1 414")
    assert_healthy(demo)


def test_request_body_limit(demo_factory):
    demo = demo_factory("--max-body-bytes", "1000")
    with connect(demo) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
        assert read_until_closed(s).startswith(b"HTTP/1.1 413")
    with httpx.Client(http1=False, http2=True, timeout=10) as c:
        assert c.post(demo.url("/echo"), content=b"x" * 5000).status_code == 413
        assert c.post(demo.url("/echo"), content=b"x" * 500).content == b"x" * 500


def test_client_that_stops_reading_keeps_memory_bounded(demo_factory):
    demo = demo_factory("--idle-timeout", "8")
    baseline = demo.rss_kib()
    socks = []
    try:
        # HTTP/1.1: an endless chunked stream that is never read.
        for _ in range(4):
            s = connect(demo)
            s.sendall(b"GET /stream/0/65536 HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(s)
        # HTTP/2 with huge windows: flow control does not stop the server, only backpressure does.
        for _ in range(4):
            s = connect(demo)
            conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
            conn.initiate_connection()
            conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2**31 - 1})
            conn.increment_flow_control_window(2**31 - 1 - 65535)
            for _ in range(8):
                sid = conn.get_next_available_stream_id()
                conn.send_headers(sid, [(":method", "GET"), (":path", "/stream/0/65536"),
                                        (":scheme", "http"), (":authority", "x")], end_stream=True)
            s.sendall(conn.data_to_send())
            socks.append(s)
        time.sleep(3)
        fds_with_clients = demo.fd_count()
        grown = demo.rss_kib() - baseline
        time.sleep(2)
        grown2 = demo.rss_kib() - baseline
        # 8 connections × (256 KiB soft limit + socket buffers + one 64 KiB chunk per stream):
        # a few MiB. Unbounded production would be hundreds of MiB by now.
        assert grown2 < 64 * 1024, f"RSS grew {grown} KiB then {grown2} KiB"
        assert grown2 - grown < 16 * 1024, f"RSS still growing: {grown} → {grown2} KiB"
        # After the idle timeout (8 s) without progress, the stalled connections are closed.
        assert wait_until(lambda: demo.fd_count() < fds_with_clients - 4, 12), "stalled connections not closed"
    finally:
        for s in socks:
            s.close()
    assert wait_until(lambda: healthy(demo), 10)


def test_slow_sender_is_dropped(demo_factory):
    demo = demo_factory("--slow-timeout", "1")
    # HTTP/1.1 slowloris: one header byte every 200 ms never completes the request.
    with connect(demo) as s:
        start = time.monotonic()
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        closed = False
        reply = b""
        s.settimeout(0.2)
        for i in range(40):  # at most ~8 s
            try:
                s.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            try:
                chunk = s.recv(4096)
                reply += chunk
                if not chunk:
                    closed = True
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:   # closed with our bytes unread: RST instead of FIN
                closed = True
                break
        elapsed = time.monotonic() - start
        assert closed, "slow sender not dropped"
        assert elapsed < 4, elapsed
        assert reply == b"" or reply.startswith(b"HTTP/1.1 408")
    # HTTP/2: a connection that never finishes its preface.
    with connect(demo) as s:
        start = time.monotonic()
        s.sendall(PREFACE[:10])
        read_until_closed(s, timeout=5)
        assert time.monotonic() - start < 4
    # A TLS-less connection that sends nothing at all.
    with connect(demo) as s:
        read_until_closed(s, timeout=5)
    assert_healthy(demo)


def test_idle_connection_closed(demo_factory):
    demo = demo_factory("--idle-timeout", "1")
    with connect(demo) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        start = time.monotonic()
        data = read_until_closed(s, timeout=5)
        assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"ok")
        assert 0.8 < time.monotonic() - start < 4


def test_thousand_connections_no_fd_leak(demo: DemoServer):
    assert_healthy(demo)
    time.sleep(0.3)
    baseline = demo.fd_count()
    opened = 0
    for batch in range(10):
        socks = [connect(demo) for _ in range(100)]
        opened += len(socks)
        # Half of them make a request first (one per protocol), the rest just close.
        for i, s in enumerate(socks[:50]):
            if i % 2:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            else:
                s.sendall(PREFACE + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        for s in socks:
            s.close()
    assert opened == 1000
    # Answering a new request means the server has drained the connections queued before it
    # (accept is FIFO); until then a low fd count proves nothing, as queued connections hold
    # no fd of the server's. A slow server may take seconds to drain a full queue.
    assert wait_until(lambda: healthy(demo), 15), health_problem(demo)
    # alive() first: a dead process's /proc/PID/fd is empty, which would pass for no leak.
    assert wait_until(lambda: demo.alive() and demo.fd_count() <= baseline, 10), (baseline, demo.describe())


def test_connection_limit(demo_factory):
    demo = demo_factory("--max-connections", "5")
    socks = [connect(demo) for _ in range(5)]
    try:
        for s in socks:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            s.settimeout(5)
            assert s.recv(4096).startswith(b"HTTP/1.1 200")
        with connect(demo) as extra:
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_until_closed(extra) == b""
    finally:
        for s in socks:
            s.close()
    assert wait_until(lambda: healthy(demo), 10)


def test_graceful_shutdown_finishes_inflight(demo_factory):
    demo = demo_factory("--grace", "5")

    async def run():
        async with httpx.AsyncClient(http1=False, http2=True, timeout=30) as c:
            task = asyncio.ensure_future(c.get(demo.url("/deferred/1000?ms=1000")))
            await asyncio.sleep(0.3)
            demo.proc.send_signal(2)  # SIGINT
            return await task
    start = time.monotonic()
    r = asyncio.run(run())
    assert r.status_code == 200 and len(r.content) == 1000
    assert demo.proc.wait(10) == 0
    assert time.monotonic() - start < 5
    # Not accepting any more.
    try:
        socket.create_connection(("127.0.0.1", demo.port), timeout=2).close()
        refused = False
    except OSError:
        refused = True
    assert refused


def test_shutdown_deadline_closes_stuck_connections(demo_factory):
    demo = demo_factory("--grace", "1")
    s = connect(demo)
    s.sendall(b"GET /stream/0/65536 HTTP/1.1\r\nHost: x\r\n\r\n")   # endless, never read
    time.sleep(0.3)
    start = time.monotonic()
    demo.proc.send_signal(15)
    assert demo.proc.wait(10) == 0
    assert time.monotonic() - start < 4
    s.close()


def test_tls_port_rejects_plaintext_and_slow_handshakes(demo_factory, tls_files):
    cert, key = tls_files
    demo = demo_factory("--tls-cert", cert, "--tls-key", key, "--slow-timeout", "1")
    with connect(demo) as s:   # plaintext HTTP to a TLS port: handshake fails, connection closes
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        read_until_closed(s, timeout=5)
    with connect(demo) as s:   # half a ClientHello, then silence: dropped after the slow-sender timeout
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        start = time.monotonic()
        read_until_closed(s, timeout=6)
        assert time.monotonic() - start < 4
    r = subprocess.run(["curl", "-sS", "--max-time", "10", "--cacert", cert, demo.url("/healthz", "https")],
                       capture_output=True, timeout=20)
    assert r.stdout == b"ok"
