import HTTP2Server

/// Bearer-token check, compared in constant time so the comparison leaks no prefix length.
struct Authorization: Sendable {
    let token: [UInt8]

    func allows(_ request: Request) -> Bool {
        guard let header = request.headers["authorization"], header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.utf8.dropFirst(7))
        var difference = UInt8(given.count == token.count ? 0 : 1)
        for i in 0..<token.count {
            difference |= token[i] ^ (i < given.count ? given[i] : 0)
        }
        return difference == 0
    }
}
