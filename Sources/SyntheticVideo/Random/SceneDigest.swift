/// The SHA-256 of a configuration's canonical scene fields, as four 64-bit words. It keys every
/// random stream, so two configurations that describe the same scene draw the same numbers.
public struct SceneDigest: Sendable, Hashable {
    public let words: [UInt64]

    public init(sha256 bytes: [UInt8]) {
        precondition(bytes.count == 32, "a SHA-256 digest has 32 bytes")
        words = (0..<4).map { w in
            (0..<8).reduce(UInt64(0)) { ($0 << 8) | UInt64(bytes[w * 8 + $1]) }
        }
    }
}
