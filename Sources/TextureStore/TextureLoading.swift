import SyntheticVideo
import TensorCodec

/// PNG and JPEG decoding for image pools, through TensorCodec.
public struct ImageFileDecoder: ImageDecoder {
    public init() {}

    public func decodeRGB(_ bytes: [UInt8]) throws -> Texture {
        let image = try ImageFile.decodeRGB(bytes)
        return Texture(width: image.width, height: image.height, pixels: image.pixels)
    }
}

extension TextureLibrary {
    /// The texture library of `synthclips serve`, `render` and `bench`: the images pool of
    /// `images` (every PNG/JPEG below it; unreadable or corrupt files are skipped and listed in
    /// the pool's manifest), the banks in `banks`, and one cache of `cacheBytes`.
    public static func load(images: String?, banks: [String], cacheBytes: Int, threads: Int) throws -> TextureLibrary {
        let pool = try images.map { try ImageDirectoryPool(directory: $0, threads: threads) }
        let loaded = try banks.map { try TextureBankPool(directory: $0) }
        return TextureLibrary(images: pool, banks: loaded, cacheBytes: cacheBytes)
    }

    /// One line per fact worth logging at start: the images pool, the banks, the cache (the
    /// `warnings` come separately).
    public var startupReport: [String] {
        var lines: [String] = []
        if let images = images as? ImageDirectoryPool {
            lines.append("images pool \(images.directory): \(images.count) images, manifest \(images.manifestHash)")
        } else {
            lines.append("no images pool: stages that use images answer 409 (start with --images DIR)")
        }
        for identity in bankIdentities { lines.append("texture bank for \(identity)") }
        lines.append("texture cache: \(cache.byteLimit >> 20) MiB")
        return lines
    }

    /// What the operator should look at: the image files skipped, and the images banks that will
    /// never be read (loaded for nothing, so said here rather than the files decoded unannounced).
    public var warnings: [String] {
        let skipped = (images as? ImageDirectoryPool)?.skippedReport ?? []
        return skipped + unusedImagesBanks.map {
            "texture bank for \($0) is not used: it was built from another images directory, from part of this one, "
                + "or from this one before it changed (rebuild it with `synthclips textures build images`)"
        }
    }
}

extension ImageDirectoryPool {
    /// One line per skipped file, with why.
    public var skippedReport: [String] { skipped.map { "images pool: \($0)" } }
}
