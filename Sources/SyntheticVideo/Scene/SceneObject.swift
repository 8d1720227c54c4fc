/// One object of a video with every parameter drawn at "frame 0" (GENERATORS.md §2). Its pose at
/// frame t is a closed-form function of these (§3), computed by `ObjectPose`.
struct SceneObject: Sendable {
    var shape: Shape
    var color: RGB
    /// Pixel radius R.
    var radius: Int
    /// Initial anchor (integers, stored as doubles for the motion formula).
    var x0: Double
    var y0: Double
    var cosDirection: Double
    var sinDirection: Double
    /// Initial speed v0 and acceleration a, in px/frame of this resolution.
    var speed: Double
    var acceleration: Double
    /// ω in rad/frame; scale and shear speeds per axis.
    var rotationSpeed: Double
    var scaleSpeedX: Double
    var scaleSpeedY: Double
    var shearSpeedX: Double
    var shearSpeedY: Double
    /// Polygon corners in local coordinates (§2.8); none for circles.
    var corners: Corners
    /// The pivot of the transforms in local coordinates (§3.3, D3).
    var pivot: Point
}

/// Up to four corners stored inline, so objects copy without reference counting.
struct Corners: Sendable {
    private var xs = SIMD4<Double>()
    private var ys = SIMD4<Double>()
    private(set) var count = 0

    init(_ points: [Point]) {
        precondition(points.count <= 4, "shapes have at most four corners")
        for (i, p) in points.enumerated() {
            xs[i] = p.x
            ys[i] = p.y
        }
        count = points.count
    }

    subscript(i: Int) -> Point { Point(x: xs[i], y: ys[i]) }
}

struct Point: Sendable, Equatable {
    var x: Double
    var y: Double
}

/// An 8-bit RGB colour.
public struct RGB: Sendable, Equatable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    public static let black = RGB(0, 0, 0)
}
