/// The synthesis network evaluated with the rank-1 shortcut of GENERATORS.md §8.3.
///
/// A modulated, demodulated conv with weight[o, i] = g_o·s_i·wav_{idx_i} has every output channel
/// equal to sign(g_o)·Y/√A with the single map Y = Σ_i s_i·(x_i ⋆ wav_{idx_i}) and
/// A = Σ_i s_i²‖wav_{idx_i}‖² (we drop StyleGAN2's ε = 10⁻⁸ inside the square root, a relative
/// change of 10⁻⁸/(2g_o²A)). So after noise, bias and ReLU·√2 a layer's channel o is
/// h_o = √2·max(σ_o·Z + n + b_o, 0) with the two maps Z = Y/√A and n (noise), and its sign σ_o
/// and bias b_o. Everything downstream of h is linear in the channels: the next conv needs, per
/// pixel q and tap t, T_t(q) = Σ_o s'_o·wav'_{idx'_o}[t]·h_o(q), the block's ToRGB needs
/// Σ_o u_{c,o}·h_o(q). For channels of one sign, sorted by bias, the active set at a pixel is a
/// prefix whose length j follows from one binary search on v = σ·Z + n, and the sum is
/// v·P[j] + Q[j] with prefix sums P, Q of the coefficients (and coefficients × bias). So each
/// layer costs, per pixel, two searches and 2 × 12 multiply-adds (9 taps + 3 colours), instead of
/// C_in·C_out·9 (dense) or C_in·(9 + 3) (one depthwise pass). Mathematically identical to the dense
/// network; rounding differs at the 10⁻¹⁴ level (tested against a dense evaluation).
///
/// Convolution conventions (StyleGAN2 `conv2d_resample`): a plain 3×3 conv is a correlation with
/// zero padding 1; the upsampling conv is a stride-2 transposed conv with the unflipped kernel
/// (output 2H+1) followed by the [1,3,3,1]⊗[1,3,3,1]/64 FIR with gain 4 and padding 1 (output
/// 2H); the skip image is upsampled by zero insertion and the same FIR with padding (2, 1).
enum StyleGANOrientedSynthesis {
    /// The network output before colour normalisation: 3 planes of resolution² values.
    static func render(_ a: StyleGANOrientedArchitecture, weights: StyleGANGeneratorWeights,
                       parameters p: StyleGANImageParameters) -> [Double] {
        let convs = a.convs
        let noise = StyleGANImageParameters.noisePyramid(p.noise, side: 2 * a.resolution, down: a.blocks)
        var z = firstConvolution(a, weights: weights, draws: p.convs[0])
        var image = [Double]()
        var imageSide = 0
        for (l, conv) in convs.enumerated() {
            let draws = p.convs[l]
            let res = conv.resolution
            let next: (StyleGANOrientedArchitecture.Conv, StyleGANImageParameters.ConvDraws)? =
                l + 1 < convs.count ? (convs[l + 1], p.convs[l + 1]) : nil
            let rgb = conv.toRGB.map { p.toRGBCoefficients[$0] }
            let (y, block) = propagate(z: z, noise: noise[res]!, strength: draws.noiseStrength, resolution: res,
                                       signs: draws.positive, biases: draws.bias, next: next, toRGB: rgb)
            if let block {
                image = imageSide == 0 ? block : add(upsample(image, side: imageSide), block)
                imageSide = res
            }
            if let next, let y {
                z = y
                let a2 = amplitude(next.1)
                let inverse = 1 / a2.squareRoot()
                for k in 0..<z.count { z[k] *= inverse }
            }
        }
        return image
    }

    /// A = Σ_i s_i²‖wav_{idx_i}‖².
    static func amplitude(_ d: StyleGANImageParameters.ConvDraws) -> Double {
        var total = 0.0
        for (i, s) in d.styles.enumerated() { total += s * s * WaveletBank.squaredNorms[d.subset[d.filterIndex[i]]] }
        return total
    }

    /// Z of the first conv (block 4), whose input is the learned constant.
    static func firstConvolution(_ a: StyleGANOrientedArchitecture, weights: StyleGANGeneratorWeights,
                                 draws d: StyleGANImageParameters.ConvDraws) -> [Double] {
        let channels = a.channels(4)
        var padded = [Double](repeating: 0, count: 36)
        for i in 0..<channels {
            let filter = WaveletBank.filters[d.subset[d.filterIndex[i]]]
            let s = d.styles[i]
            for q in 0..<16 {
                let v = s * weights.constant[i * 16 + q]
                let y = q / 4, x = q % 4
                for t in 0..<9 {
                    padded[(y - t / 3 + 2) * 6 + (x - t % 3 + 2)] += filter[t] * v
                }
            }
        }
        let inverse = 1 / amplitude(d).squareRoot()
        var z = [Double](repeating: 0, count: 16)
        for y in 0..<4 { for x in 0..<4 { z[y * 4 + x] = padded[(y + 1) * 6 + x + 1] * inverse } }
        return z
    }

    /// One layer's channels h_o = √2·max(σ_o·Z + n + b_o, 0), consumed by the next conv (returned: its
    /// Y before 1/√A, FIR applied for an upsampling conv) and by the block's ToRGB (returned: 3 planes).
    static func propagate(z: [Double], noise: [Double], strength: Double, resolution res: Int,
                          signs: [Bool], biases: [Double],
                          next: (StyleGANOrientedArchitecture.Conv, StyleGANImageParameters.ConvDraws)?,
                          toRGB: [Double]?) -> ([Double]?, [Double]?) {
        let taps = next == nil ? 0 : 9
        let columns = taps + (toRGB == nil ? 0 : 3)
        let channels = signs.count
        // Coefficients per channel and column, with the ReLU gain √2 folded in.
        var coefficient = [Double](repeating: 0, count: channels * columns)
        let gain = 2.0.squareRoot()
        if let (_, d) = next {
            for o in 0..<channels {
                let filter = WaveletBank.filters[d.subset[d.filterIndex[o]]]
                for t in 0..<9 { coefficient[o * columns + t] = gain * (d.styles[o] * filter[t]) }
            }
        }
        if let toRGB {
            for o in 0..<channels {
                for c in 0..<3 { coefficient[o * columns + taps + c] = gain * toRGB[c * channels + o] }
            }
        }
        let positive = PrefixTable(channels: (0..<channels).filter { signs[$0] }, biases: biases,
                                   coefficient: coefficient, columns: columns)
        let negative = PrefixTable(channels: (0..<channels).filter { !signs[$0] }, biases: biases,
                                   coefficient: coefficient, columns: columns)
        let up = next?.0.up ?? false
        let side = up ? 2 * res + 1 : res + 2
        var y = [Double](repeating: 0, count: taps == 0 ? 0 : side * side)
        var rgb = [Double](repeating: 0, count: toRGB == nil ? 0 : 3 * res * res)
        let out = UnsafeMutablePointer<Double>.allocate(capacity: PrefixTable.stride)
        defer { out.deallocate() }
        y.withUnsafeMutableBufferPointer { yb in
            rgb.withUnsafeMutableBufferPointer { rb in
                for qy in 0..<res {
                    for qx in 0..<res {
                        let q = qy &* res &+ qx
                        let n = strength * noise[q]
                        var sums = PrefixTable.Sums()
                        positive.accumulate(z[q] + n, into: &sums)
                        negative.accumulate(-z[q] + n, into: &sums)
                        sums.store(to: out)
                        if taps > 0 {
                            let ybase = yb.baseAddress!
                            if up {
                                for t in 0..<9 { ybase[(2 &* qy &+ t / 3) &* side &+ 2 &* qx &+ t % 3] += out[t] }
                            } else {
                                for t in 0..<9 { ybase[(qy &- t / 3 &+ 2) &* side &+ qx &- t % 3 &+ 2] += out[t] }
                            }
                        }
                        if toRGB != nil {
                            for c in 0..<3 { rb[c &* res &* res &+ q] = out[taps &+ c] }
                        }
                    }
                }
            }
        }
        var result: [Double]? = nil
        if taps > 0 {
            if up {
                result = firAfterTransposedConv(y, inputSide: side)
            } else {
                var cropped = [Double](repeating: 0, count: res * res)
                for r in 0..<res { for c in 0..<res { cropped[r * res + c] = y[(r + 1) * side + c + 1] } }
                result = cropped
            }
        }
        return (result, toRGB == nil ? nil : rgb)
    }

    /// Prefix sums over the channels of one sign sorted by bias (descending).
    struct PrefixTable {
        /// A pixel's sums for the (at most 12) columns, in registers: lanes 0–7 and 8–11.
        struct Sums {
            var low = SIMD8<Double>()
            var high = SIMD4<Double>()

            @inline(__always)
            func store(to out: UnsafeMutablePointer<Double>) {
                UnsafeMutableRawPointer(out).storeBytes(of: low, as: SIMD8<Double>.self)
                UnsafeMutableRawPointer(out).storeBytes(of: high, toByteOffset: 64, as: SIMD4<Double>.self)
            }
        }

        /// Every row holds `stride` = 12 columns, unused ones 0, so a row is one SIMD8 and one SIMD4.
        static let stride = 12
        let count: Int
        let sortedBias: [Double]
        /// (count + 1) rows: Σ over the first j channels of coefficient, and of coefficient × bias.
        let p: [Double]
        let q: [Double]

        init(channels: [Int], biases: [Double], coefficient: [Double], columns: Int) {
            precondition(columns <= Self.stride)
            let order = channels.sorted { biases[$0] > biases[$1] || (biases[$0] == biases[$1] && $0 < $1) }
            count = order.count
            sortedBias = order.map { biases[$0] }
            let stride = Self.stride
            var p = [Double](repeating: 0, count: (count + 1) * stride)
            var q = p
            for (j, o) in order.enumerated() {
                for c in 0..<columns {
                    let k = o * columns + c
                    p[(j + 1) * stride + c] = p[j * stride + c] + coefficient[k]
                    q[(j + 1) * stride + c] = q[j * stride + c] + coefficient[k] * biases[o]
                }
            }
            self.p = p
            self.q = q
        }

        /// sums[c] += Σ_{active} coefficient·(v + b) where channel active ⇔ v + b > 0 ⇔ b > −v.
        /// Lane-wise, each column gets exactly the scalar `sums[c] += v·p + q`.
        @inline(__always)
        func accumulate(_ v: Double, into sums: inout Sums) {
            let threshold = -v
            if count == 0 || sortedBias[0] <= threshold { return }
            // (Branches, not conditional moves: neighbouring pixels take the same path, so the
            // predictor follows them; a data-independent search measured 7 % slower.)
            let j = sortedBias.withUnsafeBufferPointer { b in
                if b[count &- 1] > threshold { return count }
                var lo = 1, hi = count &- 1   // b[lo − 1] > t, b[hi] ≤ t
                while lo < hi {
                    let mid = (lo &+ hi) &>> 1
                    if b[mid] > threshold { lo = mid &+ 1 } else { hi = mid }
                }
                return lo
            }
            let base = j &* Self.stride
            p.withUnsafeBufferPointer { pb in
                q.withUnsafeBufferPointer { qb in
                    let pr = UnsafeRawPointer(pb.baseAddress! + base), qr = UnsafeRawPointer(qb.baseAddress! + base)
                    let lowP = pr.loadUnaligned(as: SIMD8<Double>.self), lowQ = qr.loadUnaligned(as: SIMD8<Double>.self)
                    let highP = pr.loadUnaligned(fromByteOffset: 64, as: SIMD4<Double>.self)
                    let highQ = qr.loadUnaligned(fromByteOffset: 64, as: SIMD4<Double>.self)
                    sums.low += v * lowP + lowQ
                    sums.high += v * highP + highQ
                }
            }
        }
    }

    /// [1,3,3,1]/4 per axis (gain 4 in 2-D) with padding 1 on a (2H+1)² map → 2H × 2H.
    /// Each output is Σ_t f[t]·u[m + t − 1] over the taps inside the map, in the order of t, from
    /// 0; four outputs of a line go through one vector operation per tap (lane-wise, so the same
    /// bits), the two edge outputs of each line one by one.
    static func firAfterTransposedConv(_ u: [Double], inputSide l: Int) -> [Double] {
        let n = l - 1
        typealias Lanes = SIMD4<Double>
        let f: Lanes = [0.25, 0.75, 0.75, 0.25]
        /// The taps t of output m whose input m + t − 1 lies inside the map (0 ≤ m + t − 1 < l).
        func taps(_ m: Int) -> ClosedRange<Int> { Swift.max(0, 1 - m)...Swift.min(3, l - m) }
        /// out[m] = Σ_t f[t]·line[m + t − 1] for m in 0..<n (line has l values).
        func filter(_ line: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
            for m in [0, n - 1] {
                var acc = 0.0
                for t in taps(m) { acc += f[t] * line[m + t - 1] }
                out[m] = acc
            }
            let raw = UnsafeRawPointer(line)
            var m = 1
            while m + 4 <= n - 1 {
                var acc = Lanes()
                for t in 0..<4 { acc += f[t] * raw.loadUnaligned(fromByteOffset: (m + t - 1) * 8, as: Lanes.self) }
                UnsafeMutableRawPointer(out).storeBytes(of: acc, toByteOffset: m * 8, as: Lanes.self)
                m += 4
            }
            while m < n - 1 {
                var acc = 0.0
                for t in 0..<4 { acc += f[t] * line[m + t - 1] }
                out[m] = acc
                m += 1
            }
        }
        var horizontal = [Double](repeating: 0, count: l * n)
        var out = [Double](repeating: 0, count: n * n)
        u.withUnsafeBufferPointer { ub in
            horizontal.withUnsafeMutableBufferPointer { hb in
                for r in 0..<l { filter(ub.baseAddress! + r * l, hb.baseAddress! + r * n) }
            }
        }
        // Vertical: each output row combines up to four rows of `horizontal`, four columns per
        // vector, in the same order of taps.
        horizontal.withUnsafeBufferPointer { hb in
            out.withUnsafeMutableBufferPointer { ob in
                let h = UnsafeRawPointer(hb.baseAddress!), o = UnsafeMutableRawPointer(ob.baseAddress!)
                for m in 0..<n {
                    let inside = taps(m)
                    var c = 0
                    while c + 4 <= n {
                        var acc = Lanes()
                        for t in inside {
                            acc += f[t] * h.loadUnaligned(fromByteOffset: ((m + t - 1) * n + c) * 8, as: Lanes.self)
                        }
                        o.storeBytes(of: acc, toByteOffset: (m * n + c) * 8, as: Lanes.self)
                        c += 4
                    }
                    while c < n {
                        var acc = 0.0
                        for t in inside { acc += f[t] * hb[(m + t - 1) * n + c] }
                        ob[m * n + c] = acc
                        c += 1
                    }
                }
            }
        }
        return out
    }

    /// 3 planes side² → 3 planes (2·side)², StyleGAN2 `upsample2d` (zero insertion, FIR, gain 4).
    static func upsample(_ image: [Double], side: Int) -> [Double] {
        let n = 2 * side
        var out = [Double](repeating: 0, count: 3 * n * n)
        var row = [Double](repeating: 0, count: side * n)
        // Buffer pointers, not the arrays: a nested accessor taking the arrays retained and
        // released them for every sample. A neighbour past the edge is 0 (added, not skipped,
        // to keep the arithmetic, and so the bits, of the padded definition).
        image.withUnsafeBufferPointer { input in
            row.withUnsafeMutableBufferPointer { halfway in
                out.withUnsafeMutableBufferPointer { output in
                    for c in 0..<3 {
                        let plane = c * side * side
                        for y in 0..<side {
                            let o = plane + y * side
                            for x in 0..<side {
                                let left = x > 0 ? input[o + x - 1] : 0, right = x + 1 < side ? input[o + x + 1] : 0
                                halfway[y * n + 2 * x] = (left + 3 * input[o + x]) * 0.25
                                halfway[y * n + 2 * x + 1] = (3 * input[o + x] + right) * 0.25
                            }
                        }
                        // Vertically, four columns per vector (n = 2·side is a multiple of 4).
                        let h = UnsafeRawPointer(halfway.baseAddress!), o = UnsafeMutableRawPointer(output.baseAddress!)
                        typealias Lanes = SIMD4<Double>
                        for y in 0..<side {
                            for x in stride(from: 0, to: n, by: 4) {
                                let middle = h.loadUnaligned(fromByteOffset: (y * n + x) * 8, as: Lanes.self)
                                let above = y > 0 ? h.loadUnaligned(fromByteOffset: ((y - 1) * n + x) * 8, as: Lanes.self) : Lanes()
                                let below = y + 1 < side ? h.loadUnaligned(fromByteOffset: ((y + 1) * n + x) * 8, as: Lanes.self) : Lanes()
                                o.storeBytes(of: (above + 3 * middle) * 0.25, toByteOffset: (c * n * n + 2 * y * n + x) * 8, as: Lanes.self)
                                o.storeBytes(of: (3 * middle + below) * 0.25, toByteOffset: (c * n * n + (2 * y + 1) * n + x) * 8, as: Lanes.self)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    static func add(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = a
        for k in 0..<out.count { out[k] += b[k] }
        return out
    }
}
