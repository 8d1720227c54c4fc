/// An RGB image, row-major, 3 bytes per pixel (R, G, B): what a texture pool serves.
public struct Texture: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// `width · height · 3` bytes, rows top to bottom.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3,
                     "a texture holds width·height·3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Bytes of pixel data (a `TextureCache` holds 8 per pixel: see `SamplingTexture`).
    public var byteCount: Int { pixels.count }

    /// Lower-case hex SHA-256 of the pixel bytes.
    public var sha256: String { sha256Hex(pixels) }

    /// Nearest-neighbour resize with OpenCV's INTER_NEAREST rule: destination index d takes source
    /// index ⌊d·source / destination⌋ (integer arithmetic, so exact).
    public func nearestResized(width newWidth: Int, height newHeight: Int) -> Texture {
        if newWidth == width && newHeight == height { return self }
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        let columns = (0..<newWidth).map { $0 * width / newWidth }
        for y in 0..<newHeight {
            let sy = y * height / newHeight
            for x in 0..<newWidth {
                let s = (sy * width + columns[x]) * 3, d = (y * newWidth + x) * 3
                out[d] = pixels[s]
                out[d + 1] = pixels[s + 1]
                out[d + 2] = pixels[s + 2]
            }
        }
        return Texture(width: newWidth, height: newHeight, pixels: out)
    }
}

/// A texture as the texture cache holds it and the renderer samples it: each texel widened to
/// one UInt64 with R, G and B in 21-bit lanes (bits 0, 21 and 42). A bilinear sample then
/// blends the three channels of a texel with one multiply instead of unpacking three bytes
/// (`TexturedPaint`), which made textured clips about a third faster; the price is 8 bytes per
/// texel instead of 3.
struct SamplingTexture: Sendable {
    let width: Int
    let height: Int
    /// `width · height` texels, rows top to bottom.
    let lanes: [UInt64]

    init(_ texture: Texture) {
        width = texture.width
        height = texture.height
        lanes = texture.pixels.withUnsafeBufferPointer { bytes in
            (0..<texture.width * texture.height).map { (i: Int) -> UInt64 in
                let r = UInt64(bytes[3 * i]), g = UInt64(bytes[3 * i + 1]), b = UInt64(bytes[3 * i + 2])
                return r | g << 21 | b << 42
            }
        }
    }

    /// The texture's RGB bytes again (a new array: for the few uses outside the sampler).
    var texture: Texture {
        var pixels = [UInt8](repeating: 0, count: lanes.count * 3)
        for (i, texel) in lanes.enumerated() {
            pixels[3 * i] = UInt8(truncatingIfNeeded: texel)
            pixels[3 * i + 1] = UInt8(truncatingIfNeeded: texel >> 21)
            pixels[3 * i + 2] = UInt8(truncatingIfNeeded: texel >> 42)
        }
        return Texture(width: width, height: height, pixels: pixels)
    }

    /// Bytes held for a texture of this size.
    static func byteCount(width: Int, height: Int) -> Int { width * height * 8 }

    var byteCount: Int { Self.byteCount(width: width, height: height) }
}

/// A numbered set of textures: id → RGB image, deterministically.
///
/// A procedural pool's texture bytes depend only on (pool kind, pool seed, texture id, pool
/// parameters, generator version) — never on thread count, cache state, CPU or C library. Any
/// number of threads may call `texture(_:)` at once.
public protocol TexturePool: Sendable {
    /// Number of ids: valid ids are 0..<count.
    var count: Int { get }
    /// Canonical description of the pool (kind, parameters, seed, count; a directory pool's
    /// manifest hash) as canonical JSON text: what a configuration records to name its textures.
    var identity: String { get }
    /// The texture with this id.
    func texture(_ id: Int) throws(TextureError) -> Texture
}

/// A pool of images from outside (a directory, loaded by the caller): its manifest hash names
/// exactly the images, and becomes the `imagePool` of the configurations that use it.
public protocol ImagePool: TexturePool {
    var manifestHash: String { get }
}

/// Why a texture could not be served.
public enum TextureError: Error, Sendable, Equatable, CustomStringConvertible {
    case idOutOfRange(id: Int, count: Int)
    case invalidParameter(name: String, reason: String)
    /// A file could not be read (I/O error) — directory pools and banks.
    case unreadable(path: String, reason: String)
    /// A file was read but is not a valid image / bank file.
    case corrupt(path: String, reason: String)
    /// A file's bytes no longer match the manifest written or taken when the pool was opened.
    case manifestMismatch(path: String)
    case emptyPool(reason: String)

    public var description: String {
        switch self {
        case .idOutOfRange(let id, let count): return "texture id \(id) is outside 0..<\(count)"
        case .invalidParameter(let name, let reason): return "texture pool parameter '\(name)': \(reason)"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .corrupt(let path, let reason): return "\(path) is not a valid image: \(reason)"
        case .manifestMismatch(let path): return "\(path) changed since its manifest was taken"
        case .emptyPool(let reason): return "the texture pool is empty: \(reason)"
        }
    }
}

extension TexturePool {
    /// Throws `idOutOfRange` unless id is in 0..<count.
    @inline(__always)
    public func checkID(_ id: Int) throws(TextureError) {
        guard id >= 0 && id < count else { throw .idOutOfRange(id: id, count: count) }
    }
}
