import ArgumentParser
import Foundation
import HTTP2Server
import Provenance
import Synchronization
import SynthClipsService
import SyntheticVideo
import TextureStore
import TensorCodec

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the SynthClips HTTP/2 service (h2c, HTTP/1.1, and TLS with ALPN when a certificate is given).",
        discussion: """
            Every option can also come from the environment: SYNTHCLIPS_HOST, SYNTHCLIPS_PORT, SYNTHCLIPS_DB, \
            SYNTHCLIPS_WORKERS, SYNTHCLIPS_ZSTD_LEVEL, SYNTHCLIPS_TLS_CERT, SYNTHCLIPS_TLS_KEY, \
            SYNTHCLIPS_IMAGES, SYNTHCLIPS_TEXTURE_BANKS, SYNTHCLIPS_TEXTURE_CACHE_MB, SYNTHCLIPS_TOKEN_FILE (the command line wins). SIGTERM or SIGINT stop \
            accepting, let in-flight responses finish, and exit.
            """)

    @Option(help: "Address to bind (env SYNTHCLIPS_HOST; default 127.0.0.1).")
    var host: String?
    @Option(help: "Port to bind, 0 for any free port (env SYNTHCLIPS_PORT; default 8080).")
    var port: Int?
    @Option(help: "SQLite provenance store (env SYNTHCLIPS_DB; default synthclips.sqlite).")
    var db: String?
    @Option(help: "Render workers (env SYNTHCLIPS_WORKERS; default one per core).")
    var workers: Int?
    @Option(name: .customLong("zstd-level"), parsing: .unconditional, help: "zstd level for compressed bodies (env SYNTHCLIPS_ZSTD_LEVEL; default -3).")
    var zstdLevel: Int32?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate for TLS (env SYNTHCLIPS_TLS_CERT).")
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key for TLS (env SYNTHCLIPS_TLS_KEY).")
    var tlsKey: String?
    @Option(help: "Directory of PNG/JPEG images: the images pool of stage 8, image backgrounds and static images (env SYNTHCLIPS_IMAGES).")
    var images: String?
    @Option(name: .customLong("texture-bank"), help: "A texture bank written by `synthclips textures build` (repeatable; env SYNTHCLIPS_TEXTURE_BANKS, colon-separated).")
    var textureBanks: [String] = []
    @Option(name: .customLong("texture-cache-mb"), help: "Memory for cached textures in MiB (env SYNTHCLIPS_TEXTURE_CACHE_MB; default 2048: 4096 textures of 256×256).")
    var textureCacheMB: Int?
    @Option(name: .customLong("token-file"), help: "File holding a bearer token required by every route but health (env SYNTHCLIPS_TOKEN_FILE).")
    var tokenFile: String?
    @Option(help: ArgumentHelp("Provenance logging: on (default) or off (benchmarks only).", visibility: .hidden))
    var provenance: String = "on"

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let cores = ProcessInfo.processInfo.activeProcessorCount
        func number<T: LosslessStringConvertible>(_ value: T?, _ name: String) throws -> T? {
            if let value { return value }
            guard let text = env[name] else { return nil }
            guard let parsed = T(text) else { throw ValidationError("\(name)='\(text)' is not a valid number") }
            return parsed
        }
        var config = ServiceConfiguration(workers: try number(workers, "SYNTHCLIPS_WORKERS") ?? cores,
                                          replica: env["HOSTNAME"] ?? ProcessInfo.processInfo.hostName)
        config.host = host ?? env["SYNTHCLIPS_HOST"] ?? config.host
        config.port = try number(port, "SYNTHCLIPS_PORT") ?? config.port
        config.databasePath = db ?? env["SYNTHCLIPS_DB"] ?? config.databasePath
        config.zstdLevel = try number(zstdLevel, "SYNTHCLIPS_ZSTD_LEVEL") ?? config.zstdLevel
        config.tlsCertificatePath = tlsCert ?? env["SYNTHCLIPS_TLS_CERT"]
        config.tlsPrivateKeyPath = tlsKey ?? env["SYNTHCLIPS_TLS_KEY"]
        config.imagesDirectory = images ?? env["SYNTHCLIPS_IMAGES"]
        config.textureBanks = !textureBanks.isEmpty ? textureBanks
            : (env["SYNTHCLIPS_TEXTURE_BANKS"].map { $0.split(separator: ":").map(String.init) } ?? [])
        let cacheMB = try number(textureCacheMB, "SYNTHCLIPS_TEXTURE_CACHE_MB") ?? config.textureCacheBytes >> 20
        guard (0...1 << 20).contains(cacheMB) else { throw ValidationError("the texture cache must be 0...1048576 MiB") }
        config.textureCacheBytes = cacheMB << 20
        guard ["on", "off"].contains(provenance) else { throw ValidationError("--provenance is on or off") }
        config.provenanceEnabled = provenance == "on"
        if let path = tokenFile ?? env["SYNTHCLIPS_TOKEN_FILE"] {
            let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("the token file \(path) is empty") }
            config.token = token
        }
        guard (1...1024).contains(config.workers) else { throw ValidationError("workers must be in 1...1024") }
        guard Zstd.levelRange.contains(config.zstdLevel) else {
            throw ValidationError("zstd level must be in \(Zstd.levelRange.lowerBound)...\(Zstd.levelRange.upperBound)")
        }
        guard (config.tlsCertificatePath == nil) == (config.tlsPrivateKeyPath == nil) else {
            throw ValidationError("TLS needs both --tls-cert and --tls-key")
        }
        try Self.serve(config)
    }

    static func serve(_ config: ServiceConfiguration) throws {
        let logger = StderrLogger()
        logger.log(.info, "synthclips: nghttp2 \(LinkedLibraries.nghttp2), \(LinkedLibraries.openSSL), zstd \(Zstd.versionString), libpng \(PNG.versionString), SQLite \(ProvenanceStore.sqliteVersion)")
        let store = try ProvenanceStore(path: config.databasePath, replica: config.replica,
                                        options: ProvenanceOptions(durability: config.provenanceEnabled ? .beforeResponse : .off))
        let textures = try TextureLibrary.load(images: config.imagesDirectory, banks: config.textureBanks,
                                               cacheBytes: config.textureCacheBytes, threads: config.workers)
        for line in textures.startupReport { logger.log(.info, "synthclips: \(line)") }
        for line in textures.warnings { logger.log(.warning, "synthclips: \(line)") }
        let service = SynthClipsService(configuration: config, store: store, textures: textures, logger: logger)
        let poolBox = Mutex<WorkerPool?>(nil)
        let router = service.makeRouter(pool: { poolBox.withLock { $0 } })
        var serverConfig = HTTP2Server.Configuration(
            host: config.host, port: config.port,
            tls: config.tlsCertificatePath.map { TLSConfiguration(certificatePath: $0, privateKeyPath: config.tlsPrivateKeyPath!) })
        serverConfig.workerCount = config.workers
        serverConfig.workerQueueCapacity = config.queueCapacity
        let server = try HTTPServer(configuration: serverConfig, router: router, logger: logger)
        poolBox.withLock { $0 = server.pool }
        server.installSignalHandlers()
        try server.start()
        let scheme = config.tlsCertificatePath == nil ? "http" : "https"
        // One line on stdout once bound (tests and scripts read the port from it).
        FileHandle.standardOutput.write(Data("listening on \(scheme)://\(config.host):\(server.boundPort)\n".utf8))
        logger.log(.info, "synthclips: serving on \(scheme)://\(config.host):\(server.boundPort) with \(config.workers) workers, store \(config.databasePath)")
        server.waitForShutdown()
        store.flush()
        logger.log(.info, "synthclips: stopped")
    }
}
