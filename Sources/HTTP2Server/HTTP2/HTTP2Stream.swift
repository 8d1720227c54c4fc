/// One request/response exchange on an HTTP/2 connection. Owned by the connection's stream
/// table from HEADERS until `on_stream_close`; confined to the connection's queue.
final class HTTP2Stream {
    let id: Int32
    let startedAt: UInt64

    // Request
    var method = ""
    var path = ""
    var authority: String?
    var headers = HTTPHeaders()
    var headerBytes = 0
    var headersTooLarge = false
    var body: [UInt8] = []
    var bodyTooLarge = false
    var requestComplete = false

    // Response
    var responded = false
    var status = 0
    var isHead = false
    var out: [UInt8] = []
    var readOffset = 0
    var sendOffset = 0
    var bodyBytesSent = 0
    var producer: ResponseStream?
    var context: StreamContext?
    var producing = false
    var producerFinished = false
    var failed = false
    var allSent = false
    var onCompletion: (@Sendable (ResponseCompletion) -> Void)?

    init(id: Int32, startedAt: UInt64) {
        self.id = id
        self.startedAt = startedAt
    }
}
