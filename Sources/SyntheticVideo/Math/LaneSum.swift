/// Long sums of Doubles in four interleaved partial sums (element k goes to lane k mod 4),
/// combined as (s₀ + s₁) + (s₂ + s₃) at the end: four independent addition chains, so a sum over
/// a texture runs at the adder's throughput instead of waiting on each addition's latency. The
/// order of the operations is fixed, so the bits are too (they differ from a left-to-right sum's).
enum LaneSum {
    typealias Lanes = SIMD4<Double>

    /// Σ term(values[k]), `term` applied lane-wise to four consecutive values.
    @inline(__always)
    static func sum(_ values: UnsafeBufferPointer<Double>, _ term: (Lanes) -> Lanes = { $0 }) -> Double {
        let count = values.count
        var lanes = Lanes()
        var k = 0
        if let base = values.baseAddress {
            let raw = UnsafeRawPointer(base)
            while k + 4 <= count {
                lanes += term(raw.loadUnaligned(fromByteOffset: k * 8, as: Lanes.self))
                k += 4
            }
            if k < count {
                var tail = Lanes(), used = SIMDMask<Lanes.MaskStorage>()
                for j in 0..<(count - k) { tail[j] = base[k + j]; used[j] = true }
                lanes += term(tail).replacing(with: 0, where: .!used)
            }
        }
        return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
    }

    /// Σ values[k].
    static func sum(_ values: [Double]) -> Double { values.withUnsafeBufferPointer { sum($0) } }

    /// Mean and population standard deviation (two passes: the mean, then Σ (v − mean)²).
    static func meanAndStd(_ values: UnsafeBufferPointer<Double>) -> (mean: Double, std: Double) {
        let n = Double(values.count)
        let mean = sum(values) / n
        let squares = sum(values) { let d = $0 - mean; return d * d }
        return (mean, (squares / n).squareRoot())
    }

    static func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
        values.withUnsafeBufferPointer { meanAndStd($0) }
    }
}
