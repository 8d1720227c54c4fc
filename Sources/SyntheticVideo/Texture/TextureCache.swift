import Dispatch
import Synchronization

/// A byte-bounded least-recently-used cache of textures, shared by any number of pools (entries
/// are keyed by pool and id). Thread-safe; concurrent requests for the same texture compute it
/// once (the others wait for that result). It serves exactly the pool's bytes, so a cold cache,
/// a warm cache and no cache give identical clips. `pool(wrapping:)` gives a pool that reads
/// through the cache.
///
/// Memory: a cached 256×256 texture costs 524 288 bytes, 8 per texel in the form the renderer
/// samples (`SamplingTexture`; what `bytes` counts and the limit bounds), plus about 100 bytes
/// of bookkeeping (array header, dictionary slot, entry). `texture(_:)` rebuilds the RGB bytes.
/// Eviction scans for the oldest entry (O(entries)); with ≤ 10⁵ entries that is well under the
/// cost of generating one texture.
public final class TextureCache: Sendable {
    /// Upper bound of `bytes`. A texture larger than the whole bound is served but not kept.
    public let byteLimit: Int

    private struct Key: Hashable {
        var pool: Int
        var id: Int
    }

    private struct Entry {
        var texture: SamplingTexture
        var lastUse: UInt64
    }

    /// One computation in flight; waiters block on `done` until the result is published.
    private final class Pending: Sendable {
        let done = DispatchGroup()
        let result = Mutex<Result<SamplingTexture, TextureError>?>(nil)
        init() { done.enter() }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var pending: [Key: Pending] = [:]
        /// Pool identities in order of first use: a pool's key is its index.
        var pools: [String: Int] = [:]
        var clock: UInt64 = 0
        var bytes = 0
        var hits = 0
        var misses = 0
    }

    private let state = Mutex(State())

    public init(byteLimit: Int) {
        precondition(byteLimit >= 0, "byte limit must not be negative")
        self.byteLimit = byteLimit
    }

    /// `pool` read through this cache. Pools with the same identity share entries.
    public func pool(wrapping pool: any TexturePool) -> CachedTexturePool {
        let identity = pool.identity
        let key = state.withLock { s in
            if let key = s.pools[identity] { return key }
            s.pools[identity] = s.pools.count
            return s.pools.count - 1
        }
        return CachedTexturePool(pool: pool, identity: identity, key: key, cache: self)
    }

    /// Requests answered from memory (including those that waited for another thread's computation).
    public var hits: Int { state.withLock { $0.hits } }
    /// Requests that computed the texture.
    public var misses: Int { state.withLock { $0.misses } }
    /// Bytes the cache holds for a texture of this size.
    public static func charge(width: Int, height: Int) -> Int { SamplingTexture.byteCount(width: width, height: height) }

    /// Bytes held now.
    public var bytes: Int { state.withLock { $0.bytes } }
    /// Textures held now.
    public var entryCount: Int { state.withLock { $0.entries.count } }

    fileprivate func contains(_ id: Int, poolKey: Int) -> Bool {
        state.withLock { $0.entries[Key(pool: poolKey, id: id)] != nil }
    }

    fileprivate func texture(_ id: Int, of pool: any TexturePool, key poolKey: Int) throws(TextureError) -> SamplingTexture {
        let id = Key(pool: poolKey, id: id)
        enum Step { case hit(SamplingTexture), wait(Pending), compute(Pending) }
        let step: Step = state.withLock { s in
            s.clock &+= 1
            if var entry = s.entries[id] {
                entry.lastUse = s.clock
                s.entries[id] = entry
                s.hits += 1
                return .hit(entry.texture)
            }
            if let pending = s.pending[id] {
                s.hits += 1
                return .wait(pending)
            }
            let pending = Pending()
            s.pending[id] = pending
            s.misses += 1
            return .compute(pending)
        }
        switch step {
        case .hit(let texture):
            return texture
        case .wait(let pending):
            pending.done.wait()
            // The computing thread publishes before leaving the group, so the result is set.
            return try pending.result.withLock { $0! }.get()
        case .compute(let pending):
            let result: Result<SamplingTexture, TextureError>
            do throws(TextureError) {
                result = .success(SamplingTexture(try pool.texture(id.id)))
            } catch { result = .failure(error) }
            state.withLock { s in
                s.pending[id] = nil
                if case .success(let texture) = result, texture.byteCount <= byteLimit {
                    while s.bytes + texture.byteCount > byteLimit, let oldest = s.entries.min(by: {
                        $0.value.lastUse < $1.value.lastUse
                    }) {
                        s.bytes -= oldest.value.texture.byteCount
                        s.entries[oldest.key] = nil
                    }
                    s.clock &+= 1
                    s.entries[id] = Entry(texture: texture, lastUse: s.clock)
                    s.bytes += texture.byteCount
                }
            }
            pending.result.withLock { $0 = result }
            pending.done.leave()
            return try result.get()
        }
    }
}

/// A pool read through a `TextureCache`: same identity, count and bytes as the pool it wraps.
public struct CachedTexturePool: TexturePool {
    public let pool: any TexturePool
    public let identity: String
    /// The pool's key in the cache (one per identity).
    public let key: Int
    public let cache: TextureCache

    public var count: Int { pool.count }

    /// Whether textures are computed (procedural pools) rather than read (images, banks).
    public var isProcedural: Bool {
        pool is StatisticalTexturePool || pool is StyleGANOrientedTexturePool || pool is StyleGANWalkTexturePool
    }

    /// Whether texture `id` is in memory now (a load would not compute or read it).
    public func isCached(_ id: Int) -> Bool { cache.contains(id, poolKey: key) }

    public func texture(_ id: Int) throws(TextureError) -> Texture {
        try sampling(id).texture
    }

    /// Texture `id` as the renderer samples it.
    func sampling(_ id: Int) throws(TextureError) -> SamplingTexture {
        try checkID(id)
        return try cache.texture(id, of: pool, key: key)
    }
}
