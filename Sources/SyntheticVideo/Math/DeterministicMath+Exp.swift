/// Exponential, natural logarithm and power from IEEE-754 basic operations only (+ − × ÷ and
/// exact bit manipulation of the exponent field), so that every CPU and C library gives the same
/// bits. Texture generators (spectrum slopes, generalised-Gaussian densities, Box–Muller) call
/// these instead of libm's `exp`, `log` and `pow`.
///
/// Method: fdlibm's `e_exp.c` and `e_log.c` (Sun Microsystems, 1993; freely redistributable),
/// ported operation by operation. No fused multiply-add is used (Swift does not contract
/// `a * b + c`).
///
/// Error bounds (measured against glibc, which is itself correctly rounded to < 0.55 ulp on these
/// functions; see Tests/SyntheticVideoTests/DeterministicMathExtrasTests.swift):
/// - `exp(x)`: < 1 ulp for every finite x; overflow to +∞ above 709.78, underflow through the
///   subnormals to 0 below −745.13; exp(NaN) = NaN.
/// - `log(x)`: < 1 ulp for every positive finite x (subnormals included); log(0) = −∞, log of a
///   negative number or NaN = NaN, log(+∞) = +∞.
/// - `pow(x, y)` = exp(y·log x) for x > 0: the error of log x (≤ 1 ulp) is multiplied by y and the
///   product rounds once more, so the exponent carries an absolute error ≤ 1.5·|y·ln x|·2⁻⁵²,
///   which becomes a relative error of the result: at most 1 + 3·|y·ln x| ulp in all. For the
///   generators' arguments (|y·ln x| < 40) that is a relative error below 3·10⁻¹⁴. (A
///   double-double log would make it ~1 ulp; nothing here needs that.)
///   pow(0, y) = 0 for y > 0, +∞ for y < 0; pow(x, 0) = 1; a negative x gives NaN (not needed).
extension DeterministicMath {
    // ln 2 = ln2Hi + ln2Lo; ln2Hi has 32 significant bits so k·ln2Hi is exact for |k| < 2¹¹.
    private static let ln2Hi = 6.93147180369123816490e-01
    private static let ln2Lo = 1.90821492927058770002e-10
    private static let invLn2 = 1.44269504088896338700e+00
    private static let expOverflow = 7.09782712893383973096e+02
    private static let expUnderflow = -7.45133219101941108420e+02

    /// eˣ (fdlibm `__ieee754_exp`). Reduce x = k·ln2 + r with |r| ≤ ½ln2, approximate
    /// e^r by a rational function of a degree-5 minimax polynomial, scale by 2ᵏ exactly.
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > expOverflow { return .infinity }
        if x < expUnderflow { return 0 }
        let ax = Swift.abs(x)
        if ax < 0x1p-28 { return 1 + x }
        var k = 0
        var hi = x
        var lo = 0.0
        if ax > 0.5 * 6.93147180559945286227e-01 {
            let kd = roundedToNearestEven(x * invLn2)
            k = Int(kd)
            hi = x - kd * ln2Hi
            lo = kd * ln2Lo
        }
        let r = hi - lo
        let t = r * r
        let c = r - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03
            + t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06
            + t * 4.13813679705723846039e-08))))
        if k == 0 { return 1 - ((r * c) / (c - 2) - r) }
        let y = 1 - ((lo - (r * c) / (2 - c)) - hi)
        return scaleByPowerOfTwo(y, k)
    }

    /// ln x (fdlibm `__ieee754_log`). Write x = 2ᵏ·(1 + f) with √2/2 < 1 + f < √2, then
    /// ln(1 + f) = 2s + s·R(s²) with s = f/(2 + f) and a degree-7 minimax R.
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        var bits = x.bitPattern
        var k = 0
        if bits >> 52 == 0 {  // subnormal: scale up by 2⁵⁴ (exact)
            bits = (x * 0x1p54).bitPattern
            k = -54
        }
        var hx = Int(bits >> 32)
        k += (hx >> 20) - 1023
        hx &= 0x000F_FFFF
        let i = (hx + 0x95F64) & 0x10_0000  // 1 when the mantissa is above √2, i.e. normalise to /2
        let high = UInt64(hx | (i ^ 0x3FF0_0000))
        let m = Double(bitPattern: (high << 32) | (bits & 0xFFFF_FFFF))
        k += i >> 20
        let f = m - 1
        let dk = Double(k)
        if f == 0 { return dk * ln2Hi + dk * ln2Lo }
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01
            + w * 1.531383769920937332e-01))
        let t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01
            + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
        let r = t2 + t1
        let hfsq = 0.5 * f * f
        return dk * ln2Hi - ((hfsq - (s * (hfsq + r) + dk * ln2Lo)) - f)
    }

    /// xʸ = exp(y·ln x) for x ≥ 0 (see the error bound above).
    public static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 { return 1 }
        if x.isNaN || y.isNaN || x < 0 { return .nan }
        if x == 0 { return y > 0 ? 0 : .infinity }
        if x == 1 { return 1 }
        return exp(y * log(x))
    }

    /// y·2ᵏ exactly (y in [0.5, 2], |k| ≤ 1075), through the subnormals.
    @inline(__always)
    private static func scaleByPowerOfTwo(_ y: Double, _ k: Int) -> Double {
        if k >= -1021 {
            if k > 1023 { return y * 2 * Double(bitPattern: UInt64(k - 1 + 1023) << 52) }
            return y * Double(bitPattern: UInt64(k + 1023) << 52)
        }
        // Two steps so that only the last multiplication rounds (into the subnormals).
        return (y * Double(bitPattern: UInt64(k + 1000 + 1023) << 52)) * 0x1p-1000
    }
}
