import Foundation
import Provenance
import Synchronization
import SyntheticVideo

/// Configurations registered with POST /v1/configs, by hash. They are kept in the provenance
/// store (so they survive restarts and travel with its rows) and cached in memory.
final class ConfigurationRegistry: Sendable {
    private let cache = Mutex<[String: Configuration]>([:])

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    func lookup(hash: String, store: ProvenanceStore) throws -> Configuration? {
        if let cached = cache.withLock({ $0[hash] }) { return cached }
        // A preset's own hash (GET /v1/stages lists it) resolves before any of its clips was logged.
        if let preset = Stage.all.first(where: { $0.configuration.hash == hash })?.configuration { return preset }
        let entry: ConfigurationEntry?
        do { entry = try store.configuration(hash: hash) } catch {
            throw Problem.unavailable("the provenance store cannot be read: \(error)")
        }
        guard let entry, let configuration = try? Configuration(jsonText: entry.canonical),
              configuration.hash == hash else { return nil }
        cache.withLock { $0[hash] = configuration }
        return configuration
    }

    func register(_ configuration: Configuration, store: ProvenanceStore) throws {
        do {
            try store.registerConfiguration(hash: configuration.hash, canonical: configuration.canonicalText)
        } catch {
            throw Problem.unavailable("the provenance store cannot be written: \(error)")
        }
        cache.withLock { $0[configuration.hash] = configuration }
    }
}
