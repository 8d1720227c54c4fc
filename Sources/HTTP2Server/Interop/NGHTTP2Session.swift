import CNghttp2

/// What the wrapper reports upward; the HTTP/2 connection implements it. Every method runs
/// synchronously inside `receive` / `send`, on the connection's queue.
protocol NGHTTP2SessionDelegate: AnyObject {
    func h2BeginHeaders(stream: Int32)
    /// `byteCount` is name + value length in bytes.
    func h2Header(stream: Int32, name: String, value: String, byteCount: Int)
    func h2HeadersReceived(stream: Int32, endStream: Bool)
    func h2DataChunk(stream: Int32, _ data: UnsafeRawBufferPointer)
    func h2EndStream(stream: Int32)
    func h2SettingsReceived()
    func h2GoawayReceived()
    func h2StreamClosed(stream: Int32, errorCode: UInt32)
    /// How many body bytes the next DATA frame (at most `maxLength`) may carry.
    func h2ReadBody(stream: Int32, maxLength: Int) -> NGHTTP2Session.BodyRead
    /// Append exactly `length` body bytes of `stream` to `output` (the frame header is already there).
    func h2CopyBody(stream: Int32, length: Int, into output: ByteBuffer) -> Bool
    func h2Error(_ message: String)
}

/// The thin unsafe wrapper over one server-side `nghttp2_session` (nghttp2 1.52: the
/// `ssize_t` API, no `*2` functions). Not thread-safe: every call happens on the owning
/// connection's serial queue, and so do all callbacks (nghttp2 calls them synchronously from
/// `mem_recv` / `mem_send`).
///
/// Lifetime: `user_data` is this object, unretained; the session is deleted in `deinit` /
/// `close()`, so nghttp2 never calls back into a freed wrapper. The delegate owns the wrapper.
final class NGHTTP2Session {
    enum BodyRead { case data(Int, endStream: Bool), deferred, fail }

    struct Settings {
        var maxConcurrentStreams: Int
        var initialWindowSize: Int
        var maxHeaderListSize: Int
        var connectionWindowSize: Int
    }

    private var session: OpaquePointer?
    unowned let delegate: any NGHTTP2SessionDelegate
    /// Set only during `send(into:)`: where the NO_COPY send_data callback writes, and the
    /// fill level past which it answers WOULDBLOCK. One `mem_send` call runs send_data for any
    /// number of DATA frames, so this check is what bounds the buffer.
    fileprivate var currentOutput: ByteBuffer?
    fileprivate var currentLimit = 0

    init?(delegate: any NGHTTP2SessionDelegate, settings: Settings) {
        self.delegate = delegate
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let cbs = callbacks else { return nil }
        defer { nghttp2_session_callbacks_del(cbs) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(cbs, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, onFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(cbs, onStreamClose)
        nghttp2_session_callbacks_set_send_data_callback(cbs, onSendData)
        nghttp2_session_callbacks_set_error_callback2(cbs, onError)

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let opt = option else { return nil }
        defer { nghttp2_option_del(opt) }
        // Honour the client's SETTINGS_MAX_CONCURRENT_STREAMS etc. before its SETTINGS arrive.
        nghttp2_option_set_peer_max_concurrent_streams(opt, 100)

        var s: OpaquePointer?
        let ud = Unmanaged.passUnretained(self).toOpaque()
        guard nghttp2_session_server_new2(&s, cbs, ud, opt) == 0, let sess = s else { return nil }
        session = sess

        var iv = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                                   value: UInt32(clamping: settings.maxConcurrentStreams)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: UInt32(clamping: settings.initialWindowSize)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                                   value: UInt32(clamping: settings.maxHeaderListSize)),
        ]
        guard nghttp2_submit_settings(sess, UInt8(NGHTTP2_FLAG_NONE.rawValue), &iv, iv.count) == 0 else {
            nghttp2_session_del(sess)
            session = nil
            return nil
        }
        _ = nghttp2_session_set_local_window_size(sess, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0,
                                                  Int32(clamping: settings.connectionWindowSize))
    }

    deinit { close() }

    /// Frees the session now; later calls are no-ops. No callbacks fire from here.
    func close() {
        if let s = session { nghttp2_session_del(s) }
        session = nil
    }

    var isOpen: Bool { session != nil }
    var wantsRead: Bool { session.map { nghttp2_session_want_read($0) != 0 } ?? false }
    var wantsWrite: Bool { session.map { nghttp2_session_want_write($0) != 0 } ?? false }
    var lastProcessedStreamID: Int32 { session.map { nghttp2_session_get_last_proc_stream_id($0) } ?? 0 }

    /// Feeds received bytes; false on a fatal error (bad preface, protocol error, callback
    /// failure). nghttp2 has then queued a GOAWAY where it could.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let s = session else { return false }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        let n = nghttp2_session_mem_recv(s, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if n < 0 {
            delegate.h2Error("mem_recv: \(String(cString: nghttp2_strerror(Int32(truncatingIfNeeded: n))))")
            return false
        }
        return true
    }

    /// Serializes pending frames into `output` until it holds at least `limit` bytes or nothing
    /// is left. False on a fatal error.
    func send(into output: ByteBuffer, limit: Int) -> Bool {
        guard let s = session else { return false }
        currentOutput = output
        currentLimit = limit
        defer { currentOutput = nil }
        while output.readableBytes < limit {
            var ptr: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(s, &ptr)
            if n < 0 {
                delegate.h2Error("mem_send: \(String(cString: nghttp2_strerror(Int32(truncatingIfNeeded: n))))")
                return false
            }
            if n == 0 {
                // 0 also follows a NO_COPY DATA frame written by onSendData; continue while
                // nghttp2 still has something to write.
                if nghttp2_session_want_write(s) != 0 && output.readableBytes < limit && madeProgress {
                    madeProgress = false
                    continue
                }
                break
            }
            if let p = ptr { output.append(UnsafeRawBufferPointer(start: p, count: n)) }
        }
        madeProgress = false
        return true
    }
    fileprivate var madeProgress = false

    /// Submits a response; `headers` must not contain pseudo-headers. `hasBody` attaches the
    /// data provider, whose reads go to `delegate.h2ReadBody`.
    func submitResponse(stream: Int32, status: Int, headers: [(name: String, value: String)], hasBody: Bool) -> Bool {
        guard let s = session else { return false }
        var fields: [(String, String)] = [(":status", String(status))]
        fields.append(contentsOf: headers.map { ($0.name, $0.value) })
        return NGHTTP2Session.withNameValues(fields) { nva, count in
            if hasBody {
                var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: onReadBody)
                return nghttp2_submit_response(s, stream, nva, count, &provider) == 0
            }
            return nghttp2_submit_response(s, stream, nva, count, nil) == 0
        }
    }

    func resumeData(stream: Int32) {
        guard let s = session else { return }
        _ = nghttp2_session_resume_data(s, stream)
    }

    func resetStream(_ stream: Int32, errorCode: UInt32) {
        guard let s = session else { return }
        _ = nghttp2_submit_rst_stream(s, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream, errorCode)
    }

    /// Graceful: GOAWAY naming the last stream processed; streams below it run to the end.
    func submitGoaway(errorCode: UInt32 = NGHTTP2_NO_ERROR.rawValue, message: String = "") {
        guard let s = session else { return }
        var m = Array(message.utf8)
        let last = nghttp2_session_get_last_proc_stream_id(s)
        _ = m.withUnsafeMutableBufferPointer { p in
            nghttp2_submit_goaway(s, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, errorCode, p.baseAddress, p.count)
        }
    }

    /// Abrupt: GOAWAY, then the session wants no more reads; open streams are abandoned.
    func terminate(errorCode: UInt32) {
        guard let s = session else { return }
        _ = nghttp2_session_terminate_session(s, errorCode)
    }

    /// nghttp2_nv wants mutable pointers; copy every name and value into one arena (nghttp2
    /// copies them again unless NO_COPY, which we do not set).
    private static func withNameValues<R>(_ fields: [(String, String)],
                                          _ body: (UnsafeMutablePointer<nghttp2_nv>, Int) -> R) -> R {
        var arena: [UInt8] = []
        var spans: [(Int, Int, Int, Int)] = []
        arena.reserveCapacity(fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count })
        for (n, v) in fields {
            let ns = arena.count; arena.append(contentsOf: n.utf8)
            let vs = arena.count; arena.append(contentsOf: v.utf8)
            spans.append((ns, n.utf8.count, vs, v.utf8.count))
        }
        if arena.isEmpty { arena.append(0) }
        return arena.withUnsafeMutableBufferPointer { a in
            var nva = spans.map { (ns, nl, vs, vl) in
                nghttp2_nv(name: a.baseAddress! + ns, value: a.baseAddress! + vs, namelen: nl, valuelen: vl,
                           flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            return nva.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}

// MARK: - C callbacks: recover the wrapper from user_data, never force-unwrap, one call each.

private func wrapper(_ ud: UnsafeMutableRawPointer?) -> NGHTTP2Session? {
    guard let ud else { return nil }
    return Unmanaged<NGHTTP2Session>.fromOpaque(ud).takeUnretainedValue()
}

private let callbackFailure = NGHTTP2_ERR_CALLBACK_FAILURE.rawValue
private let temporalFailure = NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue

private func onBeginHeaders(_ s: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                            _ ud: UnsafeMutableRawPointer?) -> Int32 {
    guard let w = wrapper(ud), let f = frame else { return callbackFailure }
    if f.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
       f.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
        w.delegate.h2BeginHeaders(stream: f.pointee.hd.stream_id)
    }
    return 0
}

private func onHeader(_ s: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                      _ name: UnsafePointer<UInt8>?, _ namelen: Int,
                      _ value: UnsafePointer<UInt8>?, _ valuelen: Int,
                      _ flags: UInt8, _ ud: UnsafeMutableRawPointer?) -> Int32 {
    guard let w = wrapper(ud), let f = frame else { return callbackFailure }
    guard f.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue) else { return 0 }
    let n = name.map { String(decoding: UnsafeBufferPointer(start: $0, count: namelen), as: UTF8.self) } ?? ""
    let v = value.map { String(decoding: UnsafeBufferPointer(start: $0, count: valuelen), as: UTF8.self) } ?? ""
    w.delegate.h2Header(stream: f.pointee.hd.stream_id, name: n, value: v, byteCount: namelen + valuelen)
    return 0
}

private func onFrameRecv(_ s: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                         _ ud: UnsafeMutableRawPointer?) -> Int32 {
    guard let w = wrapper(ud), let f = frame else { return callbackFailure }
    let hd = f.pointee.hd
    let endStream = hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch UInt32(hd.type) {
    case NGHTTP2_HEADERS.rawValue:
        if f.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
            w.delegate.h2HeadersReceived(stream: hd.stream_id, endStream: endStream)
        } else if endStream {
            w.delegate.h2EndStream(stream: hd.stream_id)   // trailers
        }
    case NGHTTP2_DATA.rawValue:
        if endStream { w.delegate.h2EndStream(stream: hd.stream_id) }
    case NGHTTP2_SETTINGS.rawValue:
        if hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 { w.delegate.h2SettingsReceived() }
    case NGHTTP2_GOAWAY.rawValue:
        w.delegate.h2GoawayReceived()
    default:
        break
    }
    return 0
}

private func onDataChunk(_ s: OpaquePointer?, _ flags: UInt8, _ stream: Int32,
                         _ data: UnsafePointer<UInt8>?, _ len: Int, _ ud: UnsafeMutableRawPointer?) -> Int32 {
    guard let w = wrapper(ud) else { return callbackFailure }
    w.delegate.h2DataChunk(stream: stream, UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : len))
    return 0
}

private func onStreamClose(_ s: OpaquePointer?, _ stream: Int32, _ code: UInt32,
                           _ ud: UnsafeMutableRawPointer?) -> Int32 {
    guard let w = wrapper(ud) else { return callbackFailure }
    w.delegate.h2StreamClosed(stream: stream, errorCode: code)   // tolerates unknown streams
    return 0
}

private func onReadBody(_ s: OpaquePointer?, _ stream: Int32, _ buf: UnsafeMutablePointer<UInt8>?,
                        _ length: Int, _ flags: UnsafeMutablePointer<UInt32>?,
                        _ source: UnsafeMutablePointer<nghttp2_data_source>?,
                        _ ud: UnsafeMutableRawPointer?) -> Int {
    guard let w = wrapper(ud), let flags else { return Int(callbackFailure) }
    switch w.delegate.h2ReadBody(stream: stream, maxLength: length) {
    case let .data(n, endStream):
        // Bytes are copied later, straight into the output buffer, by onSendData.
        if n > 0 { flags.pointee |= NGHTTP2_DATA_FLAG_NO_COPY.rawValue }
        if endStream { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
        return n
    case .deferred:
        return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    case .fail:
        return Int(temporalFailure)   // RST_STREAM INTERNAL_ERROR for this stream only
    }
}

private func onSendData(_ s: OpaquePointer?, _ frame: UnsafeMutablePointer<nghttp2_frame>?,
                        _ framehd: UnsafePointer<UInt8>?, _ length: Int,
                        _ source: UnsafeMutablePointer<nghttp2_data_source>?,
                        _ ud: UnsafeMutableRawPointer?) -> Int32 {
    guard let w = wrapper(ud), let f = frame, let hd = framehd, let out = w.currentOutput else {
        return callbackFailure
    }
    // Buffer full: nghttp2 returns from mem_send and offers this same frame again next time.
    if out.readableBytes >= w.currentLimit { return NGHTTP2_ERR_WOULDBLOCK.rawValue }
    let padlen = Int(f.pointee.data.padlen)
    out.append(UnsafeRawBufferPointer(start: hd, count: 9))
    if padlen > 0 { out.append([UInt8(truncatingIfNeeded: padlen - 1)]) }
    guard w.delegate.h2CopyBody(stream: f.pointee.hd.stream_id, length: length, into: out) else {
        return callbackFailure
    }
    if padlen > 1 { out.appendZeros(padlen - 1) }
    w.madeProgress = true
    return 0
}

private func onError(_ s: OpaquePointer?, _ code: Int32, _ msg: UnsafePointer<CChar>?, _ len: Int,
                     _ ud: UnsafeMutableRawPointer?) -> Int32 {
    guard let w = wrapper(ud) else { return 0 }
    let text = msg.map { p in
        String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    } ?? "unknown"
    w.delegate.h2Error("nghttp2: \(text)")
    return 0
}
