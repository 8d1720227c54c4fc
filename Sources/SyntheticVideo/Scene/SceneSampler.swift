/// Draws the objects of a video from (configuration, seed) with counter-based streams: object i
/// uses the stream (scene, seed, .object, i), and each parameter has a fixed position in it, so
/// any object can be drawn without drawing the others.
struct SceneSampler: Sendable {
    /// Fixed stream positions of the per-object draws.
    private enum Draw: UInt64 {
        case shape = 0, red, green, blue, radius, x, y, direction, speed, acceleration
        case rotation, scaleX, scaleY, shearX, shearY
        /// θ0 (oriented square), α (rectangle), or the first of four corner angles.
        case angle0
        /// The texture pick of a textured object (after the four angle positions).
        case texture = 32
    }

    let configuration: Configuration
    let scene: SceneDigest
    let radii: RadiusTable

    init(configuration: Configuration) {
        self.configuration = configuration
        self.scene = configuration.sceneDigest
        self.radii = RadiusTable(exponent: configuration.radiusExponent, range: configuration.radiusRange,
                                 points: configuration.radiusPoints)
    }

    /// Pixel quantities of the configuration are given at 256 px and scale with the resolution.
    private var pixelScale: Double { Double(configuration.resolution) / 256 }

    func objects(seed: UInt64) -> [SceneObject] {
        (0..<configuration.objects).map { object(seed: seed, index: $0) }
    }

    func object(seed: UInt64, index: Int) -> SceneObject {
        let c = configuration
        let rng = CounterRandom(scene: scene, seed: seed, purpose: .object, index: UInt64(index))
        func u(_ d: Draw) -> Double { rng.unit(d.rawValue) }
        func symmetric(_ d: Draw, _ bound: Double) -> Double { rng.uniform(d.rawValue, -bound, bound) }

        let shape = c.shapes[rng.integer(Draw.shape.rawValue, in: 0...(c.shapes.count - 1))]
        let red = UInt8(u(.red) * 255)
        let color = c.color == .uniformGray ? RGB(red, red, red)
            : RGB(red, UInt8(u(.green) * 255), UInt8(u(.blue) * 255))
        let radius = radii.pixelRadius(for: u(.radius), resolution: c.resolution)
        let extent = c.centerRange * Double(c.resolution)
        let x0 = Double(Int(u(.x) * extent)), y0 = Double(Int(u(.y) * extent))
        let direction = DeterministicMath.radians(
            degrees: rng.uniform(Draw.direction.rawValue, c.direction.lowerBound, c.direction.upperBound))
        let (sinPhi, cosPhi) = DeterministicMath.sincos(direction)
        let speed = rng.uniform(Draw.speed.rawValue, c.speed.lowerBound, c.speed.upperBound) * pixelScale
        let acceleration = symmetric(.acceleration, c.acceleration) * pixelScale
        let omega = DeterministicMath.radians(degrees: symmetric(.rotation, c.rotationSpeed))

        let (corners, center) = Self.localGeometry(shape: shape, radius: radius) { k in
            rng.unit(Draw.angle0.rawValue + UInt64(k))
        }
        let pivot: Point
        switch c.transformPivot {
        case .quarterRadius: pivot = Point(x: Double(radius / 2), y: Double(radius / 2))
        case .center: pivot = center
        }
        return SceneObject(
            shape: shape, color: color, radius: radius, x0: x0, y0: y0,
            cosDirection: cosPhi, sinDirection: sinPhi, speed: speed, acceleration: acceleration,
            rotationSpeed: omega,
            scaleSpeedX: symmetric(.scaleX, c.scaleSpeed), scaleSpeedY: symmetric(.scaleY, c.scaleSpeed),
            shearSpeedX: symmetric(.shearX, c.shearSpeed), shearSpeedY: symmetric(.shearY, c.shearSpeed),
            corners: corners, pivot: pivot)
    }

    /// The uniform that picks object `index`'s texture.
    func textureUniform(seed: UInt64, index: Int) -> Double {
        CounterRandom(scene: scene, seed: seed, purpose: .object, index: UInt64(index)).unit(Draw.texture.rawValue)
    }

    /// Corners in local coordinates and the shape's centre (§2.8): circles are centred on the
    /// anchor; squares hang from it by their top-left corner; every other polygon is inscribed in
    /// the circle of radius R centred at local (R, R). `angle(k)` is the k-th uniform draw.
    /// Allocates nothing: it runs for every object of every clip.
    static func localGeometry(shape: Shape, radius: Int, angle: (Int) -> Double) -> (corners: Corners, center: Point) {
        let r = Double(radius)
        let twoPi = 2 * Double.pi
        let center = Point(x: r, y: r)
        var corners = Corners()
        switch shape {
        case .circle:
            return (corners, Point(x: 0, y: 0))
        case .square:
            let side = Double(Int(r * 2.0.squareRoot()))
            for (x, y) in [(0, 0), (side, 0), (side, side), (0, side)] { corners.append(Point(x: x, y: y)) }
            return (corners, Point(x: side / 2, y: side / 2))
        case .orientedSquare:
            let h = Double(Int(r * 2.0.squareRoot() / 2))
            let (s, c) = DeterministicMath.sincos(angle(0) * twoPi)
            for (x, y) in [(-h, -h), (h, -h), (h, h), (-h, h)] {
                corners.append(Point(x: x * c - y * s + r, y: x * s + y * c + r))
            }
        case .rectangle:
            let (s, c) = DeterministicMath.sincos(angle(0) * (Double.pi / 2))
            for (cx, sy) in [(c, s), (c, -s), (-c, -s), (-c, s)] {
                corners.append(Point(x: Double(Int(r * cx + r)), y: Double(Int(r * sy + r))))
            }
        case .triangle, .quadrilateral:
            // Corners at the sorted angles (an insertion sort of three or four values).
            var angles = SIMD4<Double>()
            let count = shape == .triangle ? 3 : 4
            for k in 0..<count {
                var j = k
                let beta = angle(k) * twoPi
                while j > 0 && angles[j - 1] > beta {
                    angles[j] = angles[j - 1]
                    j -= 1
                }
                angles[j] = beta
            }
            for k in 0..<count {
                let (s, c) = DeterministicMath.sincos(angles[k])
                corners.append(Point(x: Double(Int(r * c + r)), y: Double(Int(r * s + r))))
            }
        }
        return (corners, center)
    }
}
