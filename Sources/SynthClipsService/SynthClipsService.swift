import Foundation
import HTTP2Server
import Provenance
import SyntheticVideo
import TensorCodec

/// The SynthClips API (openapi.yaml) on top of `HTTPServer`: it binds the renderer, the codec
/// and the provenance store into routes. Handlers run on the connection's queue and only parse
/// and validate; rendering runs in deferred or streamed bodies on the server's worker pool.
public final class SynthClipsService: Sendable {
    public let configuration: ServiceConfiguration
    let store: ProvenanceStore
    let metrics = ServiceMetrics()
    let compressors: CompressorPool
    let registry = ConfigurationRegistry()
    let authorization: Authorization?
    let openAPIDocument: [UInt8]
    let logger: any ServerLogger
    /// Textures and images of the textured stages.
    public let textures: TextureLibrary
    let warmer: TextureWarmer

    public init(configuration: ServiceConfiguration, store: ProvenanceStore, textures: TextureLibrary = TextureLibrary(),
                logger: any ServerLogger = StderrLogger()) {
        self.configuration = configuration
        self.store = store
        self.textures = textures
        // Half the cores: rendering keeps the rest while a pool warms.
        warmer = TextureWarmer(threads: max(1, configuration.workers / 2), logger: logger)
        self.logger = logger
        compressors = CompressorPool(level: configuration.zstdLevel)
        authorization = configuration.token.map { Authorization(token: Array($0.utf8)) }
        openAPIDocument = Self.loadOpenAPIDocument()
    }

    /// The routes of the API.
    public func makeRouter(pool: @escaping @Sendable () -> WorkerPool?) -> Router {
        var router = Router()
        addHealthRoutes(to: &router, pool: pool)
        addStageRoutes(to: &router)
        addClipRoutes(to: &router)
        addProvenanceRoutes(to: &router)
        return router
    }

    // MARK: Route plumbing

    /// Adds a route whose handler may throw `Problem`s, with authorization (unless `open`) and
    /// request metrics by route pattern.
    func add(_ router: inout Router, _ method: String, _ pattern: String, open: Bool = false,
             _ handler: @escaping @Sendable (Request) throws -> Response) {
        router.add(method, pattern) { [self] request in
            var response: Response
            if !open, let authorization, !authorization.allows(request) {
                response = Problem(status: 401, title: "Unauthorized",
                                   detail: "this route needs Authorization: Bearer <token>").response
                response.headers.add(name: "www-authenticate", value: "Bearer")
            } else {
                do {
                    response = try handler(request)
                } catch let problem as Problem {
                    response = problem.response
                } catch {
                    logger.log(.error, "unmapped error for \(method) \(request.path): \(error)")
                    response = Problem(status: 500, title: "Internal error", detail: "unexpected error; this is a bug").response
                }
            }
            let metrics = self.metrics
            let previous = response.onCompletion
            return response.onCompletion { completion in
                previous?(completion)
                metrics.request(route: pattern, status: completion.status, bytes: completion.bodyBytesSent)
            }
        }
    }

    /// A stage id or a registered configuration hash → its configuration.
    func resolve(_ stage: String) throws -> SyntheticVideo.Configuration {
        if let preset = Stage.all.first(where: { $0.id == stage }) { return preset.configuration }
        if ConfigurationRegistry.isHash(stage) {
            if let configuration = try registry.lookup(hash: stage, store: store) { return configuration }
            throw Problem.notFound("no configuration is registered with hash \(stage) (POST /v1/configs registers one)")
        }
        throw Problem.notFound(ConfigurationError.unknownStage(stage, known: Stage.ids).description)
    }

    static func json(_ value: JSONValue, status: Int = 200) -> Response {
        .bytes(status: status, headers: ["content-type": "application/json"], Array(value.canonicalText.utf8))
    }

    static func json<T: Encodable>(encodable value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return .bytes(headers: ["content-type": "application/json"], Array(try encoder.encode(value)))
    }

    /// openapi.yaml, bundled with the service (the repository's top-level file links to it).
    private static func loadOpenAPIDocument() -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url) else { return Array("openapi.yaml is missing from the bundle\n".utf8) }
        return Array(data)
    }
}
