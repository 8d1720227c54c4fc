/// `DeterministicMath.sincos` on four arguments at once: every lane goes through exactly the
/// operations of the scalar function (lane-wise IEEE arithmetic; the scalar's selects become
/// lane masks), so each lane's bits equal `sincos` of that lane. The four independent
/// polynomial chains overlap, where a loop of scalar calls waits on each chain's latency.
extension DeterministicMath {
    public typealias Lanes = SIMD4<Double>
    private typealias Bits = SIMD4<UInt64>

    @inline(__always)
    private static func bits(_ v: Lanes) -> Bits { unsafeBitCast(v, to: Bits.self) }

    @inline(__always)
    private static func double(_ b: Bits) -> Lanes { unsafeBitCast(b, to: Lanes.self) }

    /// |v| (clears the sign bit, as `Swift.abs` does).
    @inline(__always)
    private static func magnitude(_ v: Lanes) -> Lanes { double(bits(v) & 0x7FFF_FFFF_FFFF_FFFF) }

    public static func sincos(_ x: Lanes) -> (sin: Lanes, cos: Lanes) {
        let v = x * twoOverPi
        // `roundedToNearestEven`'s fast path holds for |v| < 2⁵¹; any other lane: the scalar path.
        guard all(magnitude(v) .< Lanes(repeating: 0x1p51)) else {
            let lanes = (0..<4).map { sincos(x[$0]) }
            return (Lanes(lanes.map(\.sin)), Lanes(lanes.map(\.cos)))
        }
        let sign: UInt64 = 0x8000_0000_0000_0000
        let shifted = v + 0x1.8p52                // 1.5·2⁵² + k exactly: its low bits hold k mod 4
        let magnitude = shifted - 0x1.8p52
        let k = double((bits(magnitude) & ~sign) | (bits(v) & sign))
        let r = ((x - k * pio2_1) - k * pio2_2) - k * pio2_3
        let s = kernelSin(r)
        let c = kernelCos(r)
        let q = bits(shifted)
        let swap = (q & 1) .!= 0
        let sine = s.replacing(with: c, where: swap), cosine = c.replacing(with: s, where: swap)
        let negateSine = (q & 2) .!= 0, negateCosine = ((q &+ 1) & 2) .!= 0
        return (double(bits(sine) ^ Bits(repeating: sign).replacing(with: 0, where: .!negateSine)),
                double(bits(cosine) ^ Bits(repeating: sign).replacing(with: 0, where: .!negateCosine)))
    }

    @inline(__always)
    private static func kernelSin(_ x: Lanes) -> Lanes {
        let z = x * x
        let v = z * x
        var r: Lanes = s5 + z * s6
        r = s4 + z * r
        r = s3 + z * r
        r = s2 + z * r
        let t: Lanes = s1 + z * r
        return x + v * t
    }

    @inline(__always)
    private static func kernelCos(_ x: Lanes) -> Lanes {
        let z = x * x
        var p: Lanes = c5 + z * c6
        p = c4 + z * p
        p = c3 + z * p
        p = c2 + z * p
        p = c1 + z * p
        let r: Lanes = z * p
        let ax = magnitude(x)
        let halfZ: Lanes = 0.5 * z
        let small: Lanes = 1.0 - (halfZ - z * r)
        let truncated = double((bits(ax) &- 0x0020_0000_0000_0000) & 0xFFFF_FFFF_0000_0000)
        let qx = truncated.replacing(with: 0.28125, where: ax .> Lanes(repeating: 0.78125))
        let hz: Lanes = halfZ - qx
        let a: Lanes = 1.0 - qx
        let large: Lanes = a - (hz - z * r)
        return large.replacing(with: small, where: ax .< Lanes(repeating: 0.3))
    }
}
