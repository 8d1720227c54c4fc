import Foundation
import Testing
@testable import SyntheticVideo

/// Determinism of every pool (same id twice, 1 vs 2 threads, cold cache vs warm cache, pinned
/// digests) and the cache. Banks and image directories are tested with TextureStore.
@Suite struct TexturePoolTests {
    static let smallStyleGAN = StyleGANOrientedArchitecture(resolution: 64, channelBase: 2048, channelMax: 64, wDim: 64)

    /// Small procedural pools (fast in debug builds), by name.
    static func pools() throws -> [(String, any TexturePool)] {
        [
            ("stylegan-oriented-64", try StyleGANOrientedTexturePool(seed: 1, count: 1000, architecture: smallStyleGAN,
                                                                      imagesPerGenerator: 400)),
        ] + (try extraPools())
    }

    /// Pools added by other suites' files (the statistical pool), kept in one list here.
    static func extraPools() throws -> [(String, any TexturePool)] {
        [("statistical-64", try StatisticalTexturePool(seed: 1, count: 1000, size: 64, iterations: 2))]
    }

    @Test func sameIdTwiceAndAcrossThreadCountsGiveIdenticalBytes() throws {
        for (name, pool) in try Self.pools() {
            let ids = [0, 1, 2, 7, 401]
            let sequential = try ids.map { try pool.texture($0) }
            #expect(try ids.map { try pool.texture($0) } == sequential, "\(name): same id twice")
            let parallel = parallelMap(ids, threads: 2) { try! pool.texture($0) }
            #expect(parallel == sequential, "\(name): 1 vs 2 threads")
            // Many threads hammering the same ids at once.
            let crowd = parallelMap(Array(repeating: 1, count: 8), threads: 4) { try! pool.texture($0) }
            #expect(crowd.allSatisfy { $0 == sequential[1] }, "\(name): concurrent same id")
        }
    }

    @Test func coldCacheAndWarmCacheServeIdenticalBytes() throws {
        for (name, pool) in try Self.pools() {
            let direct = try (0..<4).map { try pool.texture($0) }
            let charge = SamplingTexture(direct[0]).byteCount
            let store = TextureCache(byteLimit: 10 * charge)
            let cache = store.pool(wrapping: pool)
            let cold = try (0..<4).map { try cache.texture($0) }
            let warm = try (0..<4).map { try cache.texture($0) }
            #expect(cold == direct && warm == direct, "\(name)")
            #expect(store.misses == 4 && store.hits == 4 && store.bytes == 4 * charge, "\(name)")
        }
    }

    /// Pinned SHA-256 of textures 0 and 1. A change here changes clips: bump GeneratorVersion and
    /// update the pins on purpose.
    @Test func pinnedDigests() throws {
        let pinned: [String: [String]] = [
            "stylegan-oriented-64": ["947c652dc4ed9a68d7d2fd1e2595b10d27a2176d6cf8afa80cfa401d0151ad90",
                                     "5c6ef47adbf2951755e0c5391709ec16d39ec9a981ad0df0602ca190247a99a5"],
            "statistical-64": ["bd28a322e59bd4c3a35eb999330768b3f6a923f0f3b947fa9e2d14c834209839",
                               "be8a60b5f9f8dbc3f3ac6e2a7a8f1d6fb97d85d96ec81fbd0d55f6fd1ed94991"],
        ]
        for (name, pool) in try Self.pools() {
            let digests = try (0..<2).map { try pool.texture($0).sha256 }
            #expect(digests == pinned[name], "\(name): \(digests)")
        }
    }

    /// One full-size texture per procedural pool, pinned (the statistical one with one iteration:
    /// ten take a minute in a debug build; the iterations only repeat the same code).
    @Test func pinnedFullSizeDigests() throws {
        let stylegan = try StyleGANOrientedTexturePool(seed: 1).texture(0)
        #expect(stylegan.width == 256 && stylegan.height == 256)
        #expect(stylegan.sha256 == "19f9ac0ae601089079f273fc8a06e8f3787e714a87f760651b853f158c5d7bdb", "stylegan-oriented 256: \(stylegan.sha256)")
        let statistical = try StatisticalTexturePool(seed: 1, iterations: 1).texture(0)
        #expect(statistical.width == 256 && statistical.height == 256)
        #expect(statistical.sha256 == "03dc0d3826e76bd9379e03852bfffa48661b58de916938e57d8404a00d1dcf82", "statistical 256: \(statistical.sha256)")
    }

    // MARK: Cache

    struct CountingPool: TexturePool {
        let calls = Counter()
        var count: Int { 100 }
        var identity: String { "counting" }
        func texture(_ id: Int) throws(TextureError) -> Texture {
            calls.increment()
            Thread.sleep(forTimeInterval: 0.02)
            return Texture(width: 2, height: 2, pixels: [UInt8](repeating: UInt8(id), count: 12))
        }
    }

    final class Counter: @unchecked Sendable {  // guarded by `lock`
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.lock(); value += 1; lock.unlock() }
        var current: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    @Test func cacheComputesConcurrentRequestsOnceAndEvictsLeastRecentlyUsed() throws {
        let pool = CountingPool()
        let store = TextureCache(byteLimit: 3 * 32)  // three 2×2 textures, 8 bytes per texel
        let cache = store.pool(wrapping: pool)
        let results = parallelMap(Array(repeating: 7, count: 6), threads: 6) { try! cache.texture($0) }
        #expect(results.allSatisfy { $0.pixels[0] == 7 })
        #expect(pool.calls.current == 1 && store.misses == 1 && store.hits == 5)
        _ = try cache.texture(1)
        _ = try cache.texture(2)
        _ = try cache.texture(7)  // 7 becomes most recent; 1 is now the oldest
        _ = try cache.texture(3)  // evicts 1
        #expect(store.bytes == 3 * 32 && store.entryCount == 3)
        let before = pool.calls.current
        _ = try cache.texture(7)
        _ = try cache.texture(2)
        #expect(pool.calls.current == before)
        _ = try cache.texture(1)
        #expect(pool.calls.current == before + 1)
        #expect(throws: TextureError.idOutOfRange(id: 100, count: 100)) { try cache.texture(100) }
    }

    @Test func nearestResizeFollowsOpenCVIndexRule() {
        let source = Texture(width: 3, height: 1, pixels: [0, 0, 0, 1, 1, 1, 2, 2, 2])
        let wide = source.nearestResized(width: 8, height: 1)
        // ⌊d·3/8⌋ for d = 0…7: 0 0 0 1 1 1 2 2
        #expect(stride(from: 0, to: 24, by: 3).map { wide.pixels[$0] } == [0, 0, 0, 1, 1, 1, 2, 2])
    }

    /// Release timing (not an assertion): SYNTHCLIPS_TEXTURE_TIMING=1 swift test -c release ….
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SYNTHCLIPS_TEXTURE_TIMING"] == "1"))
    func timing() throws {
        let pools: [(String, any TexturePool)] = [
            ("stylegan-oriented 256", try StyleGANOrientedTexturePool(seed: 1)),
            ("statistical 256 (10 iterations)", try StatisticalTexturePool(seed: 1)),
            ("statistical 256 (3 iterations)", try StatisticalTexturePool(seed: 1, iterations: 3)),
            ("statistical 256 (1 iteration)", try StatisticalTexturePool(seed: 1, iterations: 1)),
        ]
        for (name, pool) in pools {
            _ = try pool.texture(0)  // warm-up (StyleGAN: the generator's weights)
            let ids = Array(1...8)
            let start = DispatchTime.now().uptimeNanoseconds
            for id in ids { _ = try pool.texture(id) }
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(ids.count)
            print("TIMING \(name): \(String(format: "%.1f", ms)) ms per texture (one thread, mean of \(ids.count))")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var random = TextureRandom(digest: SceneDigest(sha256: [UInt8](repeating: 0, count: 32)), seed: 0, poolLevel: 0)
        _ = StyleGANGeneratorWeights(architecture: StyleGANOrientedArchitecture(), random: &random)
        print("TIMING stylegan-oriented generator weights (once per 400 ids): "
            + "\(String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)) ms")
    }
}
