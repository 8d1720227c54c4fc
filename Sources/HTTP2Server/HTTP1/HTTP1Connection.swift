import Dispatch

/// HTTP/1.1 on one connection: one request at a time (reading pauses while a response is
/// pending, so pipelined requests wait in the socket), keep-alive, 100-continue,
/// content-length bodies, chunked for streams.
///
/// `@unchecked Sendable` is sound for the same reason as `HTTP2Connection`: all state is
/// touched only on `queue`; pool completions hop back with `queue.async`.
final class HTTP1Connection: ProtocolHandler, @unchecked Sendable {
    let context: ServerContext
    let queue: DispatchQueue
    weak var transport: (any ConnectionTransport)?
    let remoteAddress: String
    let isTLS: Bool

    private var parser: HTTP1RequestParser
    private let inbound: ByteBuffer
    private var head: HTTP1RequestHead?
    private var jobs: JobQuota

    // The response in progress.
    private enum Phase { case reading, waitingForBody, sending, done }
    private var phase = Phase.reading
    private var pendingHead: [UInt8] = []
    private var out: [UInt8] = []
    private var outOffset = 0
    private var producer: ResponseStream?
    private var streamContext: StreamContext?
    private var producing = false
    private var producerFinished = false
    private var chunked = false
    private var suppressBody = false
    private var keepAlive = true
    private var status = 0
    private var method = ""
    private var path = ""
    private var bodyBytesSent = 0
    private var onCompletion: (@Sendable (ResponseCompletion) -> Void)?
    /// When the bytes of the current request began to arrive (or the connection opened).
    private var requestStartedAt: UInt64?
    private var lastActivity: UInt64
    private var shuttingDown = false
    private var finished = false
    private var closed = false
    private var peerClosedInput = false
    private var config: Configuration { context.configuration }

    init(context: ServerContext, queue: DispatchQueue, remoteAddress: String, isTLS: Bool) {
        self.context = context
        self.queue = queue
        self.remoteAddress = remoteAddress
        self.isTLS = isTLS
        let c = context.configuration
        parser = HTTP1RequestParser(limits: HTTP1Limits(
            maxRequestLineBytes: c.maxRequestLineBytes, maxHeaderBytes: c.maxHeaderListBytes,
            maxHeaderCount: c.maxHeaderCount, maxBodyBytes: c.maxRequestBodyBytes))
        inbound = ByteBuffer(capacity: 4096)
        jobs = JobQuota(limit: c.maxJobsPerConnection)
        let now = context.clock.nowNanoseconds()
        lastActivity = now
        requestStartedAt = now   // the first request must arrive within slowSenderTimeout
    }

    // MARK: ProtocolHandler

    func receive(_ bytes: UnsafeRawBufferPointer) {
        guard !closed, !finished else { return }
        lastActivity = context.clock.nowNanoseconds()
        inbound.append(bytes)
        process()
    }

    var wantsRead: Bool { !finished && !peerClosedInput && phase == .reading }
    var wantsWrite: Bool { !pendingHead.isEmpty || outOffset < out.count || (phase == .sending && !producing) }
    var isFinished: Bool { finished && pendingHead.isEmpty && outOffset >= out.count }

    /// The peer closed its side: finish the response in progress, then close.
    func inputClosed() {
        peerClosedInput = true
        if phase == .reading { finished = true }
        keepAlive = false
    }

    func tick(now: UInt64) {
        guard !closed, !finished else { return }
        if phase == .reading, let started = requestStartedAt, now &- started > config.slowSenderTimeout.nanoseconds {
            context.logger.log(.warning, "HTTP/1.1 client \(remoteAddress) did not send a complete request within \(config.slowSenderTimeout) (slow sender); 408")
            startError(status: 408, message: "request timeout")
            return
        }
        if phase == .reading && requestStartedAt == nil && now &- lastActivity > config.idleTimeout.nanoseconds {
            context.logger.log(.info, "HTTP/1.1 connection \(remoteAddress) idle for \(config.idleTimeout); closing")
            finished = true
        }
    }

    func beginShutdown() {
        shuttingDown = true
        keepAlive = false
        if phase == .reading && !parser.requestInProgress && inbound.isEmpty { finished = true }
    }

    func connectionClosed() {
        guard !closed else { return }
        closed = true
        if phase == .sending || phase == .waitingForBody {
            complete(outcome: .connectionClosed)
        }
        out = []
        producer = nil
    }

    func produceOutput(into output: ByteBuffer, limit: Int) {
        guard !closed else { return }
        while output.readableBytes < limit {
            if !pendingHead.isEmpty {
                output.append(pendingHead)
                pendingHead = []
                continue
            }
            if outOffset < out.count {
                let n = min(out.count - outOffset, limit - output.readableBytes + 16 * 1024)
                output.append(out, from: outOffset, count: n)
                outOffset += n
                if outOffset == out.count { out = []; outOffset = 0 }
                continue
            }
            guard phase == .sending else { return }
            if let producer {
                if producerFinished {
                    if chunked && !suppressBody { output.append("0\r\n\r\n") }
                    responseDone()
                    continue
                }
                if !producing { requestChunk(producer) }
                return
            }
            responseDone()
        }
    }

    // MARK: Requests

    private func process() {
        while phase == .reading && !finished {
            let (consumed, event) = inbound.withReadableBytes { parser.parse($0) }
            inbound.consume(consumed)
            if parser.requestInProgress && requestStartedAt == nil {
                requestStartedAt = context.clock.nowNanoseconds()
            }
            guard let event else { return }
            switch event {
            case let .head(h):
                head = h
                if h.expectsContinue { pendingHead.append(contentsOf: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }
                if let done = parser.completeIfBodyless() { handle(done) }
            default:
                handle(event)
            }
        }
    }

    private func handle(_ event: HTTP1ParseEvent) {
        switch event {
        case .head:
            break
        case let .error(e):
            context.logger.log(.warning, "bad HTTP/1.1 request from \(remoteAddress): \(e); \(e.status)")
            startError(status: e.status, message: "\(e)")
        case let .complete(body):
            requestStartedAt = nil
            guard let h = head else { return }
            head = nil
            keepAlive = h.keepAlive && !shuttingDown
            method = h.method
            let request = Request(method: h.method, target: h.target, headers: h.headers, body: body,
                                  remoteAddress: remoteAddress, version: h.version,
                                  authority: h.headers["host"], isTLS: isTLS)
            path = request.path
            suppressBody = h.method == "HEAD"
            if h.version == .http1_0 && !h.keepAlive { keepAlive = false }
            start(context.router.respond(to: request, logger: context.logger), http10: h.version == .http1_0)
        }
    }

    private func startError(status: Int, message: String) {
        keepAlive = false
        finished = false
        method = ""
        path = ""
        suppressBody = false
        start(.text(status: status, message), http10: false)
        inbound.clear()
    }

    private func start(_ response: Response, http10: Bool) {
        status = response.status
        onCompletion = response.onCompletion
        bodyBytesSent = 0
        switch response.body {
        case let .bytes(b):
            setBody(status: response.status, headers: response.headers, body: b)
        case let .deferred(produce):
            guard jobs.available, submitDeferred(pool: context.pool, queue: queue, produce, completion: { [self] result in
                self.deferredFinished(result, headers: response.headers)
            }) else {
                context.logger.log(.warning, "worker pool or per-connection job quota full; 503 to \(remoteAddress)")
                let busy = Response.serviceUnavailable(retryAfter: config.retryAfterSeconds)
                status = 503
                setBody(status: 503, headers: busy.headers, body: HTTP2Connection.bytes(of: busy))
                return
            }
            jobs.inFlight += 1
            phase = .waitingForBody
        case let .stream(p):
            producer = p
            streamContext = StreamContext()
            producing = false
            producerFinished = false
            let allowsBody = HTTP2Connection.allowsBody(response.status) && !suppressBody
            chunked = allowsBody && !http10
            if http10 { keepAlive = false }
            if !allowsBody { producerFinished = true; suppressBody = true }
            pendingHead = Array(HTTP1ResponseEncoder.head(status: response.status, headers: response.headers,
                                                          contentLength: nil, chunked: chunked, close: !keepAlive).utf8)
            phase = .sending
        }
    }

    private func setBody(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        let allows = HTTP2Connection.allowsBody(status)
        pendingHead.append(contentsOf: Array(HTTP1ResponseEncoder.head(
            status: status, headers: headers, contentLength: allows ? body.count : nil,
            chunked: false, close: !keepAlive).utf8))
        out = (suppressBody || !allows) ? [] : body
        outOffset = 0
        bodyBytesSent = out.count
        producer = nil
        phase = .sending
    }

    private func deferredFinished(_ result: Result<DeferredBody, any Error>, headers: HTTPHeaders) {
        jobs.inFlight -= 1
        guard !closed, phase == .waitingForBody else { return }
        switch result {
        case let .success(body):
            var headers = headers
            for (name, value) in body.headers { headers.add(name: name, value: value) }
            setBody(status: status, headers: headers, body: body.bytes)
        case let .failure(e as HTTPError):
            status = e.status
            setBody(status: e.status, headers: e.headers, body: e.body)
        case let .failure(e):
            context.logger.log(.error, "deferred body for \(method) \(path) threw \(e); 500")
            status = 500
            setBody(status: 500, headers: ["content-type": "text/plain; charset=utf-8"],
                    body: Array("internal server error\n".utf8))
        }
        transport?.outputAvailable()
    }

    private func requestChunk(_ p: ResponseStream) {
        guard let ctx = streamContext else { return }
        producing = true
        jobs.inFlight += 1
        let ok = submitJob(pool: context.pool, queue: queue, force: true, { try p.next(ctx) },
                           completion: { [self] r in self.chunkFinished(r) })
        if !ok {
            jobs.inFlight -= 1
            producing = false
            failStream()
        }
    }

    private func chunkFinished(_ result: Result<[UInt8]?, any Error>) {
        jobs.inFlight -= 1
        producing = false
        guard !closed, phase == .sending, producer != nil else { return }
        switch result {
        case let .success(chunk?):
            if chunk.isEmpty || suppressBody { break }
            bodyBytesSent += chunk.count
            if chunked {
                var framed = Array(String(chunk.count, radix: 16).utf8) + [13, 10]
                framed.reserveCapacity(chunk.count + 16)
                framed.append(contentsOf: chunk)
                framed.append(contentsOf: [13, 10])
                out = framed
            } else {
                out = chunk
            }
            outOffset = 0
        case .success(nil):
            producerFinished = true
        case let .failure(e):
            context.logger.log(.error, "stream body for \(method) \(path) threw \(e); closing connection")
            failStream()
            return
        }
        transport?.outputAvailable()
    }

    private func failStream() {
        complete(outcome: .failed)
        producer = nil
        phase = .done
        finished = true   // the body cannot be terminated cleanly: close
    }

    private func responseDone() {
        complete(outcome: .completed)
        producer = nil
        streamContext = nil
        phase = .reading
        if !keepAlive || shuttingDown {
            finished = true
            return
        }
        requestStartedAt = nil
        process()   // a pipelined request may already be buffered
    }

    private func complete(outcome: ResponseCompletion.Outcome) {
        if outcome != .completed { streamContext?.cancel() }
        guard let cb = onCompletion else { return }
        onCompletion = nil
        cb(ResponseCompletion(status: status, bodyBytesSent: bodyBytesSent, outcome: outcome, method: method, path: path))
    }
}
