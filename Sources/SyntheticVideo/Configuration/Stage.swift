/// A named preset: its parent's configuration plus a delta. The delta is what the stage adds.
public struct Stage: Sendable {
    public let id: String
    public let title: String
    /// The stage this one extends (nil for the root).
    public let parent: String?
    /// What the stage adds to its parent, in words.
    public let adds: String
    /// The fields it changes relative to its parent.
    public let delta: [String: JSONValue]
    /// The full configuration.
    public let configuration: Configuration
}

extension Stage {
    /// Every preset, parents before children: the eight stages of the paper's progression, then
    /// the appendix variants (slower speed, backgrounds, static images, tinted and mixed textures).
    public static let all: [Stage] = {
        var stages: [Stage] = []
        func add(_ id: String, _ title: String, parent: String?, adds: String, _ delta: [String: JSONValue]) {
            let base = parent.flatMap { p in stages.first { $0.id == p }?.configuration } ?? Configuration()
            // The deltas below are constants checked by the test suite; a failure is a programming error.
            let configuration = try! base.applying(.object(delta))
            stages.append(Stage(id: id, title: title, parent: parent, adds: adds, delta: delta,
                                configuration: configuration))
        }
        let slow: JSONValue = .array([.number(0.6), .number(1.5)])
        add("static-circles", "Static circles", parent: nil,
            adds: "dead-leaves circles, copied to every frame", [:])
        add("moving-circles", "Moving circles", parent: "static-circles",
            adds: "a constant velocity per circle, occlusion by placement order",
            ["speed": .array([.number(1.2), .number(3.0)])])
        add("moving-shapes", "Moving shapes", parent: "moving-circles",
            adds: "circles, squares, oriented squares, rectangles, triangles, quadrilaterals",
            ["shapes": .array(Shape.allCases.map { .string($0.rawValue) })])
        add("transforming-shapes", "Moving and transforming shapes", parent: "moving-shapes",
            adds: "per-object rotation, scale and shear speeds",
            ["rotationSpeed": .number(1.8), "scaleSpeed": .number(0.005), "shearSpeed": .number(0.005)])
        add("accelerating-shapes", "Accelerating transforming shapes", parent: "transforming-shapes",
            adds: "per-object acceleration", ["acceleration": .number(0.03)])
        // Stages 6–8: the offline generator's textured objects, circles only translate (D1).
        func textured(_ pools: [TexturePoolKind]) -> [String: JSONValue] {
            ["textures": .array(pools.map { .string($0.rawValue) }),
             "circleTransform": .string(CircleTransform.translateOnly.rawValue)]
        }
        add("accelerating-textures", "Accelerating shapes with statistical textures", parent: "accelerating-shapes",
            adds: "a statistical texture (spectrum + colour + wavelet marginals) glued to each object",
            textured([.statistical]))
        add("accelerating-stylegan", "Accelerating shapes with StyleGAN-Oriented textures", parent: "accelerating-shapes",
            adds: "a StyleGAN-Oriented texture glued to each object", textured([.styleganOriented]))
        add("accelerating-image-crops", "Accelerating shapes with natural image crops", parent: "accelerating-shapes",
            adds: "a crop of an image of the images pool glued to each object (needs --images)", textured([.images]))
        for parent in ["moving-circles", "moving-shapes", "transforming-shapes", "accelerating-shapes",
                       "accelerating-textures", "accelerating-stylegan", "accelerating-image-crops"] {
            add("\(parent)-slow", "\(stages.first { $0.id == parent }!.title), 50 % slower", parent: parent,
                adds: "half the speed range, U[0.6, 1.5) px/frame (D8)", ["speed": slow])
        }
        add("accelerating-shapes-color-background", "Accelerating shapes on a coloured background",
            parent: "accelerating-shapes", adds: "one random background colour per video (D9)",
            ["background": .string(Background.randomColor.rawValue)])
        add("accelerating-shapes-image-background", "Accelerating shapes on an image background",
            parent: "accelerating-shapes", adds: "one image of the images pool per video behind the objects (D9; needs --images)",
            ["background": .string(Background.image.rawValue)])
        add("accelerating-shapes-static-images", "Accelerating shapes with 5 % static images",
            parent: "accelerating-shapes", adds: "5 % of seeds are one image of the images pool repeated (D11; needs --images)",
            ["staticImageShare": .number(0.05)])
        add("accelerating-textures-color-background", "Statistical textures on a coloured background",
            parent: "accelerating-textures", adds: "one random background colour per video (D9)",
            ["background": .string(Background.randomColor.rawValue)])
        add("accelerating-textures-saturated", "Saturated statistical textures", parent: "accelerating-textures",
            adds: "each object's colour added to its texture, saturating (D10)",
            ["textureTint": .string(TextureTint.saturate.rawValue)])
        add("accelerating-stylegan-dynamic", "Accelerating shapes with dynamic StyleGAN-Oriented textures",
            parent: "accelerating-stylegan", adds: "each texture walks its latents, σ = 0.05 per frame (D12)",
            ["textureDynamics": .string(TextureDynamics.latentWalk.rawValue)])
        add("accelerating-textures-and-images", "Statistical textures mixed with image crops",
            parent: "accelerating-textures", adds: "textures drawn from the images pool and the statistical pool, weighted by size (D11; needs --images)",
            ["textures": .array([.string(TexturePoolKind.statistical.rawValue), .string(TexturePoolKind.images.rawValue)])])
        return stages
    }()

    public static var ids: [String] { all.map(\.id) }

    /// The preset with this id.
    public static func named(_ id: String) throws(ConfigurationError) -> Stage {
        guard let stage = all.first(where: { $0.id == id }) else { throw .unknownStage(id, known: ids) }
        return stage
    }
}

extension Stage {
    /// The stage as the API and `synthclips stages --json` show it.
    public var json: JSONValue {
        .object([
            "id": .string(id),
            "title": .string(title),
            "parent": parent.map(JSONValue.string) ?? .null,
            "adds": .string(adds),
            "delta": .object(delta),
            "config_hash": .string(configuration.hash),
            "config": configuration.json,
        ])
    }
}
