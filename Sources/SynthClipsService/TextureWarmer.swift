import Dispatch
import HTTP2Server
import Synchronization
import SyntheticVideo

/// Keeps cold procedural pools from tying up render workers. A procedural texture costs 0.05–2 s
/// to generate, and a clip of 500 objects on a cold pool may need hundreds: rendering that
/// inside a request would hold a worker for minutes. So a request whose clips need more than
/// `inlineLimit` procedural textures not in memory is answered 503 with Retry-After, and the
/// missing textures are generated here, on `threads` background threads at utility priority,
/// into the shared cache; the client's retry then finds them warm. At most `capacity` textures
/// wait at once. A request whose cold textures alone would fill half the cache could never be
/// served warm (they would evict each other): it is a 413 that says what to change.
/// Images and bank files are only read and decoded (milliseconds), so requests load them.
final class TextureWarmer: Sendable {
    /// Cold textures a request may load itself.
    let inlineLimit: Int
    let capacity: Int
    let threads: Int
    private let queue = DispatchQueue(label: "synthclips.texture-warmer", qos: .utility, attributes: .concurrent)
    private struct State {
        var waiting: [TextureLoad] = []
        var queued = Set<TextureLoad>()
        var running = 0
    }
    private let state = Mutex(State())
    private let logger: any ServerLogger

    init(inlineLimit: Int = 8, capacity: Int = 5_000, threads: Int, logger: any ServerLogger) {
        self.inlineLimit = inlineLimit
        self.capacity = capacity
        self.threads = max(1, threads)
        self.logger = logger
    }

    static let warmingTitle = "Textures warming up"

    /// Textures queued and not generated yet.
    var backlog: Int { state.withLock { $0.queued.count } }

    /// The procedural loads of these clips that are not in memory.
    static func cold(_ parameters: ClipParameters, seeds: [UInt64]) -> Set<TextureLoad> {
        var cold = Set<TextureLoad>()
        for seed in seeds {
            let frames = parameters.frameIndices(seed: seed)
            for load in parameters.generator.textureLoads(seed: seed, frames: frames)
            where load.pool.isProcedural && !load.pool.isCached(load.id) {
                cold.insert(load)
            }
        }
        return cold
    }

    /// Throws a 503 (and queues the missing textures) when rendering these clips would generate
    /// more than `inlineLimit` textures, or a 413 when they could not all stay in the cache.
    func requireWarm(_ parameters: ClipParameters, seeds: [UInt64], cacheBytes: Int) throws {
        let cold = Self.cold(parameters, seeds: seeds)
        guard cold.count > inlineLimit else { return }
        let textureBytes = 256 * 256 * 3
        guard cold.count * textureBytes <= cacheBytes / 2 else {
            throw Problem.tooLarge(
                "this request needs \(cold.count) textures that are not in memory, more than the texture cache "
                    + "(\(cacheBytes >> 20) MiB, --texture-cache-mb) can keep for it; lower batch_size, frames or "
                    + "textureCount, raise the cache, or serve the pool from a bank (synthclips textures build)",
                parameter: "batch_size")
        }
        let (queued, backlog) = enqueue(cold)
        let retry = max(1, min(30, backlog / (8 * threads)))
        var problem = Problem.unavailable(
            "\(cold.count) textures of this request are not in memory yet; \(queued) were queued for background "
                + "generation (\(backlog) waiting in all). Retry later, or serve the pools from banks built with "
                + "`synthclips textures build` (--texture-bank DIR).", retryAfter: retry)
        // Clients tell this 503 (progress is being made) from overload by its title.
        problem.title = Self.warmingTitle
        throw problem
    }

    private func enqueue(_ loads: Set<TextureLoad>) -> (queued: Int, backlog: Int) {
        let (fresh, starts, backlog) = state.withLock { s -> (Int, Int, Int) in
            var fresh = 0
            for load in loads where s.queued.count < capacity && s.queued.insert(load).inserted {
                s.waiting.append(load)
                fresh += 1
            }
            let starts = min(threads - s.running, s.waiting.count)
            s.running += max(0, starts)
            return (fresh, max(0, starts), s.queued.count)
        }
        for _ in 0..<starts { queue.async { [self] in drain() } }
        return (fresh, backlog)
    }

    /// One background thread: generates queued textures until none are left.
    private func drain() {
        while let load = state.withLock({ s -> TextureLoad? in
            guard !s.waiting.isEmpty else { s.running -= 1; return nil }
            return s.waiting.removeFirst()
        }) {
            do throws(TextureError) { try load.load() } catch {
                logger.log(.error, "texture warm-up: \(load.pool.identity) id \(load.id): \(error)")
            }
            _ = state.withLock { $0.queued.remove(load) }
        }
    }
}
