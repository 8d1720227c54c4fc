/// The one span per row that a convex silhouette covers: `left[y]...right[y]` for rows
/// `top...bottom`, clipped to the canvas rows (columns may lie outside the canvas; the painter
/// clips them).
///
/// Rules (GENERATORS.md §13, rasterisation): a polygon covers its 8-connected outline — each
/// edge a digital line with round-half-up steps, computed in closed form per row — and the pixel
/// centres inside it; each row is filled from its leftmost to its rightmost such pixel, so a row
/// where the polygon is thinner than a pixel (near a sharp vertex) stays one unbroken span. An
/// ellipse covers the pixel centres inside it.
struct RowSpans: ~Copyable {
    let left: UnsafeMutableBufferPointer<Int>
    let right: UnsafeMutableBufferPointer<Int>
    private(set) var top = 0
    private(set) var bottom = -1
    let height: Int

    init(height: Int) {
        self.height = height
        left = .allocate(capacity: height)
        right = .allocate(capacity: height)
    }

    deinit {
        left.deallocate()
        right.deallocate()
    }

    /// Computes the spans of `silhouette` on the rows `box.minY...box.maxY` (its bounds clipped
    /// to the canvas). The painter skips `finished` rows, so a span there may be left unset:
    /// ellipses skip those rows (a conic row costs a square root); polygon edges, a few
    /// operations per row, trace them rather than test each one.
    mutating func trace(_ silhouette: Silhouette, rows box: PixelBox, finished: UnsafeMutableBufferPointer<Bool>) {
        top = box.minY
        bottom = box.maxY
        for y in top...bottom {
            left[y] = Int.max
            right[y] = Int.min
        }
        switch silhouette {
        case .polygon(let xs, let ys, let count):
            for i in 0..<count {
                let j = i + 1 == count ? 0 : i + 1
                addEdge(xs[i], ys[i], xs[j], ys[j])
            }
        case .alignedEllipse(let cx, let cy, let ax, let ay):
            addAlignedEllipse(cx: cx, cy: cy, ax: ax, ay: ay, finished: finished)
        case .conic(let cx, let cy, let qa, let qb, let qc):
            addConic(cx: cx, cy: cy, qa: qa, qb: qb, qc: qc, finished: finished)
        }
    }

    /// Makes every row's span `columns` (the background's spans).
    mutating func cover(columns: ClosedRange<Int>) {
        top = 0
        bottom = height - 1
        left.update(repeating: columns.lowerBound)
        right.update(repeating: columns.upperBound)
    }

    /// Widens row y's span to a...b. Branch-free: which edge extends a row is unpredictable.
    @inline(__always)
    private func include(_ y: Int, _ a: Int, _ b: Int) {
        left[y] = Swift.min(left[y], a)
        right[y] = Swift.max(right[y], b)
    }

    /// The digital line from (x0, y0) to (x1, y1), row by row in closed form, evaluated with
    /// incremental quotients (no division per row). The endpoint with the smaller y is the
    /// origin, so the pixels do not depend on the edge's direction.
    private func addEdge(_ xa: Int, _ ya: Int, _ xb: Int, _ yb: Int) {
        let (x0, y0, x1, y1) = ya <= yb ? (xa, ya, xb, yb) : (xb, yb, xa, ya)
        let dy = y1 - y0, dx = x1 - x0, adx = Swift.abs(dx)
        let first = Swift.max(y0, top), last = Swift.min(y1, bottom)
        guard first <= last else { return }
        if dy == 0 {
            include(y0, Swift.min(x0, x1), Swift.max(x0, x1))
        } else if adx <= dy {
            // One pixel per row: x = x0 + round(dx·j / dy) = x0 + ⌊(2·dx·j + dy) / 2dy⌋.
            var x = IncrementalQuotient(numerator: 2 * dx * (first - y0) + dy, step: 2 * dx, divisor: 2 * dy)
            for y in first...last {
                include(y, x0 &+ x.quotient, x0 &+ x.quotient)
                x.advance()
            }
        } else {
            // A run per row: the k = |x − x0| with round(dy·k / adx) = j, i.e.
            // ⌈adx·(2j − 1) / 2dy⌉ ≤ k < ⌈adx·(2j + 1) / 2dy⌉; ⌈n / d⌉ = ⌊(n + d − 1) / d⌋.
            let d = 2 * dy
            var k = IncrementalQuotient(numerator: adx * (2 * (first - y0) - 1) + d - 1, step: 2 * adx, divisor: d)
            for y in first...last {
                let kMin = Swift.max(0, k.quotient)
                k.advance()
                let kMax = Swift.min(adx, k.quotient &- 1)
                if dx > 0 { include(y, x0 &+ kMin, x0 &+ kMax) } else { include(y, x0 &- kMax, x0 &- kMin) }
            }
        }
    }

    /// Exact integer test X²·ay² ≤ ax²·(ay² − dy²); a zero axis degenerates to a line. The half
    /// width only shrinks away from the centre row, so it is found by stepping, not by roots.
    private func addAlignedEllipse(cx: Int, cy: Int, ax: Int, ay: Int, finished: UnsafeMutableBufferPointer<Bool>) {
        if ay == 0 {
            if !finished[cy] { include(cy, cx - ax, cx + ax) }
            return
        }
        let ax2 = ax * ax, ay2 = ay * ay
        // Rows above and below the centre mirror each other; walk |dy| outward from 0.
        var half = ax
        for distance in 0...ay {
            let limit = ax2 * (ay2 - distance * distance)
            while half > 0 && half * half * ay2 > limit { half -= 1 }
            let above = cy - distance, below = cy + distance
            if above >= top && above <= bottom && !finished[above] { include(above, cx - half, cx + half) }
            if distance > 0 && below >= top && below <= bottom && !finished[below] { include(below, cx - half, cx + half) }
        }
    }

    private func addConic(cx: Double, cy: Double, qa: Double, qb: Double, qc: Double, finished: UnsafeMutableBufferPointer<Bool>) {
        for y in top...bottom where !finished[y] {
            let dy = Double(y) - cy
            let b = qb * dy
            let disc = b * b - qa * (qc * dy * dy - 1)
            guard disc >= 0 else { continue }
            let root = disc.squareRoot()
            guard let a = integerCeiling(cx + (-b - root) / qa), let z = integerFloor(cx + (-b + root) / qa), a <= z else { continue }
            include(y, a, z)
        }
    }
}

/// ⌊(n + i·step) / d⌋ for i = 0, 1, 2, … with one division up front (d > 0).
struct IncrementalQuotient {
    private(set) var quotient: Int
    private var remainder: Int
    private let stepQuotient: Int
    private let stepRemainder: Int
    private let divisor: Int

    init(numerator: Int, step: Int, divisor: Int) {
        quotient = floorDivision(numerator, divisor)
        remainder = numerator - quotient * divisor
        stepQuotient = floorDivision(step, divisor)
        stepRemainder = step - stepQuotient * divisor
        self.divisor = divisor
    }

    @inline(__always)
    mutating func advance() {
        quotient &+= stepQuotient
        remainder &+= stepRemainder
        if remainder >= divisor {
            quotient &+= 1
            remainder &-= divisor
        }
    }
}

/// ⌊n / d⌋ (d ≠ 0). Branch-free: whether the truncated quotient needs the step down depends on
/// the edge, and mispredicting it showed in profiles. The remainder has the sign of n, so the
/// step is due when it is non-zero and its sign differs from d's.
@inline(__always)
func floorDivision(_ n: Int, _ d: Int) -> Int {
    let q = n / d, r = n &- q &* d
    let nonzero = (r | (0 &- r)) >> 63, opposite = (r ^ d) >> 63  // −1 when true, else 0
    return q &+ (nonzero & opposite)
}

