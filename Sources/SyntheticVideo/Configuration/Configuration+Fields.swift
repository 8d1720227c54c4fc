extension Configuration {
    /// Every field, in documentation order. Ranges here are the documented limits (openapi.yaml
    /// repeats them); anything outside is rejected with an error naming the field and the range.
    public static let fields: [ConfigurationField] = [
        int("resolution", \.resolution, 16...1024, "px", "Frame side (square frames).", scene: false),
        int("objects", \.objects, 1...5000, "objects", "Objects per video, painted in index order."),
        int("radiusExponent", \.radiusExponent, 1...8, "", "σ of the radius law p(r) ∝ r^−σ − rmax^−σ."),
        numberRange("radiusRange", \.radiusRange, 0.001...2, "× resolution", "Radius grid range [rmin, rmax] (rmin < rmax)."),
        int("radiusPoints", \.radiusPoints, 2...10_000, "points", "Grid points of the radius table (nearest-CDF lookup)."),
        number("centerRange", \.centerRange, 0.01...4, "× resolution", "Centres are drawn over [0, centerRange·resolution)²."),
        choiceList("shapes", \.shapes, "Shapes, one drawn uniformly per object."),
        choice("color", \.color, "How object colours are drawn (channels U{0..254})."),
        numberRange("speed", \.speed, 0...64, "px/frame at 256 px", "Initial speed range."),
        number("acceleration", \.acceleration, 0...1, "px/frame² at 256 px", "a ~ U[−a, a); x = x0 + (v0 + a·t)·t·cosφ."),
        numberRange("direction", \.direction, 0...360, "degrees", "Direction of motion range."),
        number("rotationSpeed", \.rotationSpeed, 0...45, "degrees/frame", "ω ~ U[−ω, ω); θ = ω·t."),
        number("scaleSpeed", \.scaleSpeed, 0...0.05, "1/frame", "Per axis v ~ U[−v, v); s = 1 + v·t."),
        number("shearSpeed", \.shearSpeed, 0...0.05, "1/frame", "Per axis v ~ U[−v, v); h = v·t."),
        choice("circleTransform", \.circleTransform, "How circles follow the transform speeds (D1/D2)."),
        choice("transformPivot", \.transformPivot, "Pivot of polygon transforms (D3)."),
        choice("background", \.background, "What lies behind the objects (D9)."),
        intRange("duration", \.duration, 1...10_000, "frames", "Video duration range, drawn per video."),
        int("frames", \.frames, 1...256, "frames", "Frames per sampled clip.", scene: false),
        int("stride", \.stride, 1...64, "frames", "Stride between the frames of a sampled clip.", scene: false),
        choice("crop", \.crop, "Optional output transform (VideoMAE multi-scale crop).", scene: false),
        int("cropSize", \.cropSize, 16...1024, "px", "Output side of the multi-scale crop.", scene: false),
    ] + texturing.map { field in
        var field = field
        field.addedLater = true
        return field
    }

    /// The fields of the textured stages and their variants (added after the first release).
    /// Appearance only: the geometry of a textured stage is that of its flat-coloured parent.
    private static let texturing: [ConfigurationField] = [
        choiceList("textures", \.textures, "Texture pools of the objects, mixed per object by size (empty: flat colours).",
                   allowsEmpty: true, scene: false),
        int("textureCount", \.textureCount, 1...1_000_000, "textures", "Ids of each procedural texture pool.", scene: false),
        int("textureSeed", \.textureSeed, 0...2_147_483_647, "", "Seed of the procedural texture pools.", scene: false),
        choice("textureDynamics", \.textureDynamics, "Whether StyleGAN-Oriented textures walk their latents over time (D12).",
               scene: false),
        number("walkSigma", \.walkSigma, 0...1, "per frame", "σ of the latent walk's steps.", scene: false),
        choice("textureTint", \.textureTint, "Whether objects add their colour to their texture (D10).", scene: false),
        number("staticImageShare", \.staticImageShare, 0...1, "", "Share of seeds rendered as one pool image repeated (D11).",
               scene: false),
        ConfigurationField(name: "imagePool", kind: .sha256, unit: "", summary:
            "Manifest hash of the images pool (set by the server when images are used; empty otherwise).",
            shapesScene: false, get: { .string($0.imagePool) },
            set: { if case .string(let s) = $1 { $0.imagePool = s } }),
    ]

    /// The largest clip the configuration may describe (frames × side² × 3 bytes).
    public static let maxClipBytes = 64 << 20

    public static var fieldNames: [String] { fields.map(\.name) }

    public static func field(named name: String) -> ConfigurationField? {
        fields.first { $0.name == name }
    }

    // MARK: Field constructors

    private static func int(
        _ name: String, _ path: WritableKeyPath<Configuration, Int> & Sendable, _ range: ClosedRange<Int>,
        _ unit: String, _ summary: String, scene: Bool = true
    ) -> ConfigurationField {
        ConfigurationField(name: name, kind: .integer(range), unit: unit, summary: summary, shapesScene: scene,
                           get: { .integer(Int64($0[keyPath: path])) },
                           set: { if case .integer(let i) = $1 { $0[keyPath: path] = Int(i) } })
    }

    private static func number(
        _ name: String, _ path: WritableKeyPath<Configuration, Double> & Sendable, _ range: ClosedRange<Double>,
        _ unit: String, _ summary: String, scene: Bool = true
    ) -> ConfigurationField {
        ConfigurationField(name: name, kind: .number(range), unit: unit, summary: summary, shapesScene: scene,
                           get: { .number($0[keyPath: path]) },
                           set: { if let d = $1.numberValue { $0[keyPath: path] = d } })
    }

    private static func numberRange(
        _ name: String, _ path: WritableKeyPath<Configuration, ClosedRange<Double>> & Sendable,
        _ bounds: ClosedRange<Double>, _ unit: String, _ summary: String
    ) -> ConfigurationField {
        ConfigurationField(name: name, kind: .numberRange(bounds), unit: unit, summary: summary, shapesScene: true,
                           get: { .array([.number($0[keyPath: path].lowerBound), .number($0[keyPath: path].upperBound)]) },
                           set: {
                               if case .array(let v) = $1, let lo = v[0].numberValue, let hi = v[1].numberValue {
                                   $0[keyPath: path] = lo...hi
                               }
                           })
    }

    private static func intRange(
        _ name: String, _ path: WritableKeyPath<Configuration, ClosedRange<Int>> & Sendable,
        _ bounds: ClosedRange<Int>, _ unit: String, _ summary: String
    ) -> ConfigurationField {
        ConfigurationField(name: name, kind: .integerRange(bounds), unit: unit, summary: summary, shapesScene: true,
                           get: { .array([.integer(Int64($0[keyPath: path].lowerBound)), .integer(Int64($0[keyPath: path].upperBound))]) },
                           set: {
                               if case .array(let v) = $1, case .integer(let lo) = v[0], case .integer(let hi) = v[1] {
                                   $0[keyPath: path] = Int(lo)...Int(hi)
                               }
                           })
    }

    private static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ path: WritableKeyPath<Configuration, E> & Sendable, _ summary: String, scene: Bool = true
    ) -> ConfigurationField where E.RawValue == String {
        ConfigurationField(name: name, kind: .choice(E.allCases.map(\.rawValue)), unit: "", summary: summary,
                           shapesScene: scene,
                           get: { .string($0[keyPath: path].rawValue) },
                           set: { if case .string(let s) = $1, let e = E(rawValue: s) { $0[keyPath: path] = e } })
    }

    private static func choiceList<E: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ path: WritableKeyPath<Configuration, [E]> & Sendable, _ summary: String,
        allowsEmpty: Bool = false, scene: Bool = true
    ) -> ConfigurationField where E.RawValue == String {
        ConfigurationField(name: name, kind: .choiceList(E.allCases.map(\.rawValue), allowsEmpty: allowsEmpty), unit: "",
                           summary: summary, shapesScene: scene,
                           get: { .array($0[keyPath: path].map { .string($0.rawValue) }) },
                           set: {
                               if case .array(let items) = $1 {
                                   $0[keyPath: path] = items.compactMap { if case .string(let s) = $0 { E(rawValue: s) } else { nil } }
                               }
                           })
    }
}
