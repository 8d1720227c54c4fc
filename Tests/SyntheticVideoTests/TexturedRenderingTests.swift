import Testing
@testable import SyntheticVideo

/// Textured rendering (GENERATORS.md §4, decisions D5, D9–D11) on images pools the tests write:
/// texture pixels land where the analytic map says, only inside shapes, with occlusion; clips do
/// not depend on cache state or thread count; the variants do what they say.
@Suite struct TexturedRenderingTests {
    /// An images pool in memory (the file-backed one lives in TextureStore): images resized to
    /// 256², as a directory pool serves them.
    struct MemoryImagePool: ImagePool {
        let images: [Texture]
        var count: Int { images.count }
        var manifestHash: String { sha256Hex(images.flatMap(\.pixels)) }
        var identity: String { "memory images \(manifestHash)" }
        func texture(_ id: Int) throws(TextureError) -> Texture {
            try checkID(id)
            return images[id].nearestResized(width: 256, height: 256)
        }
    }

    /// Texel (i, j) = (i, j, 77): its coordinates are readable from any pixel.
    static let gradient = Texture(width: 256, height: 256, pixels: (0..<256).flatMap { j in
        (0..<256).flatMap { i in [UInt8(i), UInt8(j), 77] }
    })

    static func uniform(_ color: RGB) -> Texture {
        Texture(width: 256, height: 256, pixels: Array((0..<(256 * 256)).map { _ in [color.r, color.g, color.b] }.joined()))
    }

    /// A library whose images pool holds `images` (`name` only labels the call site).
    static func library(_ images: [Texture], name: String) throws -> TextureLibrary {
        TextureLibrary(images: MemoryImagePool(images: images), cacheBytes: 64 << 20)
    }

    func configuration(_ stage: String, _ overrides: [(String, String)]) throws -> Configuration {
        try preset(stage).applying(overrides: overrides)
    }

    func render(_ c: Configuration, _ library: TextureLibrary, seed: UInt64, frames: [Int]) throws -> [UInt8] {
        try ClipRenderer(generator: VideoGenerator(configuration: c, textures: library)).render(seed: seed, frameIndices: frames)
    }

    @Test func anUnmovedSquareShowsTheTopLeftPatchOfItsTextureAtTwiceTheSize() throws {
        let library = try Self.library([Self.gradient], name: "square")
        // One static square, anchored inside the canvas: at t = 0 its pose is the identity.
        let c = try configuration("accelerating-image-crops", [
            ("objects", "1"), ("shapes", "square"), ("radiusRange", "0.2,0.2001"), ("centerRange", "0.5"),
            ("speed", "0,0"), ("acceleration", "0"), ("rotationSpeed", "0"), ("scaleSpeed", "0"), ("shearSpeed", "0"),
        ])
        var checked = 0
        for seed in UInt64(0)..<4 {
            let frame = try render(c, library, seed: seed, frames: [0])
            // The square's top-left pixel is its anchor (local corner (0, 0)).
            let painted = (0..<(256 * 256)).filter { frame[$0 * 3 + 2] == 77 }
            let anchor = (x: painted.map { $0 % 256 }.min()!, y: painted.map { $0 / 256 }.min()!)
            for p in painted {
                let x = p % 256, y = p / 256
                #expect(frame[p * 3] == UInt8((x - anchor.x) / 2) && frame[p * 3 + 1] == UInt8((y - anchor.y) / 2),
                        "seed \(seed) pixel (\(x), \(y))")
                checked += 1
            }
            #expect(painted.count > 1000)
        }
        #expect(checked > 4000)
    }

    @Test func texturesFillOnlyTheShapesAndKeepOcclusion() throws {
        let colors = [RGB(200, 10, 10), RGB(10, 200, 10), RGB(10, 10, 200)]
        let library = try Self.library(colors.map(Self.uniform), name: "occlusion")
        let c = try configuration("accelerating-image-crops", [("objects", "40"), ("resolution", "128")])
        let flat = try configuration("accelerating-shapes", [("objects", "40"), ("resolution", "128"),
                                                             ("circleTransform", "translate-only")])
        for seed in UInt64(0)..<3 {
            let frames = [0, 37, 90]
            let textured = try render(c, library, seed: seed, frames: frames)
            let shapes = try render(flat, library, seed: seed, frames: frames)
            var inside = 0, exact = 0, geometryMismatches = 0
            for p in 0..<(textured.count / 3) {
                let background = shapes[p * 3] == 0 && shapes[p * 3 + 1] == 0 && shapes[p * 3 + 2] == 0
                let pixel = RGB(textured[p * 3], textured[p * 3 + 1], textured[p * 3 + 2])
                // The same geometry: black exactly where the flat render shows the background.
                if background != (pixel == .black) { geometryMismatches += 1 }
                if background { continue }
                inside += 1
                if colors.contains(pixel) { exact += 1 }
            }
            // A rim pixel whose bilinear footprint lies almost wholly on the grid's zero border
            // may round to black; nothing else may differ.
            #expect(geometryMismatches <= textured.count / 3 / 1000, "seed \(seed): \(geometryMismatches) pixels")
            // Uniform textures sample to their colour except where the footprint meets the border.
            #expect(Double(exact) > 0.97 * Double(inside), "seed \(seed): \(exact) of \(inside)")
        }
    }

    @Test func bytesDoNotDependOnCacheStateOrThreads() throws {
        let images = [Self.gradient, Self.uniform(RGB(9, 99, 199))]
        let c = try configuration("accelerating-image-crops", [("objects", "60"), ("resolution", "96")])
        let seeds: [UInt64] = [1, 2, 3, 4, 5]
        let cold = try seeds.map { try render(c, Self.library(images, name: "cold\($0)"), seed: $0, frames: [3, 40]) }
        let shared = try Self.library(images, name: "warm")
        let generator = try VideoGenerator(configuration: c, textures: shared)
        _ = try generator.warmTextures(threads: 2)
        let warm = try seeds.map { try ClipRenderer(generator: generator).render(seed: $0, frameIndices: [3, 40]) }
        #expect(cold == warm)
        var batch = [UInt8](repeating: 0, count: cold.joined().count)
        try batch.withUnsafeMutableBytes { buffer in
            try BatchRenderer.render(generator: generator, seeds: seeds, frames: { _ in [3, 40] }, threads: 3, into: buffer)
        }
        #expect(batch == Array(cold.joined()))
    }

    @Test func saturatedTexturesAddTheObjectColourWithoutWrapping() throws {
        let library = try Self.library([Self.uniform(RGB(200, 200, 200))], name: "tint")
        let c = try configuration("accelerating-image-crops", [("objects", "200"), ("resolution", "64"),
                                                               ("textureTint", "saturate")])
        let frame = try render(c, library, seed: 7, frames: [0])
        let painted = stride(from: 0, to: frame.count, by: 3).filter { frame[$0] != 0 || frame[$0 + 1] != 0 || frame[$0 + 2] != 0 }
        #expect(painted.count > 2000)
        // Every textured pixel is 200 + colour, saturated: never below 200, often exactly 255.
        #expect(painted.allSatisfy { frame[$0] >= 200 && frame[$0 + 1] >= 200 && frame[$0 + 2] >= 200 })
        #expect(painted.filter { frame[$0] == 255 }.count > painted.count / 4)
    }

    @Test func imageBackgroundAndStaticImagesComeFromThePool() throws {
        let library = try Self.library([Self.gradient], name: "background")
        let background = try configuration("accelerating-shapes-image-background", [("objects", "1"), ("radiusRange", "0.1,0.1001")])
        let frame = try render(background, library, seed: 3, frames: [5])
        let matching = (0..<(256 * 256)).filter { (p: Int) -> Bool in
            let (x, y) = (UInt8(p % 256), UInt8(p / 256))
            return frame[p * 3] == x && frame[p * 3 + 1] == y && frame[p * 3 + 2] == 77
        }
        #expect(matching.count > 256 * 256 - 6000)  // all but one small object

        let always = try configuration("accelerating-shapes", [("staticImageShare", "1")])
        let clip = try render(always, library, seed: 11, frames: [0, 4, 8])
        let expected: [UInt8] = Self.gradient.pixels + Self.gradient.pixels + Self.gradient.pixels
        #expect(clip == expected)

        let share = try VideoGenerator(configuration: configuration("accelerating-shapes-static-images", []), textures: library)
        let statics = (UInt64(0)..<4000).filter(share.isStaticImage(seed:)).count
        #expect((120...280).contains(statics), "\(statics) of 4000 seeds are static (expected ≈ 5 %)")
    }

    /// A static scene is painted once and repeated, which would freeze a latent walk: refused
    /// with the field named, while the same walk over a moving scene is accepted.
    @Test func aLatentWalkNeedsAMovingScene() throws {
        var still = preset("accelerating-stylegan-dynamic")
        (still.speed, still.acceleration, still.rotationSpeed, still.scaleSpeed, still.shearSpeed) = (0...0, 0, 0, 0, 0)
        #expect(still.isStatic)
        let error = #expect(throws: ConfigurationError.self) { try VideoGenerator(configuration: still) }
        #expect(error?.field == "textureDynamics" && error?.description.contains("moving scene") == true, "\(String(describing: error))")
        still.textureDynamics = .static
        _ = try VideoGenerator(configuration: still)
        _ = try VideoGenerator(configuration: preset("accelerating-stylegan-dynamic"))
    }

    @Test func configurationsThatNeedImagesFailClearlyWithoutAPool() throws {
        for stage in ["accelerating-image-crops", "accelerating-shapes-image-background", "accelerating-shapes-static-images",
                      "accelerating-textures-and-images"] {
            #expect(throws: ConfigurationError.noImagePool) {
                try VideoGenerator(configuration: preset(stage), textures: TextureLibrary(cacheBytes: 0))
            }
        }
        #expect(ConfigurationError.noImagePool.description.contains("--images DIR"))
        let library = try Self.library([Self.gradient], name: "bind")
        let bound = try VideoGenerator(configuration: preset("accelerating-image-crops"), textures: library).configuration
        #expect(bound.imagePool == library.images!.manifestHash)
        #expect(bound.hash != preset("accelerating-image-crops").hash)
        var other = preset("accelerating-image-crops")
        other.imagePool = String(repeating: "ab", count: 32)
        #expect(throws: ConfigurationError.imagePoolMismatch(requested: other.imagePool, available: bound.imagePool)) {
            try VideoGenerator(configuration: other, textures: library)
        }
        // Untextured stages never need a pool.
        #expect(try VideoGenerator(configuration: preset("accelerating-shapes"), textures: TextureLibrary(cacheBytes: 0))
            .configuration.imagePool == "")
    }

    @Test func texturesDoNotChangeTheGeometryOfTheParentStage() {
        #expect(preset("accelerating-textures").sceneDigest
                == (try! preset("accelerating-shapes").applying(overrides: [("circleTransform", "translate-only")])).sceneDigest)
    }

    // MARK: The sampler against a direct evaluation

    /// OpenCV-style warpAffine sampling from a coordinate in Double: rounded to 1/32 (the
    /// sampler's own rounding, `exactSample`, is of fixed-point coordinates).
    static func reference(_ texture: Texture, grid side: Int, u: Double, v: Double) -> [Int] {
        // In 1/32 units, then at the 16.16 scale (bits 11...15 hold the 1/32 fraction).
        let fu = Int((u * 32 + 0.5).rounded(.down)), fv = Int((v * 32 + 0.5).rounded(.down))
        return exactSample(texture, grid: side, u: fu << 11, v: fv << 11).map(Int.init)
    }

    /// A side × side frame (black elsewhere) with `spans` (row, first column, pixel count) painted
    /// through `map` with the renderer's sampler, on the 2·side texture grid.
    static func paint(_ texture: Texture, side: Int, map: TextureMap, spans: [(y: Int, x: Int, count: Int)]) -> [UInt8] {
        let sampling = SamplingTexture(texture)
        var grid = TexelGrid(side: 2 * side)
        grid.prepare(width: texture.width, height: texture.height)
        var frame = [UInt8](repeating: 0, count: side * side * 3)
        frame.withUnsafeMutableBytes { buffer in
            sampling.lanes.withUnsafeBufferPointer { lanes in
                let paint = TexturedPaint(lanes: lanes.baseAddress!, grid: grid, map: map, tint: nil)!
                let target = FramePointer(base: buffer.baseAddress!, width: side, height: side)
                for span in spans { paint.fill(row: span.y, column: span.x, count: span.count, frame: target) }
            }
        }
        return frame
    }

    @Test func samplingLanesHoldTheTextureBytes() {
        let pixels: [UInt8] = [0, 255, 1, 254, 128, 127] + (6..<5 * 3 * 3).map { UInt8($0 * 37 % 256) }
        let texture = Texture(width: 5, height: 3, pixels: pixels)
        let sampling = SamplingTexture(texture)
        #expect(sampling.lanes[1] == UInt64(pixels[3]) | UInt64(pixels[4]) << 21 | UInt64(pixels[5]) << 42)
        #expect(sampling.texture == texture)
        #expect(sampling.byteCount == 5 * 3 * 8)
    }

    @Test func texturedSamplingMatchesADirectEvaluation() {
        // A smooth texture: neighbouring grid samples differ by at most 1, so a coordinate that
        // lands in the neighbouring 1/32 bin (fixed point versus Double) moves a value by ≤ 1.
        var pixels = [UInt8]()
        for j in 0..<256 {
            for i in 0..<256 { pixels += [UInt8(i), UInt8(j), UInt8((i + j) / 2)] }
        }
        let texture = Texture(width: 256, height: 256, pixels: pixels)
        let side = 64
        let maps = [
            TextureMap.translation(-3, -5),                                           // the fast path
            TextureMap(a: 0.9, b: 0.2, c: -0.15, d: 1.1, e: 2.3, f: -1.7),            // rotation, scale, shear
            TextureMap(a: 0.5, b: 0, c: 0, d: 0.5, e: 0.25, f: 0.75),                 // magnified
            TextureMap(a: -1.3, b: 0.4, c: 0.7, d: 1.9, e: 100.1, f: -20.6),          // mirrored, reaching past the border
        ]
        // Spans of several lengths and starts, as occlusion cuts them.
        let spans = (0..<side).map { y in (y: y, x: y % 7, count: side - y % 7 - y % 5) }
        for (m, map) in maps.enumerated() {
            var worst = 0, exact = 0
            let frame = Self.paint(texture, side: side, map: map, spans: spans)
            for y in 0..<side {
                for x in (y % 7)..<(side - y % 5) {
                    let expected = Self.reference(texture, grid: 2 * side, u: map.a * Double(x) + map.b * Double(y) + map.e,
                                                  v: map.c * Double(x) + map.d * Double(y) + map.f)
                    for c in 0..<3 {
                        let d = abs(Int(frame[(y * side + x) * 3 + c]) - expected[c])
                        worst = max(worst, d)
                        if d == 0 { exact += 1 }
                    }
                }
            }
            #expect(worst <= 1, "map \(m): worst difference \(worst)")
            if m == 0 { #expect(worst == 0, "the translation path is exact") }
            #expect(exact > 0, "map \(m)")
        }
    }

    /// The sampler's arithmetic written out per pixel and channel from a 16.16 fixed-point
    /// coordinate: the 2·res grid of a nearest-resized texture (grid texel (gx, gy) is texel
    /// (⌊gx·W/G⌋, ⌊gy·H/G⌋)), 0 outside the grid, bilinear weights in 1/32,
    /// (Σ weight·texel + 512) >> 10 per channel.
    static func exactSample(_ texture: Texture, grid side: Int, u: Int, v: Int) -> [UInt8] {
        let ix = u >> 16, iy = v >> 16, fx = (u >> 11) & 31, fy = (v >> 11) & 31
        func texel(_ gx: Int, _ gy: Int, _ c: Int) -> Int {
            guard (0..<side).contains(gx), (0..<side).contains(gy) else { return 0 }
            return Int(texture.pixels[((gy * texture.height / side) * texture.width + gx * texture.width / side) * 3 + c])
        }
        return (0..<3).map { c in
            let sum = texel(ix, iy, c) * (32 - fx) * (32 - fy) + texel(ix + 1, iy, c) * fx * (32 - fy)
                + texel(ix, iy + 1, c) * (32 - fx) * fy + texel(ix + 1, iy + 1, c) * fx * fy
            return UInt8((sum + 512) >> 10)
        }
    }

    @Test func texturedSamplingIsExactInsideAtAndPastTheGridEdges() {
        // Random texels in a 48×40 texture, which the 128-pixel grid repeats unevenly.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let pixels = (0..<48 * 40 * 3).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let texture = Texture(width: 48, height: 40, pixels: pixels)
        let side = 64
        let maps = [
            TextureMap.translation(-90, -3),                                          // runs off the right edge
            TextureMap.translation(30, -100),                                         // off the left and bottom edges
            TextureMap(a: 2.1, b: 0.3, c: -0.2, d: 1.9, e: -5.3, f: 3.7),             // across both edges
            TextureMap(a: 0.866, b: -0.5, c: 0.5, d: 0.866, e: 10.5, f: -20.25),      // rotated
            TextureMap(a: -1.7, b: 0.1, c: 0.05, d: -1.2, e: 130.4, f: 90.6),         // mirrored, past the right edge
            // Column 63 samples grid column 127, the last: its right neighbour is outside, so a
            // span ending there takes the tested loop, one ending at column 62 the untested one.
            TextureMap(a: 0.5, b: 0, c: 0, d: 0.5, e: 95.5 - 1.0 / 64, f: 10 - 1.0 / 64),
        ]
        func fixed(_ x: Double) -> Int { Int((x * 65536).rounded(.toNearestOrEven)) }
        // Each row in three spans of varying lengths, as occlusion cuts them.
        var spans: [(y: Int, x: Int, count: Int)] = []
        for y in 0..<side {
            let a = (y * 5) % 20, b = Swift.min(side - 1, a + (y * 3) % 30 + 1)
            for (x, end) in [(0, a), (a, b), (b, side - y % 2)] where end > x { spans.append((y, x, end - x)) }
        }
        for (m, map) in maps.enumerated() {
            let frame = Self.paint(texture, side: side, map: map, spans: spans)
            var mismatches = 0, outside = 0
            for span in spans {
                for x in span.x..<(span.x + span.count) {
                    let y = span.y
                    let u = fixed(map.a) * x + fixed(map.b) * y + fixed(map.e + 1.0 / 64)
                    let v = fixed(map.c) * x + fixed(map.d) * y + fixed(map.f + 1.0 / 64)
                    if !(0..<(2 * side - 1)).contains(u >> 16) || !(0..<(2 * side - 1)).contains(v >> 16) { outside += 1 }
                    let expected = Self.exactSample(texture, grid: 2 * side, u: u, v: v)
                    if Array(frame[(y * side + x) * 3..<(y * side + x) * 3 + 3]) != expected { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "map \(m)")
            #expect(outside > 0, "map \(m) reaches the grid's edge")
        }
    }
}
