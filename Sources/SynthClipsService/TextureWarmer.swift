import Dispatch
import HTTP2Server
import Synchronization
import SyntheticVideo

/// Keeps cold procedural pools from tying up render workers. A procedural texture costs 0.1–2 s
/// to generate, and a clip of 500 objects on a cold pool may need hundreds: rendering that
/// inside a request would hold a worker for minutes. So a request whose clips need more than
/// `inlineLimit` procedural textures not in memory is answered 503 with Retry-After, and the
/// missing textures are generated here, one at a time on a background thread, into the shared
/// cache; the client's retry then finds them warm. At most `capacity` textures wait at once.
/// Images and bank files are only read and decoded (milliseconds), so requests load them.
final class TextureWarmer: Sendable {
    /// Cold textures a request may load itself.
    let inlineLimit: Int
    let capacity: Int
    private let queue = DispatchQueue(label: "synthclips.texture-warmer", qos: .utility)
    private let waiting = Mutex<Set<TextureLoad>>([])
    private let logger: any ServerLogger

    init(inlineLimit: Int = 8, capacity: Int = 20_000, logger: any ServerLogger) {
        self.inlineLimit = inlineLimit
        self.capacity = capacity
        self.logger = logger
    }

    /// Textures queued and not generated yet.
    var backlog: Int { waiting.withLock { $0.count } }

    /// The loads of these clips that are not in memory.
    static func cold(_ parameters: ClipParameters, seeds: [UInt64]) -> Set<TextureLoad> {
        var cold = Set<TextureLoad>()
        for seed in seeds {
            let frames = parameters.frameIndices(seed: seed)
            for load in parameters.generator.textureLoads(seed: seed, frames: frames) where load.pool.isProcedural && !load.pool.isCached(load.id) {
                cold.insert(load)
            }
        }
        return cold
    }

    /// Throws a 503 (and queues the missing textures) when rendering these clips would load more
    /// than `inlineLimit` textures that are not in memory.
    func requireWarm(_ parameters: ClipParameters, seeds: [UInt64]) throws {
        let cold = Self.cold(parameters, seeds: seeds)
        guard cold.count > inlineLimit else { return }
        let (queued, backlog) = enqueue(cold)
        let retry = max(1, min(30, backlog / 8))
        throw Problem.unavailable(
            "\(cold.count) textures of this request are not in memory yet; \(queued) were queued for background "
                + "generation (\(backlog) waiting in all). Retry later, or serve the pools from banks built with "
                + "`synthclips textures build` (--texture-bank DIR).", retryAfter: retry)
    }

    private func enqueue(_ loads: Set<TextureLoad>) -> (queued: Int, backlog: Int) {
        let fresh: [TextureLoad] = waiting.withLock { waiting in
            var fresh: [TextureLoad] = []
            for load in loads where waiting.count < capacity && waiting.insert(load).inserted { fresh.append(load) }
            return fresh
        }
        for load in fresh {
            queue.async { [self] in
                do throws(TextureError) { try load.load() } catch {
                    logger.log(.error, "texture warm-up: \(load.pool.identity) id \(load.id): \(error)")
                }
                _ = waiting.withLock { $0.remove(load) }
            }
        }
        return (fresh.count, waiting.withLock { $0.count })
    }
}
