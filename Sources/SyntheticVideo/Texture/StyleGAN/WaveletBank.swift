/// The 40 oriented 3×3 filters of the StyleGAN-Oriented generator (GENERATORS.md §8.3): 8 edge
/// and 8 line filters (an 11×11 image rotated by k·22.5° with PIL's bilinear rotation about the
/// centre, central 3×3 cropped, mean subtracted), 4 sparse filters, then the negatives of those 20.
/// Each filter is 9 values, rows top to bottom.
enum WaveletBank {
    static let count = 40

    static let filters: [[Double]] = {
        let edge = image { x, _ in x < 5 ? 1 : (x == 5 ? 0 : -1) }
        let line = image { x, _ in x == 5 ? -1 : 1 }
        var bank = [[Double]]()
        for source in [edge, line] {
            for k in 0..<8 {
                let crop = rotatedCentre(source, degrees: 22.5 * Double(k))
                let mean = crop.reduce(0, +) / 9
                bank.append(crop.map { $0 - mean })
            }
        }
        bank.append([0, 0, 0, 0, 1, 0, 0, 0, 0])
        bank.append([-1, -1, -1, -1, 1, -1, -1, -1, -1])
        bank.append([0, 1, 0, 1, 1, 1, 0, 1, 0])
        bank.append([-1, 1, -1, 1, 1, 1, -1, 1, -1])
        bank += bank.map { $0.map { -$0 } }
        return bank
    }()

    /// ‖filter‖²_F for each filter (demodulation).
    static let squaredNorms: [Double] = filters.map { $0.reduce(0) { $0 + $1 * $1 } }

    private static func image(_ value: (Int, Int) -> Double) -> [Double] {
        (0..<121).map { value($0 % 11, $0 / 11) }
    }

    /// PIL `Image.rotate(degrees, BILINEAR)` of an 11×11 float image (counter-clockwise, centre
    /// (5.5, 5.5), zero outside), then the central 3×3. Output pixel (X, Y) samples the source at
    /// (cos θ·(X+½−c) − sin θ·(Y+½−c) + c, sin θ·(X+½−c) + cos θ·(Y+½−c) + c), bilinearly, in
    /// pixel-centre coordinates (−½).
    private static func rotatedCentre(_ source: [Double], degrees: Double) -> [Double] {
        let (s, c) = DeterministicMath.sincos(DeterministicMath.radians(degrees: degrees))
        let centre = 5.5
        func at(_ x: Int, _ y: Int) -> Double {
            let cx = Swift.min(Swift.max(x, 0), 10), cy = Swift.min(Swift.max(y, 0), 10)
            return source[cy * 11 + cx]
        }
        var out = [Double]()
        for y in 4...6 {
            for x in 4...6 {
                let dx = Double(x) + 0.5 - centre, dy = Double(y) + 0.5 - centre
                let xin = c * dx - s * dy + centre - 0.5
                let yin = s * dx + c * dy + centre - 0.5
                let x0 = Int(xin.rounded(.down)), y0 = Int(yin.rounded(.down))
                let fx = xin - Double(x0), fy = yin - Double(y0)
                let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
                let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
                out.append(top * (1 - fy) + bottom * fy)
            }
        }
        return out
    }
}
