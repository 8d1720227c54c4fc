/// VideoMAE's `GroupMultiScaleCrop(outputSide, scales [1, .875, .75, .66], max_distort 1,
/// more_fix_crop)` followed by PIL's bilinear resize (GENERATORS.md §6.2): one crop, drawn from
/// the seed, for every frame of a clip. The resize follows Pillow's 8-bit resampler: separable
/// triangle filter widened by the downscale factor, 22-bit fixed-point coefficients, a
/// horizontal pass rounded to 8 bits, then a vertical pass.
struct MultiScaleCrop {
    struct Window: Equatable {
        var x: Int, y: Int, width: Int, height: Int
    }

    let inputSide: Int
    let outputSide: Int
    /// Candidate (width, height) pairs in the reference's order.
    let sizes: [(width: Int, height: Int)]

    init(inputSide: Int, outputSide: Int) {
        self.inputSide = inputSide
        self.outputSide = outputSide
        let candidates = [1.0, 0.875, 0.75, 0.66].map { scale -> Int in
            let size = Int(Double(inputSide) * scale)
            return Swift.abs(size - outputSide) < 3 ? outputSide : size
        }
        var sizes: [(Int, Int)] = []
        for (i, h) in candidates.enumerated() {
            for (j, w) in candidates.enumerated() where Swift.abs(i - j) <= 1 { sizes.append((w, h)) }
        }
        self.sizes = sizes
    }

    /// The crop for a clip: a size pair and one of 13 fixed offsets, each uniform.
    func window(for rng: CounterRandom) -> Window {
        let (w, h) = sizes[rng.integer(0, in: 0...(sizes.count - 1))]
        let ws = (inputSide - w) / 4, hs = (inputSide - h) / 4
        let offsets = [(0, 0), (4, 0), (0, 4), (4, 4), (2, 2), (0, 2), (4, 2), (2, 4), (2, 0),
                       (1, 1), (3, 1), (1, 3), (3, 3)]
        let (ox, oy) = offsets[rng.integer(1, in: 0...(offsets.count - 1))]
        return Window(x: ox * ws, y: oy * hs, width: w, height: h)
    }

    /// Resamples `window` of the `inputSide²` RGB frame at `source` to `outputSide²` at `target`.
    func resample(_ source: UnsafeRawPointer, window: Window, into target: UnsafeMutableRawPointer) {
        let horizontal = Taps(inputSize: window.width, outputSize: outputSide)
        let vertical = Taps(inputSize: window.height, outputSize: outputSide)
        let src = source.assumingMemoryBound(to: UInt8.self)
        let dst = target.assumingMemoryBound(to: UInt8.self)
        // Horizontal pass over the window's rows, into 8-bit intermediate rows.
        var rows = [UInt8](repeating: 0, count: window.height * outputSide * 3)
        for y in 0..<window.height {
            let rowBase = ((window.y + y) * inputSide + window.x) * 3
            for x in 0..<outputSide {
                for channel in 0..<3 {
                    var sum = Taps.half
                    for (i, k) in horizontal.weights[x].enumerated() {
                        sum += Int(src[rowBase + (horizontal.first[x] + i) * 3 + channel]) * k
                    }
                    rows[(y * outputSide + x) * 3 + channel] = Taps.clip(sum)
                }
            }
        }
        // Vertical pass.
        for y in 0..<outputSide {
            for x in 0..<outputSide {
                for channel in 0..<3 {
                    var sum = Taps.half
                    for (i, k) in vertical.weights[y].enumerated() {
                        sum += Int(rows[((vertical.first[y] + i) * outputSide + x) * 3 + channel]) * k
                    }
                    dst[(y * outputSide + x) * 3 + channel] = Taps.clip(sum)
                }
            }
        }
    }

    /// Pillow's `precompute_coeffs` for the bilinear filter, normalised to 22-bit fixed point.
    struct Taps {
        static let precisionBits = 22
        static let half = 1 << (precisionBits - 1)
        var first: [Int] = []
        var weights: [[Int]] = []

        init(inputSize: Int, outputSize: Int) {
            let scale = Double(inputSize) / Double(outputSize)
            let filterScale = Swift.max(scale, 1.0)
            let support = 1.0 * filterScale
            for x in 0..<outputSize {
                let center = (Double(x) + 0.5) * scale
                let lo = Swift.max(Int(center - support + 0.5), 0)
                let hi = Swift.min(Int(center + support + 0.5), inputSize)
                var k = (lo..<hi).map { i -> Double in
                    let d = Swift.abs((Double(i) - center + 0.5) / filterScale)
                    return d < 1 ? 1 - d : 0
                }
                let total = k.reduce(0, +)
                if total != 0 { k = k.map { $0 / total } }
                first.append(lo)
                weights.append(k.map { w in
                    let scaled = w * Double(1 << Self.precisionBits)
                    return Int(scaled < 0 ? scaled - 0.5 : scaled + 0.5)
                })
            }
        }

        static func clip(_ sum: Int) -> UInt8 {
            UInt8(clamping: sum >> precisionBits)
        }
    }
}
