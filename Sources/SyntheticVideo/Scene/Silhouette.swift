/// What an object covers in frame t, in canvas pixels: an integer polygon (convex), an
/// axis-aligned ellipse with integer centre and axes (the exact integer path, circles included),
/// or a general ellipse given as a quadratic form (tilted or transformed circles).
enum Silhouette {
    /// Up to four integer vertices in drawing order.
    case polygon(xs: SIMD4<Int>, ys: SIMD4<Int>, count: Int)
    /// Pixels (x, y) with (x−cx)²/ax² + (y−cy)²/ay² ≤ 1, axes ≥ 0 (a zero axis is a line).
    case alignedEllipse(cx: Int, cy: Int, ax: Int, ay: Int)
    /// Pixels with qa·X² + 2·qb·X·Y + qc·Y² ≤ 1 where X = x − cx, Y = y − cy.
    case conic(cx: Double, cy: Double, qa: Double, qb: Double, qc: Double)
}

/// An axis-aligned box of pixels, bounds inclusive.
struct PixelBox {
    var minX: Int, maxX: Int, minY: Int, maxY: Int

    /// The part of the box inside a width × height canvas, or nil when they do not meet.
    func clipped(width: Int, height: Int) -> PixelBox? {
        let box = PixelBox(minX: Swift.max(minX, 0), maxX: Swift.min(maxX, width - 1),
                           minY: Swift.max(minY, 0), maxY: Swift.min(maxY, height - 1))
        return box.minX <= box.maxX && box.minY <= box.maxY ? box : nil
    }
}

extension Silhouette {
    /// A box containing every pixel the silhouette may cover, or nil for a degenerate conic.
    var bounds: PixelBox? {
        switch self {
        case .polygon(let xs, let ys, let count):
            var box = PixelBox(minX: xs[0], maxX: xs[0], minY: ys[0], maxY: ys[0])
            for i in 1..<count {
                box.minX = Swift.min(box.minX, xs[i]); box.maxX = Swift.max(box.maxX, xs[i])
                box.minY = Swift.min(box.minY, ys[i]); box.maxY = Swift.max(box.maxY, ys[i])
            }
            return box
        case .alignedEllipse(let cx, let cy, let ax, let ay):
            return PixelBox(minX: cx - ax, maxX: cx + ax, minY: cy - ay, maxY: cy + ay)
        case .conic(let cx, let cy, let qa, let qb, let qc):
            let det = qa * qc - qb * qb
            guard qa > 0, det > 0 else { return nil }
            let ex = (qc / det).squareRoot(), ey = (qa / det).squareRoot()
            guard let minX = integerFloor(cx - ex), let maxX = integerCeiling(cx + ex),
                  let minY = integerCeiling(cy - ey), let maxY = integerFloor(cy + ey)
            else { return nil }
            return PixelBox(minX: minX, maxX: maxX, minY: minY, maxY: maxY)
        }
    }
}

/// Where an object is and how it is transformed at frame t (§3.1, §3.3).
struct Pose {
    /// The anchor pixel: trunc of the closed-form position.
    let cx: Int
    let cy: Int
    let theta: Double
    let sx: Double
    let sy: Double
    let hx: Double
    let hy: Double

    var isIdentity: Bool { theta == 0 && sx == 1 && sy == 1 && hx == 0 && hy == 0 }
}

extension SceneObject {
    /// The pose at frame t, or nil when the object is culled (§3.2: −res < cx, cy < 2·res).
    @inline(__always)
    func pose(at t: Int, resolution res: Int) -> Pose? {
        let td = Double(t)
        let v = speed + acceleration * td
        guard let cx = truncated(x0 + v * cosDirection * td), let cy = truncated(y0 + v * sinDirection * td),
              cx > -res, cx < 2 * res, cy > -res, cy < 2 * res else { return nil }
        return Pose(cx: cx, cy: cy, theta: rotationSpeed * td, sx: 1 + scaleSpeedX * td, sy: 1 + scaleSpeedY * td,
                    hx: shearSpeedX * td, hy: shearSpeedY * td)
    }

    /// A box that contains the silhouette at `pose`, found without trigonometry: every point of
    /// the local shape lies within `reach` of the pivot, and the transform stretches distances
    /// by at most max|s|·(1 + max|h|). Lets hidden and off-canvas objects be skipped cheaply.
    @inline(__always)
    func reachBox(_ pose: Pose, circleTransform: CircleTransform) -> PixelBox? {
        var centerX = Double(pose.cx), centerY = Double(pose.cy), radius: Double
        if shape == .circle && circleTransform != .full {
            radius = Double(self.radius) * (circleTransform == .translateOnly ? 1 : Swift.max(Swift.abs(pose.sx), Swift.abs(pose.sy)))
        } else {
            let stretch = pose.isIdentity ? 1 : Swift.max(Swift.abs(pose.sx), Swift.abs(pose.sy)) * (1 + Swift.max(Swift.abs(pose.hx), Swift.abs(pose.hy)))
            centerX += pivot.x
            centerY += pivot.y
            radius = reach * stretch
        }
        radius += 2  // truncation and rounding margin
        guard let minX = truncated(centerX - radius), let maxX = truncated(centerX + radius),
              let minY = truncated(centerY - radius), let maxY = truncated(centerY + radius) else { return nil }
        return PixelBox(minX: minX, maxX: maxX, minY: minY, maxY: maxY)
    }

    /// False when the object cannot touch a side × side canvas at any frame of `frames`, so a
    /// clip of those frames need not visit it at all (most objects of a scene start off the
    /// canvas: their centres are drawn over [0, 2·res)). Conservative: the bound of `reachBox`
    /// over the whole frame range, from the extremes of the anchor's quadratic path and of the
    /// linear scale and shear, with a margin for truncation and rounding.
    func mayAppear(frames: ClosedRange<Int>, side: Int, circleTransform: CircleTransform) -> Bool {
        let first = Double(frames.lowerBound), last = Double(frames.upperBound)
        // x(t) = x0 + (v0 + a·t)·cos·t: extremes at the ends and where dx/dt = 0 (t = −v0 / 2a).
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        func include(_ t: Double) {
            let v = speed + acceleration * t
            let x = x0 + v * cosDirection * t, y = y0 + v * sinDirection * t
            minX = Swift.min(minX, x); maxX = Swift.max(maxX, x)
            minY = Swift.min(minY, y); maxY = Swift.max(maxY, y)
        }
        include(first)
        include(last)
        let vertex = -speed / (2 * acceleration)  // ±∞ or NaN without acceleration: outside
        if vertex > first && vertex < last { include(vertex) }
        // Linear in t, so largest in magnitude at an end of the range.
        func largest(_ rate: Double, base: Double) -> Double { Swift.max(Swift.abs(base + rate * first), Swift.abs(base + rate * last)) }
        let scale = Swift.max(largest(scaleSpeedX, base: 1), largest(scaleSpeedY, base: 1))
        let shear = Swift.max(largest(shearSpeedX, base: 0), largest(shearSpeedY, base: 0))
        var radius: Double
        if shape == .circle && circleTransform != .full {
            radius = Double(self.radius) * (circleTransform == .translateOnly ? 1 : Swift.max(scale, 1))
        } else {
            minX += pivot.x; maxX += pivot.x
            minY += pivot.y; maxY += pivot.y
            radius = reach * Swift.max(scale * (1 + shear), 1)
        }
        radius += 4  // reachBox's margin, the anchor's truncation, and rounding in this bound
        let canvas = Double(side)
        let misses = maxX + radius < 0 || minX - radius > canvas || maxY + radius < 0 || minY - radius > canvas
        // An infinite bound keeps the object unless the whole path lies beyond one side; a NaN
        // position is dropped by min/max. Either way `pose` culls such frames (it rejects
        // non-finite anchors), so nothing drawable is lost.
        return !misses
    }

    /// The object's silhouette at `pose`, or nil when it is degenerate.
    func silhouette(_ pose: Pose, circleTransform: CircleTransform) -> Silhouette? {
        let (cx, cy) = (pose.cx, pose.cy)
        let (theta, sx, sy, hx, hy) = (pose.theta, pose.sx, pose.sy, pose.hx, pose.hy)
        let identity = pose.isIdentity

        if shape == .circle {
            switch circleTransform {
            case .translateOnly:
                return .alignedEllipse(cx: cx, cy: cy, ax: radius, ay: radius)
            case .ellipseDegreeTilt:
                // The on-the-fly generator passes ω·t (radians) where OpenCV expects degrees and
                // rounds it (bug B3, kept on purpose: decision D2). Shear is ignored.
                guard let ax = truncated(Double(radius) * sx), let ay = truncated(Double(radius) * sy),
                      let tilt = truncated(theta.rounded(.toNearestOrEven)) else { return nil }
                if tilt == 0 { return .alignedEllipse(cx: cx, cy: cy, ax: Swift.abs(ax), ay: Swift.abs(ay)) }
                let (s, co) = DeterministicMath.sincos(DeterministicMath.radians(degrees: Double(tilt)))
                let ia = 1 / Swift.max(Double(Swift.abs(ax)), 0.5), ib = 1 / Swift.max(Double(Swift.abs(ay)), 0.5)
                let ia2 = ia * ia, ib2 = ib * ib
                return .conic(cx: Double(cx), cy: Double(cy),
                              qa: co * co * ia2 + s * s * ib2, qb: co * s * (ia2 - ib2), qc: s * s * ia2 + co * co * ib2)
            case .full:
                if identity { return .alignedEllipse(cx: cx, cy: cy, ax: radius, ay: radius) }
                let m = LinearMap(theta: theta, sx: sx, sy: sy, hx: hx, hy: hy)
                let det = m.a * m.d - m.b * m.c
                guard Swift.abs(det) > 1e-12 else { return nil }
                // The local circle is centred at (0, 0); its image is centred at p − L·p.
                let centre = m.apply(Point(x: 0, y: 0), pivot: pivot)
                let k = 1 / (det * det * Double(radius) * Double(radius))
                return .conic(cx: Double(cx) + centre.x, cy: Double(cy) + centre.y,
                              qa: (m.d * m.d + m.c * m.c) * k, qb: -(m.b * m.d + m.a * m.c) * k,
                              qc: (m.b * m.b + m.a * m.a) * k)
            }
        }

        var xs = SIMD4<Int>(), ys = SIMD4<Int>()
        let map = identity ? nil : LinearMap(theta: theta, sx: sx, sy: sy, hx: hx, hy: hy)
        for i in 0..<corners.count {
            let corner = corners[i]
            let q = map?.apply(corner, pivot: pivot) ?? corner
            guard let x = truncated(q.x + Double(cx)), let y = truncated(q.y + Double(cy)) else { return nil }
            xs[i] = x
            ys[i] = y
        }
        return .polygon(xs: xs, ys: ys, count: corners.count)
    }
}

/// L = R(θ) · diag(sx, sy) · [[1, hx], [hy, 1]]: shear first, then scale, then rotation (§3.3).
struct LinearMap {
    let a: Double, b: Double, c: Double, d: Double

    init(theta: Double, sx: Double, sy: Double, hx: Double, hy: Double) {
        let (s, co) = DeterministicMath.sincos(theta)
        // diag(sx, sy) · shear = [[sx, sx·hx], [sy·hy, sy]]
        let p = sx, q = sx * hx, r = sy * hy, t = sy
        a = co * p - s * r
        b = co * q - s * t
        c = s * p + co * r
        d = s * q + co * t
    }

    /// p + L·(v − p): the transform about the pivot p.
    func apply(_ v: Point, pivot p: Point) -> Point {
        let x = v.x - p.x, y = v.y - p.y
        return Point(x: p.x + (a * x + b * y), y: p.y + (c * x + d * y))
    }
}

/// trunc toward zero, or nil when the value is not finite or beyond ±2³⁰ (never in practice:
/// it guards the integer conversion against pathological configurations).
@inline(__always)
func truncated(_ x: Double) -> Int? {
    guard x.isFinite, Swift.abs(x) < 1_073_741_824 else { return nil }
    return Int(x)
}

/// `truncated(x.rounded(.up))`, computed from the truncation (no libm call: the rasterizer
/// rounds twice per row of a conic).
@inline(__always)
func integerCeiling(_ x: Double) -> Int? {
    guard x.isFinite, Swift.abs(x) < 2_147_483_648 else { return nil }
    let t = Int(x), c = Double(t) < x ? t &+ 1 : t
    return Swift.abs(c) < 1_073_741_824 ? c : nil
}

/// `truncated(x.rounded(.down))`, computed from the truncation.
@inline(__always)
func integerFloor(_ x: Double) -> Int? {
    guard x.isFinite, Swift.abs(x) < 2_147_483_648 else { return nil }
    let t = Int(x), f = Double(t) > x ? t &- 1 : t
    return Swift.abs(f) < 1_073_741_824 ? f : nil
}
