import CNghttp2
import Dispatch

/// HTTP/2 on one connection: the stream table, request assembly, routing and response bodies
/// over one `NGHTTP2Session`.
///
/// `@unchecked Sendable` is sound because every stored property is read and written only on
/// `queue` (the connection's serial queue): `receive`, `produceOutput`, `tick`, `beginShutdown`
/// and `connectionClosed` are called there by the transport, nghttp2 callbacks run inside them,
/// and worker-pool completions hop back with `queue.async` before touching anything.
/// The compiler cannot check this; the TSan test run is the guard.
final class HTTP2Connection: ProtocolHandler, NGHTTP2SessionDelegate, @unchecked Sendable {
    let context: ServerContext
    let queue: DispatchQueue
    weak var transport: (any ConnectionTransport)?
    let remoteAddress: String
    let isTLS: Bool

    private var session: NGHTTP2Session?
    private var streams: [Int32: HTTP2Stream] = [:]
    private var jobs: JobQuota
    private var closed = false
    private var fatal = false
    private var settingsReceived = false
    private var shuttingDown = false
    private let openedAt: UInt64
    private var lastActivity: UInt64
    private var config: Configuration { context.configuration }

    init(context: ServerContext, queue: DispatchQueue, remoteAddress: String, isTLS: Bool) {
        self.context = context
        self.queue = queue
        self.remoteAddress = remoteAddress
        self.isTLS = isTLS
        self.jobs = JobQuota(limit: context.configuration.maxJobsPerConnection)
        self.openedAt = context.clock.nowNanoseconds()
        self.lastActivity = openedAt
        let c = context.configuration
        session = NGHTTP2Session(delegate: self, settings: .init(
            maxConcurrentStreams: c.maxConcurrentStreams, initialWindowSize: c.streamWindowBytes,
            maxHeaderListSize: c.maxHeaderListBytes, connectionWindowSize: c.connectionWindowBytes))
        if session == nil {
            context.logger.log(.error, "nghttp2 session creation failed for \(remoteAddress)")
            fatal = true
        }
    }

    var activeStreamCount: Int { streams.count }

    // MARK: ProtocolHandler

    func receive(_ bytes: UnsafeRawBufferPointer) {
        guard let session, !fatal else { return }
        lastActivity = context.clock.nowNanoseconds()
        if !session.receive(bytes) {
            context.logger.log(.warning, "HTTP/2 protocol error from \(remoteAddress); closing")
            fatal = true
        }
    }

    func produceOutput(into output: ByteBuffer, limit: Int) {
        guard let session, !closed else { return }
        if !session.send(into: output, limit: limit) { fatal = true }
    }

    var wantsRead: Bool { !fatal && (session?.wantsRead ?? false) }
    var wantsWrite: Bool { !closed && (session?.wantsWrite ?? false) }
    var isFinished: Bool {
        guard let session, !fatal else { return true }
        return !session.wantsRead && !session.wantsWrite
    }

    func tick(now: UInt64) {
        guard let session, !fatal, !closed else { return }
        let slow = config.slowSenderTimeout.nanoseconds
        if !settingsReceived && now &- openedAt > slow {
            context.logger.log(.warning, "HTTP/2 client \(remoteAddress) sent no preface/SETTINGS within \(config.slowSenderTimeout); closing")
            fatal = true
            return
        }
        if let s = streams.values.first(where: { !$0.requestComplete && now &- $0.startedAt > slow }) {
            context.logger.log(.warning, "HTTP/2 stream \(s.id) from \(remoteAddress) still incomplete after \(config.slowSenderTimeout) (slow sender); GOAWAY")
            session.terminate(errorCode: NGHTTP2_ENHANCE_YOUR_CALM.rawValue)
            return
        }
        guard now &- lastActivity > config.idleTimeout.nanoseconds else { return }
        if streams.isEmpty {
            if !shuttingDown {
                context.logger.log(.info, "HTTP/2 connection \(remoteAddress) idle for \(config.idleTimeout); GOAWAY")
                beginShutdown()
            }
        } else if jobs.inFlight == 0 {
            // Streams open, nothing being produced, and not a frame from the client (not even a
            // WINDOW_UPDATE) for idleTimeout: a client that stopped reading. Free what it holds.
            context.logger.log(.warning, "HTTP/2 client \(remoteAddress) stalled with \(streams.count) open stream(s) for \(config.idleTimeout); closing")
            session.terminate(errorCode: NGHTTP2_CANCEL.rawValue)
        }
    }

    /// HTTP/2 clients do not half-close: EOF means gone. Streams end in `connectionClosed`.
    func inputClosed() { fatal = true }

    /// Graceful shutdown. The GOAWAY waits until no stream is in flight (or the server's
    /// grace deadline closes the connection): some clients (Python httpcore 1.0) fail every
    /// in-flight stream when a GOAWAY arrives, even those below its last-stream-id.
    func beginShutdown() {
        guard session != nil, !shuttingDown else { return }
        shuttingDown = true
        if streams.isEmpty { sendGoaway() } else { goawayPending = true }
    }

    private var goawayPending = false
    private func sendGoaway() {
        goawayPending = false
        session?.submitGoaway()
    }

    func connectionClosed() {
        guard !closed else { return }
        closed = true
        let open = streams.values.sorted { $0.id < $1.id }
        streams.removeAll()
        for s in open { finish(s, outcome: .connectionClosed) }
        session?.close()
        session = nil
    }

    // MARK: NGHTTP2SessionDelegate (called inside receive / produceOutput)

    func h2BeginHeaders(stream id: Int32) {
        streams[id] = HTTP2Stream(id: id, startedAt: context.clock.nowNanoseconds())
    }

    func h2Header(stream id: Int32, name: String, value: String, byteCount: Int) {
        guard let s = streams[id], !s.headersTooLarge else { return }
        s.headerBytes += byteCount + 32
        if s.headerBytes > config.maxHeaderListBytes || s.headers.count >= config.maxHeaderCount {
            s.headersTooLarge = true
            s.headers = HTTPHeaders()
            return
        }
        switch name {
        case ":method": s.method = value
        case ":path": s.path = value
        case ":authority": s.authority = value
        case ":scheme", ":protocol": break
        default: s.headers.addLowercased(name: name, value: value)   // nghttp2 rejects uppercase names
        }
    }

    func h2HeadersReceived(stream id: Int32, endStream: Bool) {
        guard let s = streams[id] else { return }
        if s.headersTooLarge {
            context.logger.log(.warning, "HTTP/2 request headers from \(remoteAddress) over \(config.maxHeaderListBytes) bytes or \(config.maxHeaderCount) fields; 431")
            s.requestComplete = true
            respond(s, .text(status: 431, "request header fields too large"))
            return
        }
        if let cl = s.headers["content-length"], let n = Int(cl), n > config.maxRequestBodyBytes {
            rejectBodyTooLarge(s)
            return
        }
        if endStream { requestReady(s) }
    }

    func h2DataChunk(stream id: Int32, _ data: UnsafeRawBufferPointer) {
        guard let s = streams[id], !s.responded, !s.bodyTooLarge else { return }
        if s.body.count + data.count > config.maxRequestBodyBytes {
            rejectBodyTooLarge(s)
            return
        }
        s.body.append(contentsOf: data)
    }

    func h2EndStream(stream id: Int32) {
        guard let s = streams[id] else { return }
        s.requestComplete = true
        if !s.responded { requestReady(s) }
    }

    func h2SettingsReceived() { settingsReceived = true }
    func h2GoawayReceived() {}

    func h2StreamClosed(stream id: Int32, errorCode: UInt32) {
        lastActivity = context.clock.nowNanoseconds()
        guard let s = streams.removeValue(forKey: id) else { return }
        if goawayPending && streams.isEmpty { sendGoaway() }
        let outcome: ResponseCompletion.Outcome
        if s.failed { outcome = .failed }
        else if s.allSent && errorCode == 0 { outcome = .completed }
        else { outcome = .reset(errorCode: errorCode) }
        finish(s, outcome: outcome)
    }

    func h2ReadBody(stream id: Int32, maxLength: Int) -> NGHTTP2Session.BodyRead {
        guard let s = streams[id] else { return .fail }
        let remaining = s.out.count - s.readOffset
        if remaining > 0 {
            let n = min(remaining, maxLength)
            s.readOffset += n
            let end = s.producer == nil && s.readOffset == s.out.count
            if end { s.allSent = true }
            return .data(n, endStream: end)
        }
        guard let producer = s.producer else {
            s.allSent = true
            return .data(0, endStream: true)
        }
        if s.producerFinished {
            s.allSent = true
            return .data(0, endStream: true)
        }
        if !s.producing { produceNextChunk(s, producer) }
        return .deferred
    }

    func h2CopyBody(stream id: Int32, length: Int, into output: ByteBuffer) -> Bool {
        guard let s = streams[id], s.sendOffset + length <= s.out.count else { return false }
        output.append(s.out, from: s.sendOffset, count: length)
        s.sendOffset += length
        s.bodyBytesSent += length
        if s.sendOffset == s.out.count && s.producer != nil {
            // Chunk handed over: drop it so at most one chunk per stream is held.
            s.out = []
            s.readOffset = 0
            s.sendOffset = 0
        }
        return true
    }

    func h2Error(_ message: String) {
        context.logger.log(.debug, "\(remoteAddress): \(message)")
    }

    // MARK: Requests and responses

    private func rejectBodyTooLarge(_ s: HTTP2Stream) {
        s.bodyTooLarge = true
        s.body = []
        context.logger.log(.warning, "HTTP/2 request body from \(remoteAddress) over \(config.maxRequestBodyBytes) bytes; 413")
        respond(s, .text(status: 413, "request body too large"))
    }

    private func requestReady(_ s: HTTP2Stream) {
        s.requestComplete = true
        guard !s.responded else { return }
        var request = Request(method: s.method, target: s.path, headers: s.headers, body: s.body,
                              remoteAddress: remoteAddress, version: .http2, authority: s.authority, isTLS: isTLS)
        request.headers = s.headers
        s.body = []
        s.isHead = s.method == "HEAD"
        let response = context.router.respond(to: request, logger: context.logger)
        respond(s, response)
    }

    private func respond(_ s: HTTP2Stream, _ response: Response) {
        guard !s.responded else { return }
        s.responded = true
        s.onCompletion = response.onCompletion
        s.status = response.status
        switch response.body {
        case let .bytes(bytes):
            submit(s, status: response.status, headers: response.headers, body: bytes)
        case let .deferred(produce):
            guard jobs.available, submitDeferred(pool: context.pool, queue: queue, produce, completion: { [self, id = s.id] result in
                self.deferredFinished(id, result)
            }) else {
                context.logger.log(.warning, "worker pool or per-connection job quota full; 503 to \(remoteAddress)")
                let busy = Response.serviceUnavailable(retryAfter: config.retryAfterSeconds)
                s.status = 503
                submit(s, status: 503, headers: busy.headers, body: Self.bytes(of: busy))
                return
            }
            jobs.inFlight += 1
            s.status = response.status
            pendingHeaders[s.id] = response.headers
        case let .stream(producer):
            s.producer = producer
            s.context = StreamContext()
            var headers = response.headers
            Self.stripConnectionHeaders(&headers)
            let hasBody = !s.isHead && Self.allowsBody(response.status)
            if !hasBody { s.allSent = true }
            let ok = session?.submitResponse(stream: s.id, status: response.status, headers: headers.fields,
                                             hasBody: hasBody) ?? false
            if !ok { session?.resetStream(s.id, errorCode: NGHTTP2_INTERNAL_ERROR.rawValue) }
        }
    }

    private var pendingHeaders: [Int32: HTTPHeaders] = [:]

    private func deferredFinished(_ id: Int32, _ result: Result<DeferredBody, any Error>) {
        jobs.inFlight -= 1
        var headers = pendingHeaders.removeValue(forKey: id) ?? [:]
        guard !closed, let s = streams[id] else { return }   // reset or connection gone: drop
        switch result {
        case let .success(body):
            for (name, value) in body.headers { headers.add(name: name, value: value) }
            submit(s, status: s.status, headers: headers, body: body.bytes)
        case let .failure(error as HTTPError):
            s.status = error.status
            submit(s, status: error.status, headers: error.headers, body: error.body)
        case let .failure(error):
            context.logger.log(.error, "deferred body for \(s.method) \(s.path) threw \(error); 500")
            s.status = 500
            submit(s, status: 500, headers: ["content-type": "text/plain; charset=utf-8"],
                   body: Array("internal server error\n".utf8))
        }
        transport?.outputAvailable()
    }

    private func produceNextChunk(_ s: HTTP2Stream, _ producer: ResponseStream) {
        guard let ctx = s.context else { return }
        s.producing = true
        jobs.inFlight += 1
        let ok = submitJob(pool: context.pool, queue: queue, force: true, { try producer.next(ctx) },
                           completion: { [self, id = s.id] result in self.chunkFinished(id, result) })
        if !ok {   // pool stopped (server shutting down)
            jobs.inFlight -= 1
            s.producing = false
            s.failed = true
            session?.resetStream(s.id, errorCode: NGHTTP2_INTERNAL_ERROR.rawValue)
        }
    }

    private func chunkFinished(_ id: Int32, _ result: Result<[UInt8]?, any Error>) {
        jobs.inFlight -= 1
        guard !closed, let s = streams[id] else { return }
        s.producing = false
        switch result {
        case let .success(chunk?):
            if s.sendOffset == s.out.count { s.out = chunk; s.readOffset = 0; s.sendOffset = 0 }
            else { s.out.append(contentsOf: chunk) }
        case .success(nil):
            s.producerFinished = true
        case let .failure(error):
            context.logger.log(.error, "stream body for \(s.method) \(s.path) threw \(error); RST_STREAM")
            s.failed = true
            session?.resetStream(id, errorCode: NGHTTP2_INTERNAL_ERROR.rawValue)
            transport?.outputAvailable()
            return
        }
        session?.resumeData(stream: id)
        transport?.outputAvailable()
    }

    private func submit(_ s: HTTP2Stream, status: Int, headers: HTTPHeaders, body: [UInt8]) {
        var h = headers
        Self.stripConnectionHeaders(&h)
        let sendBody = !s.isHead && Self.allowsBody(status) && !body.isEmpty
        if Self.allowsBody(status) { h.replaceOrAdd(name: "content-length", value: String(body.count)) }
        s.out = sendBody ? body : []
        s.readOffset = 0
        s.sendOffset = 0
        if !sendBody { s.allSent = true }
        let ok = session?.submitResponse(stream: s.id, status: status, headers: h.fields, hasBody: sendBody) ?? false
        if !ok {
            context.logger.log(.error, "submit_response failed for stream \(s.id)")
            session?.resetStream(s.id, errorCode: NGHTTP2_INTERNAL_ERROR.rawValue)
        }
    }

    private func finish(_ s: HTTP2Stream, outcome: ResponseCompletion.Outcome) {
        s.context?.cancelIfIncomplete(outcome)
        s.producer = nil
        s.out = []
        guard let cb = s.onCompletion else { return }
        s.onCompletion = nil
        cb(ResponseCompletion(status: s.status, bodyBytesSent: s.bodyBytesSent, outcome: outcome,
                              method: s.method, path: s.path))
    }

    static func allowsBody(_ status: Int) -> Bool { !(100..<200).contains(status) && status != 204 && status != 304 }

    private static let connectionHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length"]

    /// HTTP/2 forbids connection-specific fields; content-length is set by the server.
    static func stripConnectionHeaders(_ h: inout HTTPHeaders) {
        h.remove(names: connectionHeaders)
    }

    static func bytes(of r: Response) -> [UInt8] {
        if case let .bytes(b) = r.body { return b }
        return []
    }
}

extension StreamContext {
    func cancelIfIncomplete(_ outcome: ResponseCompletion.Outcome) {
        if outcome != .completed { cancel() }
    }
}
