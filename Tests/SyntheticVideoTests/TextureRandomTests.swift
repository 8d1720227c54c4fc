import Testing
@testable import SyntheticVideo

/// A block of draws read out of order is the sequential stream: the pink-noise map reads each
/// spectrum cell's phase where it needs it, and its bytes rest on this equality.
@Suite struct TextureRandomTests {
    static let digest = SceneDigest(sha256: (0..<32).map { UInt8($0) })

    @Test func blockDrawsAreTheSequentialDrawsAndTheStreamContinuesAfterThem() {
        var sequential = TextureRandom(digest: Self.digest, seed: 7, index: 3)
        let before = sequential.unit()
        let expected = (0..<1_000).map { _ in sequential.uniform(0, 2 * Double.pi) }
        let after = sequential.unit()

        var blocked = TextureRandom(digest: Self.digest, seed: 7, index: 3)
        #expect(blocked.unit().bitPattern == before.bitPattern)
        let block = blocked.block(1_000)
        #expect(blocked.unit().bitPattern == after.bitPattern, "the stream resumes after the block")
        for k in stride(from: 999, through: 0, by: -7) {
            #expect(block.uniform(k, 0, 2 * Double.pi).bitPattern == expected[k].bitPattern, "draw \(k)")
        }
    }

    @Test func anEmptyBlockLeavesTheStreamWhereItWas() {
        var sequential = TextureRandom(digest: Self.digest, seed: 1, index: 0)
        var blocked = sequential
        _ = blocked.block(0)
        #expect(blocked.unit().bitPattern == sequential.unit().bitPattern)
    }

    @Test func blocksOfOtherStreamsDiffer() {
        var a = TextureRandom(digest: Self.digest, seed: 7, index: 3)
        var b = TextureRandom(digest: Self.digest, seed: 7, index: 4)
        let blockA = a.block(16), blockB = b.block(16)
        #expect((0..<16).contains { blockA.unit($0) != blockB.unit($0) })
    }
}
