import SyntheticVideo

/// A pool written to disk ahead of time: one raw RGB file per texture (`00000000.rgb`, … —
/// width·height·3 bytes, no header) and `manifest.json` (canonical JSON: the source pool's
/// identity, count, size, and each file's SHA-256). `TextureBankPool` serves the files with the
/// identical bytes, so a server started with a bank renders the same clips as one that generates.
public enum TextureBank {
    public static let manifestName = "manifest.json"

    public static func fileName(_ id: Int) -> String {
        let digits = String(id)
        return String(repeating: "0", count: Swift.max(0, 8 - digits.count)) + digits + ".rgb"
    }

    /// Writes textures 0..<count of `pool` into `directory` (created if needed), `threads` at a
    /// time, then the manifest. Returns the manifest's SHA-256. `progress` hears the number of
    /// textures written after each batch.
    @discardableResult
    public static func write(_ pool: any TexturePool, count: Int, to directory: String,
                             threads: Int = 1, progress: (Int) -> Void = { _ in }) throws(TextureError) -> String {
        guard count >= 1 && count <= pool.count else {
            throw .invalidParameter(name: "count", reason: "must be in 1...\(pool.count), got \(count)")
        }
        try TextureFiles.createDirectory(directory)
        var digests = [String](repeating: "", count: count)
        var size: (Int, Int)? = nil
        var failure: TextureError? = nil
        // Sequential batches keep the memory bounded; within a batch, `threads` textures at once.
        let batch = Swift.max(1, threads) * 8
        var start = 0
        while start < count {
            let end = Swift.min(count, start + batch)
            let results = parallelMap(Array(start..<end), threads: threads) { id in
                Result { () throws(TextureError) -> (Int, Int, String) in
                    let texture = try pool.texture(id)
                    try TextureFiles.write(texture.pixels, to: TextureFiles.join(directory, fileName(id)))
                    return (texture.width, texture.height, texture.sha256)
                }
            }
            for (offset, result) in results.enumerated() {
                switch result {
                case .success(let (w, h, digest)):
                    if size == nil { size = (w, h) }
                    if size! != (w, h) {
                        failure = failure ?? .corrupt(path: fileName(start + offset), reason: "size differs within the pool")
                    }
                    digests[start + offset] = digest
                case .failure(let error): failure = failure ?? error
                }
            }
            if let failure { throw failure }
            start = end
            progress(end)
        }
        let manifest = JSONValue.object([
            "format": .string("rgb8"),
            "pool": .string(pool.identity),
            "count": .integer(Int64(count)),
            "width": .integer(Int64(size!.0)),
            "height": .integer(Int64(size!.1)),
            "files": .array(digests.enumerated().map { id, digest in
                .object(["name": .string(fileName(id)), "sha256": .string(digest)])
            }),
        ])
        let text = Array(manifest.canonicalText.utf8)
        try TextureFiles.write(text, to: TextureFiles.join(directory, manifestName))
        return sha256Hex(text)
    }
}

/// Serves a bank written by `TextureBank.write`: texture `id` is file `id`, checked against the
/// manifest's SHA-256 on every load (a changed or truncated file is an error, never other bytes).
/// Its identity is the source pool's identity, so it stands in for that pool exactly (its count
/// is the bank's, which may be smaller than the source pool's).
public struct TextureBankPool: TexturePool {
    public let directory: String
    public let count: Int
    public let width: Int
    public let height: Int
    /// Identity of the pool the bank was written from.
    public let identity: String
    /// SHA-256 of manifest.json.
    public let manifestHash: String
    private let digests: [String]

    public init(directory: String) throws(TextureError) {
        self.directory = directory
        let path = TextureFiles.join(directory, TextureBank.manifestName)
        let bytes = try TextureFiles.read(path)
        manifestHash = sha256Hex(bytes)
        let json: JSONValue
        do { json = try JSONParser.parse(String(decoding: bytes, as: UTF8.self)) } catch {
            throw .corrupt(path: path, reason: "manifest is not JSON: \(error)")
        }
        guard case .object(let fields) = json, fields["format"] == .string("rgb8"),
              case .string(let identity)? = fields["pool"],
              case .integer(let count)? = fields["count"], count >= 1,
              case .integer(let width)? = fields["width"], (1...4096).contains(width),
              case .integer(let height)? = fields["height"], (1...4096).contains(height),
              case .array(let files)? = fields["files"], files.count == Int(count) else {
            throw .corrupt(path: path, reason: "not a texture bank manifest")
        }
        var digests = [String]()
        for (id, file) in files.enumerated() {
            guard case .object(let entry) = file, entry["name"] == .string(TextureBank.fileName(id)),
                  case .string(let digest)? = entry["sha256"] else {
                throw .corrupt(path: path, reason: "file entry \(id) is malformed")
            }
            digests.append(digest)
        }
        self.identity = identity
        self.count = Int(count)
        self.width = Int(width)
        self.height = Int(height)
        self.digests = digests
    }

    public func texture(_ id: Int) throws(TextureError) -> Texture {
        try checkID(id)
        let path = TextureFiles.join(directory, TextureBank.fileName(id))
        let bytes = try TextureFiles.read(path)
        guard bytes.count == width * height * 3, sha256Hex(bytes) == digests[id] else {
            throw .manifestMismatch(path: path)
        }
        return Texture(width: width, height: height, pixels: bytes)
    }
}
