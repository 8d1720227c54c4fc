#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// One accepted socket. Owns the fd, its Dispatch sources, the I/O buffers, the optional TLS
/// session and the protocol handler, all confined to `queue` (one serial queue per connection).
///
/// I/O discipline (nghttp2's and h2o's): after every read the handler consumes input and the
/// connection immediately produces and writes output; output is produced only into an empty
/// buffer, 64 KiB at a time (never more than `writeBufferSoftLimit`), so unsent output is
/// bounded; one write at a time (a synchronous non-blocking `sendmsg` on the queue; the write
/// source exists and is armed only after EAGAIN); reading pauses while a batch is stuck or the
/// handler wants no input; the connection closes when the handler is finished and the buffer
/// is empty.
///
/// Source lifecycle (INTEROP-NOTES 15-16): suspended sources are resumed before `cancel`; the fd
/// is closed and the handler torn down only after the cancel handlers of every source on the fd
/// (read, and write when it exists) have run.
///
/// `@unchecked Sendable` is sound: after `start()` every stored var is read and written only on
/// `queue` (source handlers target `queue`; outside callers use `queue.async`). `fd`, `queue`,
/// `server` and `context` are immutable.
final class Connection: ConnectionTransport, @unchecked Sendable {
    let fd: Int32
    let queue: DispatchQueue
    let remoteAddress: String
    private let context: ServerContext
    private weak var server: HTTPServer?
    private let tlsContext: TLSContext?

    private var readSource: (any DispatchSourceRead)?
    private var writeSource: (any DispatchSourceWrite)?
    private var timer: (any DispatchSourceTimer)?
    private var readSuspended = false
    private var writeSuspended = true   // sources start inactive; resume() activates
    private var closing = false
    /// Sources on the fd whose cancel handlers have not run yet: the fd closes only after the
    /// last one (Dispatch requires every source on a descriptor to be cancelled before it closes).
    private var uncancelledSources = 0

    private var readBuffer: UnsafeMutableRawBufferPointer
    private let output: ByteBuffer
    private var tls: TLSSession?
    private var plainIn: ByteBuffer?
    private var plainOut: ByteBuffer?
    private var handler: (any ProtocolHandler)?
    /// Cleartext only: bytes seen before the protocol is known (at most the 24-byte preface).
    private var sniffed: [UInt8] = []
    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    private var softLimit: Int { context.configuration.writeBufferSoftLimit }

    init(fd: Int32, remoteAddress: String, context: ServerContext, server: HTTPServer, tlsContext: TLSContext?) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.context = context
        self.server = server
        self.tlsContext = tlsContext
        self.queue = DispatchQueue(label: "http2server.connection")
        readBuffer = .allocate(byteCount: context.configuration.readBufferBytes, alignment: 16)
        // Cleartext: body slices go to the socket by reference. TLS: ciphertext is copied anyway.
        output = ByteBuffer(capacity: 128 * 1024, allowsReferences: tlsContext == nil)
    }

    deinit { readBuffer.deallocate() }

    func start() {
        queue.async { [self] in
            // A shutdown that reached the queue first has closed the fd already: no sources on it.
            guard !closing else { return }
            if let tlsContext {
                guard let session = TLSSession(context: tlsContext) else {
                    context.logger.log(.error, "SSL_new failed for \(remoteAddress)")
                    closeNow()
                    return
                }
                tls = session
                plainIn = ByteBuffer(capacity: 16 * 1024)
                plainOut = ByteBuffer(capacity: context.configuration.writeBufferSoftLimit + 64 * 1024)
            }
            let r = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            let t = DispatchSource.makeTimerSource(queue: queue)
            r.setEventHandler { @Sendable [self] in onReadable() }
            r.setCancelHandler { @Sendable [self] in sourceCancelled() }
            let interval = context.configuration.timerInterval.nanoseconds
            t.schedule(deadline: .now() + .nanoseconds(Int(interval)), repeating: .nanoseconds(Int(interval)),
                       leeway: .nanoseconds(Int(interval / 4)))
            t.setEventHandler { @Sendable [self] in onTimer() }
            readSource = r
            timer = t
            r.activate()
            t.activate()
        }
    }

    // MARK: Events

    private func onReadable() {
        guard !closing else { return }
        // Bounded work per event so one busy connection cannot starve a Dispatch thread.
        for _ in 0..<4 {
            let n = read(fd, readBuffer.baseAddress, readBuffer.count)
            if n > 0 {
                lastIO = context.clock.nowNanoseconds()
                let bytes = UnsafeRawBufferPointer(rebasing: readBuffer[0..<n])
                if !ingest(bytes) { return }
                if n < readBuffer.count { break }
                if readSuspended || closing { break }
                continue
            }
            if n == 0 {
                peerClosed()
                return
            }
            let e = errno
            if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { break }
            context.logger.log(.debug, "read from \(remoteAddress) failed: errno \(e)")
            closeNow()
            return
        }
        flush()
    }

    private func onWritable() {
        guard !closing else { return }
        flush()
    }

    /// Last time a read or a send moved bytes (server clock).
    private var lastIO: UInt64 = 0

    private func onTimer() {
        guard !closing else { return }
        let now = context.clock.nowNanoseconds()
        if lastIO == 0 { lastIO = now }
        if !output.isEmpty && now &- lastIO > context.configuration.idleTimeout.nanoseconds {
            context.logger.log(.warning, "client \(remoteAddress) stopped reading: \(output.readableBytes) bytes unsent for \(context.configuration.idleTimeout); closing")
            closeNow()
            return
        }
        if let handler {
            handler.tick(now: context.clock.nowNanoseconds())
        } else {
            // No protocol yet (TLS handshake or sniffing): slow-sender rule applies.
            tickBeforeProtocol()
        }
        flush()
    }

    private var openedAt: UInt64 = 0
    private func tickBeforeProtocol() {
        if openedAt == 0 { openedAt = context.clock.nowNanoseconds(); return }
        if context.clock.nowNanoseconds() &- openedAt > context.configuration.slowSenderTimeout.nanoseconds {
            context.logger.log(.warning, "client \(remoteAddress) did not complete the handshake/preface within \(context.configuration.slowSenderTimeout); closing")
            closeNow()
        }
    }

    private func peerClosed() {
        guard let handler else { closeNow(); return }
        handler.inputClosed()
        pauseReading(true)
        flush()
    }

    /// Feeds received bytes through TLS and protocol detection to the handler. False when the
    /// connection was closed.
    private func ingest(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let tls, let plainIn {
            tls.feed(bytes)
            let wasComplete = tls.handshakeComplete
            let status = tls.read(into: plainIn)
            if !wasComplete && tls.handshakeComplete {
                let proto = tls.negotiatedProtocol
                handler = makeHandler(http2: proto == "h2")
            }
            if !plainIn.isEmpty, let handler {
                plainIn.withReadableBytes { handler.receive($0) }
                plainIn.clear()
            }
            switch status {
            case .ok: return true
            case .closed:
                peerClosed()
                return !closing
            case let .failed(why):
                context.logger.log(.debug, "TLS from \(remoteAddress): \(why)")
                flush()   // a TLS alert may be pending
                closeNow()
                return false
            }
        }
        if let handler {
            handler.receive(bytes)
            return true
        }
        // Cleartext protocol detection: HTTP/2 prior knowledge iff the bytes start with the preface.
        sniffed.append(contentsOf: bytes)
        let k = min(sniffed.count, Self.preface.count)
        let isH2 = sniffed.prefix(k).elementsEqual(Self.preface.prefix(k))
        if isH2 && sniffed.count < Self.preface.count { return true }
        let h = makeHandler(http2: isH2)
        handler = h
        let first = sniffed
        sniffed = []
        first.withUnsafeBytes { h.receive($0) }
        return true
    }

    private func makeHandler(http2: Bool) -> any ProtocolHandler {
        if http2 {
            let h = HTTP2Connection(context: context, queue: queue, remoteAddress: remoteAddress, isTLS: tls != nil)
            h.transport = self
            return h
        }
        let h = HTTP1Connection(context: context, queue: queue, remoteAddress: remoteAddress, isTLS: tls != nil)
        h.transport = self
        return h
    }

    // MARK: ConnectionTransport

    func outputAvailable() {
        guard !closing else { return }
        flush()
    }

    /// Produce and write until the socket would block, the buffer is over its soft limit with
    /// nothing writable, or nothing is left; then decide on reading and closing.
    func flush() {
        guard !closing else { return }
        while true {
            // Produce only into an empty buffer (no compaction memmove), in batches small
            // enough to stay cache-hot between our copy and the kernel's.
            if output.isEmpty { produce(limit: batchBytes) }
            if output.isEmpty { break }
            // sendmsg(MSG_NOSIGNAL), not write: a peer that went away must not raise SIGPIPE.
            let n = output.send(to: fd)
            if n > 0 {
                output.consume(n)
                lastIO = context.clock.nowNanoseconds()
                continue
            }
            let e = errno
            if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) {
                armWrite(true)
                break
            }
            if n < 0 && e == EINTR { continue }
            context.logger.log(.debug, "write to \(remoteAddress) failed: errno \(e)")
            closeNow()
            return
        }
        if output.isEmpty { armWrite(false) }
        let finished = handler?.isFinished ?? false
        if finished && output.isEmpty {
            closeNow()
            return
        }
        let wants = handler?.wantsRead ?? true
        pauseReading(!wants || output.readableBytes >= batchBytes)
    }

    /// Bytes produced per send: small enough that what we just copied is still in cache when
    /// the kernel copies it (measured: 64 KiB beat 16 KiB and 256 KiB at 1 MiB bodies).
    private var batchBytes: Int { min(softLimit, 64 * 1024) }

    private func produce(limit: Int) {
        guard let handler else {
            if let tls, let plainOut { _ = tls.write(from: plainOut); tls.drain(into: output) }
            return
        }
        if let tls, let plainOut {
            handler.produceOutput(into: plainOut, limit: limit)
            if !tls.write(from: plainOut) {
                context.logger.log(.debug, "TLS write failed for \(remoteAddress)")
            }
            tls.drain(into: output)
        } else {
            handler.produceOutput(into: output, limit: limit)
        }
    }

    private func armWrite(_ on: Bool) {
        if on && writeSource == nil {
            // Created on the first EAGAIN only: a registered write source, even suspended,
            // makes Dispatch re-arm two epoll filters per read event.
            let w = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            w.setEventHandler { @Sendable [self] in onWritable() }
            w.setCancelHandler { @Sendable [self] in sourceCancelled() }
            writeSource = w
            writeSuspended = true
        }
        guard let w = writeSource else { return }
        if on && writeSuspended { writeSuspended = false; w.resume() }
        else if !on && !writeSuspended { writeSuspended = true; w.suspend() }
    }

    private func pauseReading(_ pause: Bool) {
        guard let r = readSource else { return }
        if pause && !readSuspended { readSuspended = true; r.suspend() }
        else if !pause && readSuspended { readSuspended = false; r.resume() }
    }

    // MARK: Shutdown and close

    /// Graceful: GOAWAY / Connection: close; in-flight requests finish.
    func beginShutdown() {
        queue.async { [self] in
            guard !closing else { return }
            if let handler { handler.beginShutdown(); flush() } else { closeNow() }
        }
    }

    /// Abrupt close (shutdown deadline passed).
    func forceClose() {
        queue.async { [self] in closeNow() }
    }

    private func closeNow() {
        guard !closing else { return }
        closing = true
        timer?.cancel()
        uncancelledSources = (readSource == nil ? 0 : 1) + (writeSource == nil ? 0 : 1)
        guard uncancelledSources > 0 else { teardown(); return }
        // A suspended source never delivers its cancellation: resume before cancelling.
        if let w = writeSource {
            if writeSuspended { writeSuspended = false; w.resume() }
            w.cancel()   // → sourceCancelled()
        }
        if let r = readSource {
            if readSuspended { readSuspended = false; r.resume() }
            r.cancel()   // → sourceCancelled()
        }
    }

    /// A source's cancel handler (on `queue`, after `closeNow`): the last one tears down.
    private func sourceCancelled() {
        uncancelledSources -= 1
        if uncancelledSources == 0 { teardown() }
    }

    private func teardown() {
        handler?.connectionClosed()
        handler = nil
        tls = nil
        output.clear()
        Glibc.close(fd)
        readSource = nil
        writeSource = nil
        timer = nil
        server?.connectionDidClose(self)
    }
}
