#if canImport(Glibc)
import Glibc
#endif

public enum LogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    case debug, info, warning, error
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        switch self { case .debug: "debug"; case .info: "info"; case .warning: "warning"; case .error: "error" }
    }
}

/// Where the server's log lines go. Limit violations are `.warning`, bugs are `.error`.
/// Called from connection queues and worker threads: implementations must be thread-safe.
public protocol ServerLogger: Sendable {
    func log(_ level: LogLevel, _ message: @autoclosure () -> String)
}

/// One line per message on standard error via write(2) (stderr the C global is not
/// concurrency-safe in Swift 6).
public struct StderrLogger: ServerLogger {
    public var minimumLevel: LogLevel
    public init(minimumLevel: LogLevel = .info) { self.minimumLevel = minimumLevel }
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel else { return }
        var line = "[http2server] \(level): \(message())\n"
        line.withUTF8 { p in _ = write(2, p.baseAddress, p.count) }
    }
}
