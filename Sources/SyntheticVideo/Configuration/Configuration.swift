/// Everything that shapes a clip, for every stage (GENERATORS.md §13). A preset is one of these;
/// a request may override fields within their documented ranges (`Configuration+Fields.swift`
/// lists each field with its unit, range and meaning). Pixel quantities (speeds, accelerations)
/// are in pixels of the 256-pixel reference canvas and scale with `resolution`.
public struct Configuration: Sendable, Hashable {
    /// Frame side in pixels (square frames).
    public var resolution = 256
    /// Number of objects per video, drawn in index order (later objects in front).
    public var objects = 500
    /// Radius law p(r) ∝ r^−exponent − rMax^−exponent on a grid over `radiusRange`.
    public var radiusExponent = 3
    /// Radius range as fractions of the resolution.
    public var radiusRange: ClosedRange<Double> = 0.1...1.0
    /// Number of grid points of the radius table.
    public var radiusPoints = 200
    /// Centres are drawn over [0, centerRange·resolution)² (the reference uses 2: a 512² area
    /// for a 256² canvas).
    public var centerRange = 2.0
    /// Shapes drawn uniformly per object.
    public var shapes: [Shape] = [.circle]
    /// How object colours are drawn.
    public var color = ColorModel.uniformRGB
    /// Initial speed range in px/frame at 256 px.
    public var speed: ClosedRange<Double> = 0...0
    /// Acceleration bound a in px/frame² at 256 px: a ~ U[−a, a), x = x0 + (v0 + a·t)·t·cosφ.
    public var acceleration = 0.0
    /// Direction range in degrees.
    public var direction: ClosedRange<Double> = 0...360
    /// Rotation speed bound in degrees/frame: ω ~ U[−ω, ω).
    public var rotationSpeed = 0.0
    /// Scale speed bound per frame: s = 1 + v·t with v ~ U[−v, v) per axis.
    public var scaleSpeed = 0.0
    /// Shear speed bound per frame: h = v·t with v ~ U[−v, v) per axis.
    public var shearSpeed = 0.0
    /// How circles react to the transform speeds (decision D1/D2).
    public var circleTransform = CircleTransform.ellipseDegreeTilt
    /// The point polygons rotate, scale and shear about (decision D3).
    public var transformPivot = TransformPivot.quarterRadius
    /// What lies behind the objects (decision D9).
    public var background = Background.black
    /// Video duration range in frames, drawn uniformly per video.
    public var duration: ClosedRange<Int> = 100...200
    /// Frames per clip.
    public var frames = 16
    /// Frame stride of a sampled clip.
    public var stride = 4
    /// Optional output transform (§6.2).
    public var crop = Crop.none
    /// Output side of the multi-scale crop.
    public var cropSize = 224
    /// Texture pools of the objects (§4); empty: flat colours. With several pools each object
    /// draws uniformly over their union, so a pool's weight is its size (D11).
    public var textures: [TexturePoolKind] = []
    /// Ids of each procedural texture pool.
    public var textureCount = 1_000
    /// Seed of the procedural texture pools.
    public var textureSeed = 0
    /// Whether textured objects add their colour to the texture (D10).
    public var textureTint = TextureTint.none
    /// Whether StyleGAN-Oriented textures change over time (D12; other pools are static).
    public var textureDynamics = TextureDynamics.static
    /// σ of the latent walk's steps.
    public var walkSigma = 0.05
    /// Share of seeds whose clip is one image of the images pool repeated (D11's static-image variant).
    public var staticImageShare = 0.0
    /// Manifest hash (SHA-256) of the images pool the clips are cut from: filled in by the
    /// renderer's texture library when the configuration uses images; empty otherwise.
    public var imagePool = ""

    public init() {}

    /// True when no object ever moves or changes: every frame of a video is the same image.
    public var isStatic: Bool {
        speed.upperBound == 0 && acceleration == 0 && rotationSpeed == 0 && scaleSpeed == 0
            && shearSpeed == 0
    }

    /// Side of the frames a clip carries (after the optional crop).
    public var outputSide: Int { crop == .none ? resolution : cropSize }

    /// True when some pixel may come from the images pool (textures, background or static clips).
    public var usesImages: Bool { textures.contains(.images) || background == .image || staticImageShare > 0 }
}

public enum Shape: String, Sendable, Hashable, CaseIterable {
    case circle
    case square
    case orientedSquare = "oriented_square"
    case rectangle
    case triangle
    /// The reference's spelling of "quadrilateral".
    case quadrilateral = "quadrilater"
}

public enum ColorModel: String, Sendable, Hashable, CaseIterable {
    /// Each channel U{0..254} (the reference: trunc(u·255)).
    case uniformRGB = "uniform-rgb"
    /// One U{0..254} value for all three channels.
    case uniformGray = "uniform-gray"
}

public enum CircleTransform: String, Sendable, Hashable, CaseIterable {
    /// The on-the-fly generator (stages 4–5): axes trunc(R·s), tilt round(ω·t) *degrees*, no shear.
    case ellipseDegreeTilt = "ellipse-degree-tilt"
    /// The offline generator (stages 6–8): circles only translate.
    case translateOnly = "translate-only"
    /// Circles rotate, scale and shear about the pivot like polygons.
    case full
}

public enum TransformPivot: String, Sendable, Hashable, CaseIterable {
    /// (⌊R/2⌋, ⌊R/2⌋) in local coordinates, as released.
    case quarterRadius = "quarter-radius"
    /// The shape's own centre.
    case center
}

public enum Background: String, Sendable, Hashable, CaseIterable {
    case black
    /// One colour per video, channels U{0..254}.
    case randomColor = "random-color"
    /// One image of the images pool per video, nearest-resized to the canvas.
    case image
}

/// Where textures come from (GENERATORS.md §7, §8, and a directory of images).
public enum TexturePoolKind: String, Sendable, Hashable, CaseIterable {
    case statistical
    case styleganOriented = "stylegan-oriented"
    case images
}

public enum TextureDynamics: String, Sendable, Hashable, CaseIterable {
    case `static`
    /// StyleGAN-Oriented latents walk z_t = z_{t−1} + σ·N(0, I), all else frozen per texture (D12).
    case latentWalk = "latent-walk"
}

public enum TextureTint: String, Sendable, Hashable, CaseIterable {
    case none
    /// The object's colour is added to its texture with a saturating add (D10).
    case saturate
}

public enum Crop: String, Sendable, Hashable, CaseIterable {
    case none
    /// VideoMAE's GroupMultiScaleCrop (choices drawn from the seed) then bilinear resize to `cropSize`.
    case videomaeMultiscale = "videomae-multiscale"
}
