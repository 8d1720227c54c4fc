import Foundation
import SyntheticVideo
import Testing
@testable import TextureStore

/// The file-backed pools: a bank serves its source pool's bytes and refuses changed files; an
/// image directory lists in byte order, skips and reports corrupt files, and hashes content.
@Suite struct TextureStoreTests {
    static func temporaryDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "synthclips-texture-store-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: path)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    // MARK: Bank

    @Test func bankServesTheBytesOfItsSourcePool() throws {
        let pool = try StyleGANOrientedTexturePool(seed: 1, count: 6, resolution: 16, imagesPerGenerator: 400)
        let directory = Self.temporaryDirectory("bank")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var progress: [Int] = []
        try TextureBank.write(pool, count: 6, to: directory, threads: 2) { progress.append($0) }
        #expect(progress.last == 6)
        let bank = try TextureBankPool(directory: directory)
        #expect(bank.identity == pool.identity && bank.count == 6 && bank.width == 16)
        #expect(try (0..<6).map { try bank.texture($0) } == (0..<6).map { try pool.texture($0) })
        #expect(throws: TextureError.idOutOfRange(id: 6, count: 6)) { try bank.texture(6) }
        // Through a library, the bank stands in for the pool a configuration names.
        #expect(throws: TextureError.self) { try TextureBank.write(pool, count: 7, to: directory) }
    }

    @Test func bankRejectsAChangedFileAndAnImplausibleManifest() throws {
        let pool = try StyleGANOrientedTexturePool(seed: 2, count: 10, resolution: 8, imagesPerGenerator: 400)
        let directory = Self.temporaryDirectory("bank-tamper")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TextureBank.write(pool, count: 2, to: directory)
        let path = directory + "/" + TextureBank.fileName(1)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[0] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let bank = try TextureBankPool(directory: directory)
        #expect(try bank.texture(0) == pool.texture(0))
        #expect(throws: TextureError.manifestMismatch(path: path)) { try bank.texture(1) }
        // A manifest claiming a huge texture is refused when the bank is opened.
        let manifest = directory + "/" + TextureBank.manifestName
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"width\":8", with: "\"width\":99999999")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        #expect(throws: TextureError.self) { try TextureBankPool(directory: directory) }
    }

    // MARK: Image directory pool

    /// A tiny decoder for binary PPM (P6, maxval 255) under any file name.
    struct PPMDecoder: ImageDecoder {
        struct Invalid: Error {}
        func decodeRGB(_ bytes: [UInt8]) throws -> Texture {
            let text = String(decoding: bytes.prefix(32), as: UTF8.self)
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(4)
            guard fields.count == 4, fields[0] == "P6", let w = Int(fields[1]), let h = Int(fields[2]),
                  fields[3] == "255", w > 0, h > 0 else { throw Invalid() }
            let header = fields.map { $0.utf8.count + 1 }.reduce(0, +)
            guard bytes.count == header + w * h * 3 else { throw Invalid() }
            return Texture(width: w, height: h, pixels: Array(bytes[header...]))
        }
    }

    static func ppm(_ w: Int, _ h: Int, _ seed: UInt8) -> [UInt8] {
        Array("P6 \(w) \(h) 255\n".utf8) + (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 * 7 + Int(seed)) }
    }

    @Test(arguments: [1, 3])
    func imageDirectoryListsInByteOrderSkipsCorruptFilesAndHashesContent(threads: Int) throws {
        let directory = Self.temporaryDirectory("images-\(threads)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/b", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: directory + "/a/deep", withIntermediateDirectories: true)
        try Data(Self.ppm(3, 2, 1)).write(to: URL(fileURLWithPath: directory + "/b/z.png"))
        try Data(Self.ppm(4, 4, 2)).write(to: URL(fileURLWithPath: directory + "/a/deep/y.JPG"))
        try Data(Self.ppm(5, 3, 3)).write(to: URL(fileURLWithPath: directory + "/B.jpeg"))
        try Data(Self.ppm(2, 2, 4)).write(to: URL(fileURLWithPath: directory + "/a/x.jpg"))
        try Data([0xFF, 0xD8, 0xFF, 0x00]).write(to: URL(fileURLWithPath: directory + "/a/broken.jpg"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: directory + "/readme.txt"))
        let pool = try ImageDirectoryPool(directory: directory, decoder: PPMDecoder(), size: 8, threads: threads)
        #expect(pool.entries.map(\.relativePath) == ["B.jpeg", "a/deep/y.JPG", "a/x.jpg", "b/z.png"])
        #expect(pool.skipped.map(\.relativePath) == ["a/broken.jpg"])
        #expect(pool.skipped.map(\.reason) == [.corrupt] && pool.skipped[0].detail.contains("Invalid"))
        // The manifest names the skipped file and why, in words that do not depend on the decoder.
        #expect(pool.manifest.canonicalText.contains(#"{"path":"a/broken.jpg","reason":"corrupt"}"#))
        #expect(pool.count == 4)
        let texture = try pool.texture(3)  // b/z.png, 3×2 → 8×8 nearest
        #expect(texture.width == 8 && texture.height == 8)
        let source = try PPMDecoder().decodeRGB(Self.ppm(3, 2, 1))
        #expect(texture == source.nearestResized(width: 8, height: 8))
        #expect(Array(texture.pixels[0..<3]) == Array(source.pixels[0..<3]))
        // Changing one file's content changes the manifest hash and the identity.
        let before = pool.manifestHash
        try Data(Self.ppm(3, 2, 9)).write(to: URL(fileURLWithPath: directory + "/b/z.png"))
        #expect(throws: TextureError.self) { try pool.texture(3) }
        let after = try ImageDirectoryPool(directory: directory, decoder: PPMDecoder(), size: 8, threads: threads)
        #expect(after.manifestHash != before && after.identity != pool.identity)
        #expect(throws: TextureError.self) {
            try ImageDirectoryPool(directory: directory + "/missing", decoder: PPMDecoder())
        }
    }

    /// The manifest names decoded pixels, not only files: the same files decoded differently
    /// (another library version) make another pool.
    @Test func theManifestHashesTheDecodedPixels() throws {
        struct InvertingDecoder: ImageDecoder {
            func decodeRGB(_ bytes: [UInt8]) throws -> Texture {
                let image = try PPMDecoder().decodeRGB(bytes)
                return Texture(width: image.width, height: image.height, pixels: image.pixels.map { 255 - $0 })
            }
        }
        let directory = Self.temporaryDirectory("pixels")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(Self.ppm(3, 2, 1)).write(to: URL(fileURLWithPath: directory + "/a.png"))
        let plain = try ImageDirectoryPool(directory: directory, decoder: PPMDecoder(), size: 8)
        let inverted = try ImageDirectoryPool(directory: directory, decoder: InvertingDecoder(), size: 8)
        #expect(plain.entries[0].sha256 == inverted.entries[0].sha256)
        #expect(plain.entries[0].pixelsSHA256 == sha256Hex(try PPMDecoder().decodeRGB(Self.ppm(3, 2, 1)).pixels))
        #expect(plain.entries[0].width == 3 && plain.entries[0].height == 2)
        #expect(plain.manifestHash != inverted.manifestHash && plain.identity != inverted.identity)
    }

    @Test func aLibraryUsesABankOnlyWhenItHoldsEveryId() throws {
        let pool = try StyleGANOrientedTexturePool(seed: 0, count: 3, resolution: 256, imagesPerGenerator: 400)
        let directory = Self.temporaryDirectory("library-bank")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A bank with the identity of the pool `textureCount=3, textureSeed=0` names, but
        // hand-made pixels: if the library reads it, the clip shows them.
        let fake = FakePool(identity: pool.identity, count: 3)
        try TextureBank.write(fake, count: 3, to: directory)
        var c = try Stage.named("accelerating-stylegan").configuration.applying(overrides: [
            ("textureCount", "3"), ("objects", "20"), ("resolution", "32"), ("frames", "1"),
        ])
        c.circleTransform = .translateOnly
        let withBank = TextureLibrary(banks: [try TextureBankPool(directory: directory)], cacheBytes: 1 << 24)
        let clip = try ClipRenderer(generator: VideoGenerator(configuration: c, textures: withBank)).render(seed: 1, frameIndices: [0])
        #expect(clip.allSatisfy { $0 == 0 || $0 == 77 }, "the bank's pixels (77) or background (0)")
        #expect(clip.contains(77))
    }

    /// An images bank serves one state of one directory, whole: a bank of part of it, or of it
    /// before a file changed, is loaded for nothing and must be reported.
    @Test func imagesBanksThatNoPoolReadsAreReported() throws {
        let directory = Self.temporaryDirectory("unused-images")
        let whole = Self.temporaryDirectory("unused-images-whole"), part = Self.temporaryDirectory("unused-images-part")
        defer { for d in [directory, whole, part] { try? FileManager.default.removeItem(atPath: d) } }
        try Data(Self.ppm(3, 2, 1)).write(to: URL(fileURLWithPath: directory + "/a.png"))
        try Data(Self.ppm(2, 2, 2)).write(to: URL(fileURLWithPath: directory + "/b.png"))
        let pool = try ImageDirectoryPool(directory: directory, decoder: PPMDecoder(), size: 8)
        try TextureBank.write(pool, count: 2, to: whole)
        try TextureBank.write(pool, count: 1, to: part)
        let matching = TextureLibrary(images: pool, banks: [try TextureBankPool(directory: whole)])
        #expect(matching.unusedImagesBanks.isEmpty && matching.warnings.isEmpty)
        let partial = TextureLibrary(images: pool, banks: [try TextureBankPool(directory: part)])
        #expect(partial.unusedImagesBanks == [pool.identity])
        try Data(Self.ppm(2, 2, 9)).write(to: URL(fileURLWithPath: directory + "/b.png"))
        let changed = try ImageDirectoryPool(directory: directory, decoder: PPMDecoder(), size: 8)
        let stale = TextureLibrary(images: changed, banks: [try TextureBankPool(directory: whole)])
        #expect(stale.unusedImagesBanks == [pool.identity])
        #expect(stale.warnings.count == 1 && stale.warnings[0].contains("is not used"))
        #expect(TextureLibrary(banks: [try TextureBankPool(directory: whole)]).unusedImagesBanks == [pool.identity])
    }

    struct FakePool: TexturePool {
        let identity: String
        let count: Int
        func texture(_ id: Int) throws(TextureError) -> Texture {
            Texture(width: 256, height: 256, pixels: [UInt8](repeating: 77, count: 256 * 256 * 3))
        }
    }
}
