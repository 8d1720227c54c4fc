/// Where a canvas pixel of a textured object samples its texture (GENERATORS.md §4 step 4 with
/// decision D5): texture pixel (u, v) of the 2·res × 2·res resized texture is glued to local
/// shape coordinate (u, v), so a pixel's texture coordinate is the inverse of the object's
/// analytic transform: (u, v) = (a·x + b·y + e, c·x + d·y + f).
struct TextureMap {
    var a: Double, b: Double, c: Double, d: Double, e: Double, f: Double

    /// A pure translation: texture (u, v) = (x − ox, y − oy).
    static func translation(_ ox: Double, _ oy: Double) -> TextureMap {
        TextureMap(a: 1, b: 0, c: 0, d: 1, e: -ox, f: -oy)
    }

    /// Texture coordinates q + M⁻¹·(x − o) for a linear map M = [[ma, mb], [mc, md]], or nil when
    /// M is singular.
    static func inverse(of m: (a: Double, b: Double, c: Double, d: Double), origin o: Point, offset q: Point) -> TextureMap? {
        let det = m.a * m.d - m.b * m.c
        guard Swift.abs(det) > 1e-12 else { return nil }
        let ia = m.d / det, ib = -m.b / det, ic = -m.c / det, id = m.a / det
        return TextureMap(a: ia, b: ib, c: ic, d: id,
                          e: q.x - (ia * o.x + ib * o.y), f: q.y - (ic * o.x + id * o.y))
    }
}

extension SceneObject {
    /// The texture map at `pose` (the same pose as the silhouette). Circles glue their texture
    /// with the circle's centre at local (R, R), as the reference's circle mapping does.
    func textureMap(_ pose: Pose, circleTransform: CircleTransform) -> TextureMap {
        let cx = Double(pose.cx), cy = Double(pose.cy), r = Double(radius)
        let translated = TextureMap.translation(shape == .circle ? cx - r : cx, shape == .circle ? cy - r : cy)
        if pose.isIdentity { return translated }
        if shape == .circle {
            switch circleTransform {
            case .translateOnly:
                return translated
            case .ellipseDegreeTilt:
                // The silhouette's ellipse: axes trunc(R·s), tilt round(ω·t) degrees (D2).
                guard let ax = truncated(r * pose.sx), let ay = truncated(r * pose.sy),
                      let tilt = truncated(pose.theta.rounded(.toNearestOrEven)) else { return translated }
                let (s, c) = DeterministicMath.sincos(DeterministicMath.radians(degrees: Double(tilt)))
                let kx = Double(ax) / r, ky = Double(ay) / r
                return TextureMap.inverse(of: (c * kx, -s * ky, s * kx, c * ky), origin: Point(x: cx, y: cy),
                                          offset: Point(x: r, y: r)) ?? translated
            case .full:
                let m = LinearMap(theta: pose.theta, sx: pose.sx, sy: pose.sy, hx: pose.hx, hy: pose.hy)
                let centre = m.apply(Point(x: 0, y: 0), pivot: pivot)
                return TextureMap.inverse(of: (m.a, m.b, m.c, m.d), origin: Point(x: cx + centre.x, y: cy + centre.y),
                                          offset: Point(x: r, y: r)) ?? translated
            }
        }
        // Screen = anchor + p + L·(local − p), so local = p + L⁻¹·(screen − anchor − p).
        let m = LinearMap(theta: pose.theta, sx: pose.sx, sy: pose.sy, hx: pose.hx, hy: pose.hy)
        return TextureMap.inverse(of: (m.a, m.b, m.c, m.d), origin: Point(x: cx + pivot.x, y: cy + pivot.y),
                                  offset: pivot) ?? translated
    }
}
