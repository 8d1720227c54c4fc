import HTTP2Server
import SyntheticVideo

extension SynthClipsService {
    static func configurationJSON(_ configuration: SyntheticVideo.Configuration) -> JSONValue {
        .object(["hash": .string(configuration.hash), "config": configuration.json,
                 "generator_version": .integer(Int64(GeneratorVersion.current))])
    }

    func addStageRoutes(to router: inout Router) {
        add(&router, "GET", "/v1/stages") { _ in
            Self.json(.object(["generator_version": .integer(Int64(GeneratorVersion.current)),
                               "stages": .array(Stage.all.map(\.json))]))
        }

        add(&router, "GET", "/v1/stages/{stage}") { request in
            let id = request.pathParameters["stage"] ?? ""
            guard let stage = Stage.all.first(where: { $0.id == id }) else {
                throw Problem.notFound(ConfigurationError.unknownStage(id, known: Stage.ids).description)
            }
            return Self.json(stage.json)
        }

        // A custom configuration: a JSON object of fields applied over the defaults, or over the
        // stage named by an optional "base" member. Answers its hash; usable wherever a stage is.
        add(&router, "POST", "/v1/configs") { [self] request in
            guard let text = String(validating: request.body, as: UTF8.self) else {
                throw Problem.badParameter("body", "the body is not UTF-8 JSON")
            }
            let document: JSONValue
            do { document = try JSONParser.parse(text) } catch { throw Problem(error, parameter: "body") }
            guard case .object(var members) = document else {
                throw Problem.badParameter("body", "a configuration is a JSON object")
            }
            var base = SyntheticVideo.Configuration()
            if let named = members.removeValue(forKey: "base") {
                guard case .string(let id) = named, let stage = Stage.all.first(where: { $0.id == id }) else {
                    throw Problem.badParameter("base", "base must name a stage", allowed: Stage.ids.joined(separator: ", "))
                }
                base = stage.configuration
            }
            let configuration: SyntheticVideo.Configuration
            do { configuration = try base.applying(.object(members)) } catch { throw Problem(error) }
            try registry.register(configuration, store: store)
            var response = Self.json(Self.configurationJSON(configuration), status: 201)
            response.headers.add(name: "location", value: "/v1/configs/\(configuration.hash)")
            return response
        }

        add(&router, "GET", "/v1/configs/{hash}") { [self] request in
            let hash = request.pathParameters["hash"] ?? ""
            guard ConfigurationRegistry.isHash(hash) else {
                throw Problem.badParameter("hash", "'\(hash)' is not a configuration hash", allowed: "64 lower-case hex digits")
            }
            guard let configuration = try registry.lookup(hash: hash, store: store) else {
                throw Problem.notFound("no configuration with hash \(hash)")
            }
            return Self.json(Self.configurationJSON(configuration))
        }
    }
}
