import SyntheticVideo

/// Decodes an encoded image into RGB: `ImageFileDecoder` (PNG through libpng, JPEG through
/// libjpeg-turbo) unless a test injects another.
public protocol ImageDecoder: Sendable {
    /// The image as RGB (grey and palette images expanded, alpha dropped); throws when the bytes
    /// are not a valid image.
    func decodeRGB(_ bytes: [UInt8]) throws -> Texture
}

/// A directory of images as a texture pool (stage 8, image backgrounds, mixed pools).
///
/// Listing: every regular file below `directory` (any depth) whose name ends in `.png`, `.jpg` or
/// `.jpeg` (any case), ordered by the bytes of its UTF-8 relative path. Opening reads and decodes
/// every file once: an unreadable or undecodable file is skipped and reported in `skipped` (and,
/// by path and kind of failure, in the manifest); the others become ids 0, 1, … in order.
///
/// Manifest: canonical JSON with each file's (relative path, byte size, SHA-256 of its content,
/// and its decoded width, height and SHA-256 of the decoded RGB bytes) and the skipped files with
/// their reasons; `manifestHash` is its SHA-256 and is part of the pool's `identity`, so a
/// configuration names exactly the pixels its clips were cut from: the same files decoded by
/// another libpng or libjpeg-turbo that gives other pixels make another pool. A file whose
/// content changes after opening is an error when it is loaded, never other pixels.
///
/// Grid: `texture(id)` returns the image nearest-resized to `size × size` (default 256, the
/// canvas). The renderer emulates the reference's 512×512 nearest resize (GENERATORS.md §4 step
/// 1) as a virtual grid whose pixel (p, q) is texel (⌊p/2⌋, ⌊q/2⌋) (§12.3): that is exact for
/// 256×256 sources; for other sizes it can pick a neighbouring source pixel where
/// ⌊⌊p/2⌋·W/256⌋ ≠ ⌊p·W/512⌋. `size: 512` gives the reference's own grid (4× the memory).
public struct ImageDirectoryPool: ImagePool {
    public struct Entry: Sendable, Hashable {
        public let relativePath: String
        public let byteCount: Int
        public let sha256: String
        /// The decoded image: its size and the SHA-256 of its RGB bytes.
        public let width: Int
        public let height: Int
        public let pixelsSHA256: String
    }

    /// A file left out of the pool. The manifest records only its path and `reason`, so the hash
    /// depends neither on where the directory sits nor on a library's error wording; `detail`
    /// (the error itself) is for the start-up report.
    public struct Skipped: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Reason: String, Sendable {
            /// The file could not be read (permissions, I/O error).
            case unreadable
            /// The file was read but does not decode as an image.
            case corrupt
        }
        public let relativePath: String
        public let reason: Reason
        public let detail: String

        public var description: String { "skipped \(relativePath): \(reason.rawValue): \(detail)" }
    }

    public let directory: String
    public let size: Int
    public let entries: [Entry]
    public let skipped: [Skipped]
    public let manifest: JSONValue
    public let manifestHash: String
    private let decoder: any ImageDecoder

    public static func isImageName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg")
    }

    /// Opens the directory, reading and decoding its files on `threads` threads (the result does
    /// not depend on the thread count).
    public init(directory: String, decoder: any ImageDecoder = ImageFileDecoder(), size: Int = 256,
                threads: Int = 1) throws(TextureError) {
        guard size >= 1 && size <= 4096 else {
            throw .invalidParameter(name: "size", reason: "must be in 1...4096, got \(size)")
        }
        self.directory = directory
        self.size = size
        self.decoder = decoder
        var entries = [Entry]()
        var skipped = [Skipped]()
        let files = try TextureFiles.regularFiles(below: directory).filter(Self.isImageName)
        let checked = parallelMap(files, threads: threads) { relative -> Result<Entry, Skipped> in
            let bytes: [UInt8]
            do throws(TextureError) { bytes = try TextureFiles.read(TextureFiles.join(directory, relative)) } catch {
                return .failure(Skipped(relativePath: relative, reason: .unreadable, detail: "\(error)"))
            }
            let image: Texture
            do {
                image = try decoder.decodeRGB(bytes)
                guard image.width > 0 && image.height > 0 else { throw TextureError.corrupt(path: relative, reason: "empty") }
            } catch {
                return .failure(Skipped(relativePath: relative, reason: .corrupt, detail: "\(error)"))
            }
            return .success(Entry(relativePath: relative, byteCount: bytes.count, sha256: sha256Hex(bytes),
                                  width: image.width, height: image.height, pixelsSHA256: sha256Hex(image.pixels)))
        }
        for result in checked {
            switch result {
            case .success(let entry): entries.append(entry)
            case .failure(let skip): skipped.append(skip)
            }
        }
        guard !entries.isEmpty else {
            throw .emptyPool(reason: "no decodable PNG or JPEG file below \(directory)"
                + (skipped.isEmpty ? "" : " (\(skipped.count) skipped)"))
        }
        self.entries = entries
        self.skipped = skipped
        manifest = .object([
            "files": .array(entries.map {
                .object(["path": .string($0.relativePath), "size": .integer(Int64($0.byteCount)),
                         "sha256": .string($0.sha256), "width": .integer(Int64($0.width)),
                         "height": .integer(Int64($0.height)), "pixels_sha256": .string($0.pixelsSHA256)])
            }),
            "skipped": .array(skipped.map {
                .object(["path": .string($0.relativePath), "reason": .string($0.reason.rawValue)])
            }),
        ])
        manifestHash = sha256Hex(Array(manifest.canonicalText.utf8))
    }

    public var count: Int { entries.count }

    public var identity: String {
        JSONValue.object([
            "kind": .string("images"), "count": .integer(Int64(count)), "size": .integer(Int64(size)),
            "manifest": .string(manifestHash),
        ]).canonicalText
    }

    public func texture(_ id: Int) throws(TextureError) -> Texture {
        try checkID(id)
        let entry = entries[id]
        let path = TextureFiles.join(directory, entry.relativePath)
        let bytes = try TextureFiles.read(path)
        guard bytes.count == entry.byteCount, sha256Hex(bytes) == entry.sha256 else {
            throw .manifestMismatch(path: path)
        }
        let image: Texture
        do { image = try decoder.decodeRGB(bytes) } catch {
            throw .corrupt(path: path, reason: "\(error)")
        }
        return image.nearestResized(width: size, height: size)
    }
}
