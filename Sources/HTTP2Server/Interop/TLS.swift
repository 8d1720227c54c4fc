import COpenSSL

/// A server `SSL_CTX`: certificate chain + key, TLS 1.2 minimum, ALPN preferring `h2` then
/// `http/1.1`.
///
/// `@unchecked Sendable` is sound: the context is fully configured in `init` and afterwards only
/// passed to `SSL_new`, which OpenSSL documents as safe from many threads on a shared SSL_CTX;
/// it is freed in `deinit` when no session holds it (each `TLSSession` keeps it alive).
final class TLSContext: @unchecked Sendable {
    let ctx: OpaquePointer

    init(configuration: TLSConfiguration) throws {
        guard let method = TLS_server_method(), let c = SSL_CTX_new(method) else {
            throw HTTPServerError.tls(operation: "SSL_CTX_new", detail: TLSContext.lastError())
        }
        ctx = c
        guard COpenSSL_SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) == 1 else {
            throw HTTPServerError.tls(operation: "set_min_proto_version", detail: TLSContext.lastError())
        }
        _ = COpenSSL_SSL_CTX_set_mode(c, Int(SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        guard SSL_CTX_use_certificate_chain_file(c, configuration.certificatePath) == 1 else {
            throw HTTPServerError.tls(operation: "load certificate \(configuration.certificatePath)", detail: TLSContext.lastError())
        }
        guard SSL_CTX_use_PrivateKey_file(c, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1,
              SSL_CTX_check_private_key(c) == 1 else {
            throw HTTPServerError.tls(operation: "load private key \(configuration.privateKeyPath)", detail: TLSContext.lastError())
        }
        SSL_CTX_set_alpn_select_cb(c, alpnSelect, nil)
    }

    deinit { SSL_CTX_free(ctx) }

    static func lastError() -> String {
        var parts: [String] = []
        while true {
            let e = ERR_get_error()
            if e == 0 { break }
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(e, &buf, buf.count)
            parts.append(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.isEmpty ? "unknown error" : parts.joined(separator: "; ")
    }
}

/// Server preference order in ALPN wire format: "h2", then "http/1.1".
private let serverProtocols: [UInt8] = [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8)
/// A stable copy of `serverProtocols` for OpenSSL (written once, only read afterwards).
nonisolated(unsafe) private let serverProtocolsPointer: UnsafeMutablePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: serverProtocols.count)
    p.initialize(from: serverProtocols, count: serverProtocols.count)
    return p
}()

private func alpnSelect(_ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
                        _ outlen: UnsafeMutablePointer<UInt8>?, _ input: UnsafePointer<UInt8>?,
                        _ inlen: UInt32, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let out, let outlen, let input else { return SSL_TLSEXT_ERR_NOACK }
    var selected: UnsafeMutablePointer<UInt8>?
    let r = SSL_select_next_proto(&selected, outlen, serverProtocolsPointer, UInt32(serverProtocols.count), input, inlen)
    guard r == OPENSSL_NPN_NEGOTIATED, let selected else { return SSL_TLSEXT_ERR_NOACK }
    out.pointee = UnsafePointer(selected)
    return SSL_TLSEXT_ERR_OK
}

/// One server-side TLS session over memory BIOs: the connection moves ciphertext between the
/// socket and the BIOs; plaintext goes to and from the protocol handler. Confined to the
/// connection's queue.
final class TLSSession {
    enum ReadStatus { case ok, closed, failed(String) }

    private let context: TLSContext
    private let ssl: OpaquePointer
    private let rbio: OpaquePointer   // ciphertext from the peer; owned by `ssl`
    private let wbio: OpaquePointer   // ciphertext to the peer; owned by `ssl`
    private(set) var handshakeComplete = false

    init?(context: TLSContext) {
        self.context = context
        guard let s = SSL_new(context.ctx) else { return nil }
        guard let r = BIO_new(BIO_s_mem()), let w = BIO_new(BIO_s_mem()) else {
            SSL_free(s)
            return nil
        }
        ssl = s
        rbio = r
        wbio = w
        SSL_set_bio(s, r, w)
        SSL_set_accept_state(s)
    }

    deinit { SSL_free(ssl) }   // frees both BIOs

    /// The protocol ALPN chose ("h2", "http/1.1") or nil.
    var negotiatedProtocol: String? {
        var p: UnsafePointer<UInt8>?
        var len: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &p, &len)
        guard let p, len > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(len)), as: UTF8.self)
    }

    /// Ciphertext received from the socket.
    func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var off = 0
        while off < bytes.count {
            let n = BIO_write(rbio, base + off, Int32(clamping: bytes.count - off))
            if n <= 0 { break }
            off += Int(n)
        }
    }

    /// Advances the handshake and decrypts everything available into `plaintext`.
    func read(into plaintext: ByteBuffer) -> ReadStatus {
        if !handshakeComplete {
            let r = SSL_do_handshake(ssl)
            if r == 1 {
                handshakeComplete = true
            } else {
                let e = SSL_get_error(ssl, r)
                if e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE { return .ok }
                return .failed("handshake: \(TLSContext.lastError())")
            }
        }
        while true {
            let n = plaintext.writeWithUnsafeMutableBytes(maxBytes: 16 * 1024) { buf in
                Int(SSL_read(ssl, buf.baseAddress, Int32(buf.count)))
            }
            if n > 0 { continue }
            let e = SSL_get_error(ssl, Int32(n))
            switch e {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .ok
            case SSL_ERROR_ZERO_RETURN: return .closed
            default: return .failed("read: \(TLSContext.lastError())")
            }
        }
    }

    /// Encrypts all of `plaintext` (consuming it); false on error.
    func write(from plaintext: ByteBuffer) -> Bool {
        while !plaintext.isEmpty {
            let n = plaintext.withReadableBytes { p in
                SSL_write(ssl, p.baseAddress, Int32(clamping: p.count))
            }
            if n <= 0 { return false }
            plaintext.consume(Int(n))
        }
        return true
    }

    /// Moves pending ciphertext into `output`.
    func drain(into output: ByteBuffer) {
        while BIO_ctrl_pending(wbio) > 0 {
            let pending = Int(BIO_ctrl_pending(wbio))
            let n = output.writeWithUnsafeMutableBytes(maxBytes: pending) { buf in
                Int(BIO_read(wbio, buf.baseAddress, Int32(clamping: buf.count)))
            }
            if n <= 0 { break }
        }
    }
}
