import Foundation
import HTTP2Server
import Provenance
import SyntheticVideo

/// What every clip-carrying route reads from a request besides its clip parameters: encoding,
/// run id, the client's address; and the checks they share.
struct ClipRequestContext: Sendable {
    /// Compress with zstd (Accept-Encoding allows it).
    let zstd: Bool
    let run: String?
    let client: String
    let route: String

    /// `accept`: the media type the route produces; an Accept header that excludes it is a 406.
    init(_ request: Request, route: String, accept type: String = "application/vnd.safetensors") throws {
        self.route = route
        client = request.remoteAddress
        zstd = type == "application/vnd.safetensors" && Self.acceptsZstd(request.headers["accept-encoding"])
        if let accept = request.headers["accept"], !Self.accepts(accept, type) {
            throw Problem(status: 406, title: "Not acceptable",
                          detail: "this route answers \(type); Accept was '\(accept)'", parameter: "accept")
        }
        // Both places are checked when both are given; the header names the run.
        for candidate in [request.query["run"], request.headers["x-run-id"]].compactMap({ $0 }) {
            guard (1...128).contains(candidate.utf8.count),
                  candidate.utf8.allSatisfy({ b in
                      (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || b == 46 || b == 95 || b == 58 || b == 45
                  }) else {
                throw Problem.badParameter("run", "run ids are 1–128 characters from A–Z a–z 0–9 . _ : -", allowed: "[A-Za-z0-9._:-]{1,128}")
            }
        }
        run = request.headers["x-run-id"] ?? request.query["run"]
    }

    /// Whether `Accept-Encoding` lists zstd (or *) with a non-zero q.
    static func acceptsZstd(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first?.lowercased(), name == "zstd" || name == "*" else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if q > 0 { return true }
        }
        return false
    }

    /// Whether an Accept header admits `type` (exactly, by its major type, or */*).
    static func accepts(_ header: String, _ type: String) -> Bool {
        let major = type.split(separator: "/").first.map(String.init) ?? type
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first?.lowercased() else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if q > 0 && (name == type || name == "*/*" || name == "\(major)/*") { return true }
        }
        return false
    }

    /// A path or query value that must be a UInt64 (seeds, batch indices), decimal digits only.
    static func unsigned(_ text: String, parameter: String) throws -> UInt64 {
        // Decimal digits only ("+5" and "0x5" are not seeds).
        guard text.utf8.allSatisfy({ (48...57).contains($0) }), let value = UInt64(text) else {
            throw Problem.badParameter(parameter, "\(parameter) must be an unsigned 64-bit integer, got '\(text)'",
                                       allowed: "0...\(UInt64.max)")
        }
        return value
    }

    static func integer(_ query: [String: String], _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = query[name] else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            throw Problem.badParameter(name, "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'",
                                       allowed: "\(range.lowerBound)...\(range.upperBound)")
        }
        return parsed
    }
}

