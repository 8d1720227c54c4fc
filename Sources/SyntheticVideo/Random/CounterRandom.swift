/// What a random stream is used for. Streams with different purposes are independent, so adding
/// a draw for one purpose never shifts the numbers of another.
public enum RandomPurpose: UInt64, Sendable {
    /// Per-object parameters (shape, colour, radius, centre, motion, transform speeds, corners).
    case object = 1
    /// Per-video choices about time: duration and clip start.
    case clip = 2
    /// Per-video appearance: background colour.
    case video = 3
    /// The multi-scale crop of the output transform.
    case crop = 4
    /// Procedural textures: one stream per (pool digest, pool seed, texture id).
    case texture = 5
}

/// A counter-based random generator: the value at position `n` of a stream is a pure function of
/// (key, n), so any object's parameters, and any frame, can be computed without computing others.
///
/// The key is derived from (scene digest, seed, purpose, index) by chaining the SplitMix64
/// finalizer; position `n` of a stream is SplitMix64's output for state `key + (n + 1)·γ`,
/// the generator Java's `SplittableRandom` uses (it passes BigCrush). Integer operations only,
/// so the bits are identical on every CPU and OS.
public struct CounterRandom: Sendable {
    public let key: UInt64

    public init(scene: SceneDigest, seed: UInt64, purpose: RandomPurpose, index: UInt64 = 0) {
        var k: UInt64 = 0x5EED_C11B_5000_0001
        for word in scene.words { k = Self.mix(k ^ word) }
        k = Self.mix(k ^ seed)
        k = Self.mix(k ^ purpose.rawValue)
        k = Self.mix(k ^ index)
        key = k
    }

    /// 64 random bits at position `n`.
    @inline(__always)
    public func bits(_ n: UInt64) -> UInt64 {
        Self.mix(key &+ (n &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// A uniform double in [0, 1) with 53 random bits at position `n`.
    @inline(__always)
    public func unit(_ n: UInt64) -> Double {
        Double(bits(n) >> 11) * 0x1p-53
    }

    /// A uniform double in [lower, upper) at position `n` (`lower` when the range is empty).
    /// `lower + (upper − lower)·u` can round up to `upper` (about once in 2⁵² draws); that case
    /// is mapped to the largest double below `upper`, so the interval really is half-open.
    @inline(__always)
    public func uniform(_ n: UInt64, _ lower: Double, _ upper: Double) -> Double {
        let v = lower + (upper - lower) * unit(n)
        return v < upper ? v : Swift.max(lower, upper.nextDown)
    }

    /// A uniform integer in `range` (inclusive) at position `n`. Uses the top bits as a
    /// fixed-point fraction; the bias is below 2⁻⁴⁰ for any range used here.
    @inline(__always)
    public func integer(_ n: UInt64, in range: ClosedRange<Int>) -> Int {
        // Wrapping arithmetic: the span of Int.min...Int.max is 2⁶⁴, which wraps to 0.
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        guard span != 0 else { return Int(bitPattern: UInt(bits(n))) }
        return range.lowerBound &+ Int(bits(n).multipliedFullWidth(by: span).high)
    }

    /// The SplitMix64 finalizer (Stafford's variant 13).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
