/// Random numbers for one texture (or one pool-level object such as a StyleGAN generator): a
/// `CounterRandom` stream keyed by (pool digest, pool seed, `.texture`, index), read sequentially.
///
/// The pool digest is the SHA-256 of the pool's canonical parameters (kind and every parameter
/// that shapes a texture, but neither the seed, which keys the stream separately, nor the pool's
/// count: texture `id` has the same bytes in a pool of 1 000 and of 1 000 000 ids). Texture `id`
/// uses index `id`; pool-level draws use index `2⁶³ | k` (`poolLevel:`), so the two never meet.
struct TextureRandom {
    private let stream: CounterRandom
    private var position: UInt64 = 0

    init(digest: SceneDigest, seed: UInt64, index: UInt64) {
        stream = CounterRandom(scene: digest, seed: seed, purpose: .texture, index: index)
    }

    init(digest: SceneDigest, seed: UInt64, poolLevel index: UInt64) {
        self.init(digest: digest, seed: seed, index: (1 << 63) | index)
    }

    /// U[0, 1) with 53 random bits.
    @inline(__always)
    mutating func unit() -> Double {
        defer { position &+= 1 }
        return stream.unit(position)
    }

    /// U[lower, upper).
    @inline(__always)
    mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        Self.scaled(unit(), lower, upper)
    }

    /// A unit draw mapped to [lower, upper): the one formula for sequential and block draws,
    /// whose bits must agree.
    @inline(__always)
    fileprivate static func scaled(_ u: Double, _ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * u
    }

    /// The next `count` draws, to be read in any order: `unit(k)` of the block is what the k-th
    /// of `count` calls to `unit()` would have returned. The stream continues after the block.
    mutating func block(_ count: Int) -> Block {
        defer { position &+= UInt64(count) }
        return Block(stream: stream, start: position)
    }

    struct Block {
        fileprivate let stream: CounterRandom
        fileprivate let start: UInt64

        @inline(__always)
        func unit(_ k: Int) -> Double { stream.unit(start &+ UInt64(k)) }

        /// U[lower, upper), as `TextureRandom.uniform` computes it.
        @inline(__always)
        func uniform(_ k: Int, _ lower: Double, _ upper: Double) -> Double { TextureRandom.scaled(unit(k), lower, upper) }
    }

    /// U{range} (inclusive).
    @inline(__always)
    mutating func integer(in range: ClosedRange<Int>) -> Int {
        defer { position &+= 1 }
        return stream.integer(position, in: range)
    }

    /// N(0, 1) by Box–Muller from two uniforms: √(−2 ln u₁)·cos(2π u₂) with u₁ = 1 − U[0,1) ∈ (0, 1]
    /// (so ln never sees 0), using `DeterministicMath` (log, sqrt, cos), hence the same bits on
    /// every machine. One draw consumes two positions (the sine half is discarded: simpler stream
    /// bookkeeping is worth more here than the second variate).
    @inline(__always)
    mutating func gaussian() -> Double {
        let u1 = 1 - unit()
        let u2 = unit()
        return (-2 * DeterministicMath.log(u1)).squareRoot() * DeterministicMath.cos(2 * Double.pi * u2)
    }

    /// Two independent N(0, 1) from one Box–Muller step (both the cosine and the sine half).
    @inline(__always)
    mutating func gaussianPair() -> (Double, Double) {
        let u1 = 1 - unit()
        let u2 = unit()
        let radius = (-2 * DeterministicMath.log(u1)).squareRoot()
        let (s, c) = DeterministicMath.sincos(2 * Double.pi * u2)
        return (radius * c, radius * s)
    }

    /// Laplace(0, 1) by inversion: −sign(u)·ln(1 − 2|u|), u ∈ U[−½, ½).
    mutating func laplace() -> Double {
        let u = unit() - 0.5
        let magnitude = -DeterministicMath.log(Swift.max(1 - 2 * Swift.abs(u), 0x1p-53))
        return u < 0 ? -magnitude : magnitude
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates, integers only).
    mutating func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<n)
        if n < 2 { return values }
        for i in stride(from: n - 1, to: 0, by: -1) {
            values.swapAt(i, integer(in: 0...i))
        }
        return values
    }
}

/// The digest that keys a pool's random streams: SHA-256 of the canonical JSON of its parameters.
func texturePoolDigest(_ parameters: JSONValue) -> SceneDigest {
    SceneDigest(sha256: SHA256.digest(Array(parameters.canonicalText.utf8)))
}

/// Canonical identity text of a procedural pool: its parameters plus seed, count and generator version.
func proceduralIdentity(_ parameters: JSONValue, seed: UInt64, count: Int) -> String {
    guard case .object(var fields) = parameters else { return parameters.canonicalText }
    fields["seed"] = .integer(Int64(bitPattern: seed))
    fields["count"] = .integer(Int64(count))
    fields["generatorVersion"] = .integer(Int64(GeneratorVersion.current))
    return JSONValue.object(fields).canonicalText
}
