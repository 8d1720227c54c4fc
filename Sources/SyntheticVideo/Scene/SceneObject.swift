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
    /// The largest distance from the pivot to a point of the local shape.
    let reach: Double
    /// The colour prepared for filling.
    let pattern: ColorPattern

    init(shape: Shape, color: RGB, radius: Int, x0: Double, y0: Double, cosDirection: Double, sinDirection: Double,
         speed: Double, acceleration: Double, rotationSpeed: Double, scaleSpeedX: Double, scaleSpeedY: Double,
         shearSpeedX: Double, shearSpeedY: Double, corners: Corners, pivot: Point) {
        self.shape = shape
        self.color = color
        self.pattern = ColorPattern(color)
        self.radius = radius
        self.x0 = x0
        self.y0 = y0
        self.cosDirection = cosDirection
        self.sinDirection = sinDirection
        self.speed = speed
        self.acceleration = acceleration
        self.rotationSpeed = rotationSpeed
        self.scaleSpeedX = scaleSpeedX
        self.scaleSpeedY = scaleSpeedY
        self.shearSpeedX = shearSpeedX
        self.shearSpeedY = shearSpeedY
        self.corners = corners
        self.pivot = pivot
        func distance(_ q: Point) -> Double { ((q.x - pivot.x) * (q.x - pivot.x) + (q.y - pivot.y) * (q.y - pivot.y)).squareRoot() }
        if shape == .circle {
            reach = distance(Point(x: 0, y: 0)) + Double(radius)
        } else {
            reach = corners.reduce(0) { Swift.max($0, distance($1)) }
        }
    }
}

/// Up to four corners stored inline, so objects copy without reference counting.
struct Corners: Sendable, RandomAccessCollection {
    private var xs = SIMD4<Double>()
    private var ys = SIMD4<Double>()
    private(set) var count = 0

    init() {}

    mutating func append(_ p: Point) {
        precondition(count < 4, "shapes have at most four corners")
        xs[count] = p.x
        ys[count] = p.y
        count += 1
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
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
