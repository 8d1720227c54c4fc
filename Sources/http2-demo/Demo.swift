#if canImport(Glibc)
import Glibc
#endif
import HTTP2Server

/// A tiny server over HTTP2Server for end-to-end tests and the benchmark. Not the product.
///
///   http2-demo [--host H] [--port P] [--tls-cert F --tls-key F] [--workers N] [--queue N] [--jobs-per-connection N]
///              [--idle-timeout S] [--slow-timeout S] [--grace S] [--max-header-bytes N]
///              [--max-body-bytes N] [--max-connections N] [--log-level debug|info|warning|error]
///
/// Prints `listening on port N` on stdout once bound. Routes:
///   GET  /healthz                    "ok"
///   GET  /bytes/{n}                  n bytes (deterministic pattern, cached)
///   GET  /deferred/{n}?ms=M          n bytes produced on the worker pool after M ms
///   GET  /stream/{chunks}/{size}     chunks × size bytes, pulled chunk by chunk (chunks=0: endless)
///   POST /echo                       the request body
///   GET  /info                       method, version, remote address, TLS flag
@main
struct Demo {
    static func main() {
        var config = Configuration(host: "127.0.0.1", port: 8080)
        var certificate: String?
        var key: String?
        var level = LogLevel.info
        var args = CommandLine.arguments.dropFirst()
        func value() -> String {
            guard let v = args.popFirst() else { fail("missing value") }
            return v
        }
        while let a = args.popFirst() {
            switch a {
            case "--host": config.host = value()
            case "--port": config.port = Int(value()) ?? -1
            case "--tls-cert": certificate = value()
            case "--tls-key": key = value()
            case "--workers": config.workerCount = Int(value()) ?? 0
            case "--queue": config.workerQueueCapacity = Int(value()) ?? -1
            case "--jobs-per-connection": config.maxJobsPerConnection = Int(value()) ?? 0
            case "--idle-timeout": config.idleTimeout = .milliseconds(Int((Double(value()) ?? 0) * 1000))
            case "--slow-timeout": config.slowSenderTimeout = .milliseconds(Int((Double(value()) ?? 0) * 1000))
            case "--grace": config.shutdownGracePeriod = .milliseconds(Int((Double(value()) ?? 0) * 1000))
            case "--max-header-bytes": config.maxHeaderListBytes = Int(value()) ?? 0
            case "--max-body-bytes": config.maxRequestBodyBytes = Int(value()) ?? -1
            case "--max-connections": config.maxConnections = Int(value()) ?? 0
            case "--log-level":
                switch value() {
                case "debug": level = .debug
                case "warning": level = .warning
                case "error": level = .error
                default: level = .info
                }
            default: fail("unknown argument \(a)")
            }
        }
        if let certificate, let key { config.tls = TLSConfiguration(certificatePath: certificate, privateKeyPath: key) }
        do {
            let server = try HTTPServer(configuration: config, router: DemoRoutes.router(),
                                        logger: StderrLogger(minimumLevel: level))
            try server.start()
            server.installSignalHandlers()
            var line = "listening on port \(server.boundPort)\n"
            line.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
            server.waitForShutdown()
        } catch {
            fail("\(error)")
        }
    }

    static func fail(_ message: String) -> Never {
        var line = "http2-demo: \(message)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
}
