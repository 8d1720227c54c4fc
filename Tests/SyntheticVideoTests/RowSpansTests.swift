import Testing
@testable import SyntheticVideo

/// The closed-form row spans against a pixel-by-pixel evaluation of the same rules.
@Suite struct RowSpansTests {
    static let side = 64

    /// Traces a silhouette on a side × side canvas with no finished rows.
    func spans(_ silhouette: Silhouette) -> [Int: ClosedRange<Int>] {
        var spans = RowSpans(height: Self.side)
        let finished = UnsafeMutableBufferPointer<Bool>.allocate(capacity: Self.side)
        defer { finished.deallocate() }
        finished.update(repeating: false)
        guard let box = silhouette.bounds?.clipped(width: Self.side, height: Self.side) else { return [:] }
        spans.trace(silhouette, rows: box, finished: finished)
        var out: [Int: ClosedRange<Int>] = [:]
        for y in spans.top...spans.bottom where spans.left[y] <= spans.right[y] {
            out[y] = spans.left[y]...spans.right[y]
        }
        return out
    }

    /// Pixels of the digital line: one per row (y-major) or per column (x-major), halves up.
    func linePixels(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> Set<[Int]> {
        let (ax, ay, bx, by) = y0 <= y1 ? (x0, y0, x1, y1) : (x1, y1, x0, y0)
        let dx = bx - ax, dy = by - ay
        var out = Set<[Int]>()
        if dy == 0 {
            for x in min(ax, bx)...max(ax, bx) { out.insert([x, ay]) }
        } else if abs(dx) <= dy {
            for j in 0...dy { out.insert([ax + Int((Double(dx * j) / Double(dy) + 0.5).rounded(.down)), ay + j]) }
        } else {
            for k in 0...abs(dx) {
                out.insert([ax + (dx > 0 ? k : -k), ay + Int((Double(dy * k) / Double(abs(dx)) + 0.5).rounded(.down))])
            }
        }
        return out
    }

    func insideConvex(_ px: Int, _ py: Int, _ xs: [Int], _ ys: [Int]) -> Bool {
        var sign = 0
        for i in xs.indices {
            let j = (i + 1) % xs.count
            let cross = (xs[j] - xs[i]) * (py - ys[i]) - (ys[j] - ys[i]) * (px - xs[i])
            if cross != 0 {
                if sign == 0 { sign = cross > 0 ? 1 : -1 } else if (cross > 0 ? 1 : -1) != sign { return false }
            }
        }
        return true
    }

    @Test func polygonSpansAreTheOutlineAndInteriorOfEachRow() {
        let rng = CounterRandom(scene: Configuration().sceneDigest, seed: 99, purpose: .object)
        var n: UInt64 = 0
        for trial in 0..<400 {
            let shape: Shape = [.triangle, .quadrilateral, .rectangle, .orientedSquare, .square][trial % 5]
            let radius = rng.integer(n, in: 2...30); n += 1
            let (corners, _) = SceneSampler.localGeometry(shape: shape, radius: radius) { _ in
                defer { n += 1 }
                return rng.unit(n)
            }
            let ox = rng.integer(n, in: 0...30), oy = rng.integer(n + 1, in: -10...30); n += 2
            let xs = corners.map { Int($0.x) + ox }, ys = corners.map { Int($0.y) + oy }
            var expected: [Int: ClosedRange<Int>] = [:]
            var pixels = Set<[Int]>()
            for i in xs.indices { pixels.formUnion(linePixels(xs[i], ys[i], xs[(i + 1) % xs.count], ys[(i + 1) % xs.count])) }
            for y in (ys.min()!)...(ys.max()!) {
                for x in (xs.min()!)...(xs.max()!) where insideConvex(x, y, xs, ys) { pixels.insert([x, y]) }
            }
            for p in pixels where (0..<Self.side).contains(p[1]) {
                let row = expected[p[1]]
                expected[p[1]] = min(row?.lowerBound ?? p[0], p[0])...max(row?.upperBound ?? p[0], p[0])
            }
            var vx = SIMD4<Int>(), vy = SIMD4<Int>()
            for i in xs.indices { vx[i] = xs[i]; vy[i] = ys[i] }
            #expect(spans(.polygon(xs: vx, ys: vy, count: xs.count)) == expected, "\(shape) \(xs) \(ys)")
        }
    }

    @Test(arguments: [(0, 0), (1, 0), (0, 1), (3, 3), (10, 4), (4, 10), (25, 25), (31, 17)])
    func alignedEllipseCoversExactlyThePixelCentresInside(ax: Int, ay: Int) {
        let cx = 30, cy = 33
        var expected: [Int: ClosedRange<Int>] = [:]
        for y in (cy - ay)...(cy + ay) where (0..<Self.side).contains(y) {
            let xs = (cx - ax...cx + ax).filter { x in
                let dx = x - cx, dy = y - cy
                return ay == 0 ? dy == 0 : dx * dx * ay * ay + dy * dy * ax * ax <= ax * ax * ay * ay
            }
            if let lo = xs.min(), let hi = xs.max() { expected[y] = lo...hi }
        }
        #expect(spans(.alignedEllipse(cx: cx, cy: cy, ax: ax, ay: ay)) == expected)
    }

    @Test func conicMatchesThePixelCentreTestAwayFromTheRim() {
        // A tilted ellipse: pixels clearly inside (Q ≤ 0.98) are covered, clearly outside (Q ≥ 1.02) are not.
        for tilt in [3, -5, 30, 90] {
            let (s, c) = DeterministicMath.sincos(DeterministicMath.radians(degrees: Double(tilt)))
            let a = 1 / (20.0 * 20.0), b = 1 / (9.0 * 9.0)
            let qa = c * c * a + s * s * b, qb = c * s * (a - b), qc = s * s * a + c * c * b
            let traced = spans(.conic(cx: 31.5, cy: 30.25, qa: qa, qb: qb, qc: qc))
            for y in 0..<Self.side {
                for x in 0..<Self.side {
                    let dx = Double(x) - 31.5, dy = Double(y) - 30.25
                    let q = qa * dx * dx + 2 * qb * dx * dy + qc * dy * dy
                    let covered = traced[y]?.contains(x) ?? false
                    if q <= 0.98 { #expect(covered, "tilt \(tilt) (\(x), \(y)) inside") }
                    if q >= 1.02 { #expect(!covered, "tilt \(tilt) (\(x), \(y)) outside") }
                }
            }
        }
    }
}
