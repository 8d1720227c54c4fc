/// Sine and cosine from IEEE-754 basic operations only (+ − × and rounding to an integer), so
/// that every CPU and C library gives the same bits. libm's last bit differs between glibc,
/// musl and Apple's libm; clip-shaping code must call these instead.
///
/// Method (after fdlibm): reduce x by k·π/2 with π/2 split in three parts (Cody–Waite), each part
/// short enough that k·part is exact for |k| < 2²⁰, then evaluate fdlibm's minimax kernels on
/// |r| ≤ π/4. No fused multiply-add is used (Swift does not contract `a * b + c`).
///
/// Error bound (measured against an 80-bit reference, DeterministicMathTests): within 2 ulp of
/// the correctly rounded value for |x| ≤ 10³ and 2.5 ulp for |x| ≤ 10⁵, and within 2⁻⁵²
/// absolute everywhere up to 10⁵. The reduction keeps no remainder term, so accuracy degrades
/// slowly beyond that. Generator angles stay below 8·10³ rad (45°/frame for 9,999 frames).
/// Not-a-number, infinite or huge arguments (|x| ≥ 2⁶²) give a meaningless value, never a trap.
public enum DeterministicMath {
    // π/2 = pio2_1 + pio2_2 + pio2_3 (+ a tail below 10⁻³¹); the first two have 33 significant bits.
    static let pio2_1 = 1.57079632673412561417e+00
    static let pio2_2 = 6.07710050630396597660e-11
    static let pio2_3 = 2.02226624871116645580e-21
    static let twoOverPi = 6.36619772367581382433e-01
    // fdlibm's kernel coefficients (`__kernel_sin` S1…S6, `__kernel_cos` C1…C6).
    static let s1 = -1.66666666666666324348e-01, s2 = 8.33333333332248946124e-03
    static let s3 = -1.98412698298579493134e-04, s4 = 2.75573137070700676789e-06
    static let s5 = -2.50507602534068634195e-08, s6 = 1.58969099521155010221e-10
    static let c1 = 4.16666666666666019037e-02, c2 = -1.38888888888741095749e-03
    static let c3 = 2.48015872894767294178e-05, c4 = -2.75573143513906633035e-07
    static let c5 = 2.08757232129817482790e-09, c6 = -1.13596475577881948265e-11

    /// sin(x) and cos(x) together (one reduction). Branch-free on the quadrant and the kernels'
    /// ranges: both are data (a random phase picks each with equal odds), and a mispredicted
    /// branch costs more than the arithmetic it would skip.
    @inline(__always)
    public static func sincos(_ x: Double) -> (sin: Double, cos: Double) {
        let k = roundedToNearestEven(x * twoOverPi)
        let r = ((x - k * pio2_1) - k * pio2_2) - k * pio2_3
        let s = kernelSin(r)
        let c = kernelCos(r)
        // Quadrant q: (s, c), (c, −s), (−s, −c), (−c, s) for q = 0, 1, 2, 3.
        let q = Swift.abs(k) < 0x1p62 ? Int(k) : 0
        let swap = q & 1 != 0
        let sine = swap ? c : s, cosine = swap ? s : c
        return (negated(sine, if: q & 2 != 0), negated(cosine, if: (q &+ 1) & 2 != 0))
    }

    /// `v.rounded(.toNearestOrEven)`, bit for bit, without a call to libm's `rint` (x86-64's
    /// baseline has no rounding instruction): adding 1.5·2⁵² leaves no fraction bits, so the
    /// addition rounds to an integer, ties to even, and the subtraction is exact; the sign is
    /// copied back for results of zero.
    @inline(__always)
    static func roundedToNearestEven(_ v: Double) -> Double {
        guard Swift.abs(v) < 0x1p51 else { return v.rounded(.toNearestOrEven) }
        return Double(signOf: v, magnitudeOf: (v + 0x1.8p52) - 0x1.8p52)
    }

    /// −v when `flag`, else v (a sign-bit flip, as unary minus is).
    @inline(__always)
    private static func negated(_ v: Double, if flag: Bool) -> Double {
        Double(bitPattern: v.bitPattern ^ (flag ? 0x8000_0000_0000_0000 : 0))
    }

    public static func sin(_ x: Double) -> Double { sincos(x).sin }
    public static func cos(_ x: Double) -> Double { sincos(x).cos }

    /// sin on [−π/4, π/4] (fdlibm `__kernel_sin`, error < 1 ulp there).
    @inline(__always)
    private static func kernelSin(_ x: Double) -> Double {
        let z = x * x
        let v = z * x
        let r = s2 + z * (s3 + z * (s4 + z * (s5 + z * s6)))
        return x + v * (s1 + z * r)
    }

    /// cos on [−π/4, π/4] (fdlibm `__kernel_cos`, error < 1 ulp there).
    @inline(__always)
    private static func kernelCos(_ x: Double) -> Double {
        let z = x * x
        let r = z * (c1 + z * (c2 + z * (c3 + z * (c4 + z * (c5 + z * c6)))))
        let ax = Swift.abs(x)
        let small = 1.0 - (0.5 * z - z * r)
        // For |x| ≥ 0.3 subtract a short-mantissa x²/… term first to keep 1 − ½x² accurate.
        // Both forms are computed and one is selected (no branch, see `sincos`).
        let qx = ax > 0.78125 ? 0.28125
            : Double(bitPattern: (ax.bitPattern &- 0x0020_0000_0000_0000) & 0xFFFF_FFFF_0000_0000)
        let hz = 0.5 * z - qx
        let a = 1.0 - qx
        return ax < 0.3 ? small : a - (hz - z * r)
    }

    /// Degrees to radians with one correctly rounded constant.
    @inline(__always)
    public static func radians(degrees: Double) -> Double { degrees * (Double.pi / 180) }
}
