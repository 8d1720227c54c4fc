#if canImport(Glibc)
import Glibc
#endif
import CNghttp2
import Dispatch
@testable import HTTP2Server

/// A minimal nghttp2 *client* session for in-memory tests. Single-threaded: used only from
/// the test's thread.
final class H2TestClient {
    final class StreamResult {
        var status: Int?
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var closed = false
        var errorCode: UInt32 = 0
        var dataFrames = 0
    }

    private(set) var session: OpaquePointer?
    var streams: [Int32: StreamResult] = [:]
    var goawayReceived = false
    var requestBodies: [Int32: (bytes: [UInt8], offset: Int)] = [:]
    /// When false, received DATA is not acknowledged with WINDOW_UPDATE (a client that stops reading).
    let autoWindowUpdate: Bool

    init(initialWindow: Int = 1 << 30, connectionWindow: Int = 1 << 30, autoWindowUpdate: Bool = true) {
        self.autoWindowUpdate = autoWindowUpdate
        var cbsOpt: OpaquePointer?
        nghttp2_session_callbacks_new(&cbsOpt)
        guard let cbs = cbsOpt else { return }
        defer { nghttp2_session_callbacks_del(cbs) }
        nghttp2_session_callbacks_set_on_header_callback(cbs) { _, frame, name, nl, value, vl, _, ud in
            guard let ud, let frame, let name, let value else { return 0 }
            let c = Unmanaged<H2TestClient>.fromOpaque(ud).takeUnretainedValue()
            let n = String(decoding: UnsafeBufferPointer(start: name, count: nl), as: UTF8.self)
            let v = String(decoding: UnsafeBufferPointer(start: value, count: vl), as: UTF8.self)
            let r = c.result(frame.pointee.hd.stream_id)
            if n == ":status" { r.status = Int(v) } else { r.headers.append((n, v)) }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs) { _, _, sid, data, len, ud in
            guard let ud, let data else { return 0 }
            let c = Unmanaged<H2TestClient>.fromOpaque(ud).takeUnretainedValue()
            c.result(sid).body.append(contentsOf: UnsafeBufferPointer(start: data, count: len))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs) { _, frame, ud in
            guard let ud, let frame else { return 0 }
            let c = Unmanaged<H2TestClient>.fromOpaque(ud).takeUnretainedValue()
            if frame.pointee.hd.type == UInt8(NGHTTP2_GOAWAY.rawValue) { c.goawayReceived = true }
            if frame.pointee.hd.type == UInt8(NGHTTP2_DATA.rawValue) { c.result(frame.pointee.hd.stream_id).dataFrames += 1 }
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(cbs) { _, sid, code, ud in
            guard let ud else { return 0 }
            let c = Unmanaged<H2TestClient>.fromOpaque(ud).takeUnretainedValue()
            let r = c.result(sid)
            r.closed = true
            r.errorCode = code
            return 0
        }
        var optOpt: OpaquePointer?
        nghttp2_option_new(&optOpt)
        guard let opt = optOpt else { return }
        defer { nghttp2_option_del(opt) }
        if !autoWindowUpdate { nghttp2_option_set_no_auto_window_update(opt, 1) }
        var s: OpaquePointer?
        nghttp2_session_client_new2(&s, cbs, Unmanaged.passUnretained(self).toOpaque(), opt)
        session = s
        var iv = [nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                         value: UInt32(initialWindow)),
                  nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                                         value: 1000)]
        nghttp2_submit_settings(s, 0, &iv, iv.count)
        if connectionWindow > 65535 {
            nghttp2_session_set_local_window_size(s, 0, 0, Int32(connectionWindow))
        }
    }

    deinit { if let session { nghttp2_session_del(session) } }

    func result(_ id: Int32) -> StreamResult {
        if let r = streams[id] { return r }
        let r = StreamResult()
        streams[id] = r
        return r
    }

    @discardableResult
    func request(_ path: String, headers: [(String, String)] = []) -> Int32 {
        request("GET", path, headers: headers, body: nil)
    }

    @discardableResult
    func request(_ method: String, _ path: String, headers: [(String, String)] = [],
                 body: [UInt8]? = nil) -> Int32 {
        var fields = [(":method", method), (":path", path), (":scheme", "http"), (":authority", "memory")]
        fields.append(contentsOf: headers)
        var arena: [[UInt8]] = fields.flatMap { [Array($0.0.utf8), Array($0.1.utf8)] }
        var id: Int32 = -1
        var ptrs: [UnsafeMutablePointer<UInt8>] = []
        for i in arena.indices {
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, arena[i].count))
            p.initialize(from: arena[i], count: arena[i].count)
            ptrs.append(p)
        }
        defer { ptrs.forEach { $0.deallocate() } }
        arena = []
        var nva = fields.indices.map { i in
            nghttp2_nv(name: ptrs[2 * i], value: ptrs[2 * i + 1], namelen: fields[i].0.utf8.count,
                       valuelen: fields[i].1.utf8.count, flags: 0)
        }
        if let body {
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil)) { _, sid, buf, len, flags, _, ud in
                guard let ud, let buf, let flags else { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
                let c = Unmanaged<H2TestClient>.fromOpaque(ud).takeUnretainedValue()
                guard var b = c.requestBodies[sid] else { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue; return 0 }
                let n = min(len, b.bytes.count - b.offset)
                b.bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawPointer(buf).copyMemory(from: raw.baseAddress! + b.offset, byteCount: n)
                }
                b.offset += n
                c.requestBodies[sid] = b
                if b.offset == b.bytes.count { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
                return n
            }
            id = nghttp2_submit_request(session, nil, &nva, nva.count, &provider, nil)
            requestBodies[id] = (body, 0)
        } else {
            id = nghttp2_submit_request(session, nil, &nva, nva.count, nil, nil)
        }
        _ = result(id)
        return id
    }

    func reset(_ id: Int32, code: UInt32 = NGHTTP2_CANCEL.rawValue) {
        nghttp2_submit_rst_stream(session, 0, id, code)
    }

    /// Acknowledge `n` bytes of stream `id` (when autoWindowUpdate is off).
    func consume(_ id: Int32, _ n: Int) {
        nghttp2_session_consume(session, id, n)
    }

    func send() -> [UInt8] {
        var out: [UInt8] = []
        while true {
            var p: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &p)
            if n <= 0 { break }
            if let p { out.append(contentsOf: UnsafeBufferPointer(start: p, count: n)) }
        }
        return out
    }

    func receive(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { nghttp2_session_mem_recv(session, $0.baseAddress, $0.count) }
    }
}

/// Pairs an `HTTP2Connection` (the server side, on its own serial queue) with an
/// `H2TestClient` through memory buffers: no sockets.
final class InMemoryH2Pair: ConnectionTransport, @unchecked Sendable {
    // @unchecked Sendable: `server` and `output` are touched only inside `queue.sync` or on `queue`.
    let queue = DispatchQueue(label: "test.h2.connection")
    let client: H2TestClient
    var server: HTTP2Connection!
    let output = ByteBuffer(capacity: 1 << 16, allowsReferences: true)
    let context: ServerContext
    /// Per pump, at most this many server output bytes move (a small "socket buffer").
    var chunkLimit = 64 * 1024

    init(router: Router, configuration: Configuration = Configuration(), pool: WorkerPool? = nil,
         client: H2TestClient = H2TestClient(), clock: any ServerClock = MonotonicClock()) {
        let p = pool ?? WorkerPool(workerCount: 2, queueCapacity: 16)
        context = ServerContext(configuration: configuration, router: router, pool: p,
                                logger: StderrLogger(minimumLevel: .error), clock: clock)
        self.client = client
        queue.sync {
            server = HTTP2Connection(context: context, queue: queue, remoteAddress: "memory", isTLS: false)
            server.transport = self
        }
    }

    func outputAvailable() {}

    /// One round trip of bytes; returns bytes moved.
    @discardableResult
    func pumpOnce() -> Int {
        let c2s = client.send()
        let s2c: [UInt8] = queue.sync {
            if !c2s.isEmpty { c2s.withUnsafeBytes { server.receive($0) } }
            server.produceOutput(into: output, limit: chunkLimit)
            return output.readAll()
        }
        if !s2c.isEmpty { _ = client.receive(s2c) }
        return c2s.count + s2c.count
    }

    /// Pumps until `done` or `timeout` seconds pass; returns whether `done` held.
    @discardableResult
    func pump(timeout: Double = 20, until done: () -> Bool) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let moved = pumpOnce()
            if done() { return true }
            if moved == 0 { usleep(500) }
        }
        return done()
    }

    var serverStreamCount: Int { queue.sync { server.activeStreamCount } }
    var serverFinished: Bool { queue.sync { server.isFinished } }

    func close() { queue.sync { server.connectionClosed() } }
}
