import Testing
@testable import SyntheticVideo

/// Golden SHA-256 digests of uncompressed clips pin the generator: any change to a single output
/// byte fails here, and must come with a generator version bump and new goldens.
@Suite struct GoldenClipTests {
    @Test(arguments: GoldenClip.all)
    func clipMatchesGoldenDigest(_ golden: GoldenClip) {
        let (_, bytes) = renderSampledClip(golden.configuration, seed: golden.seed)
        #expect(sha256Hex(bytes) == golden.sha256, "\(golden)")
    }

    @Test func goldensCoverEveryMainStageWithThreeSeeds() {
        for stage in ["static-circles", "moving-circles", "moving-shapes", "transforming-shapes", "accelerating-shapes"] {
            #expect(Set(GoldenClip.all.filter { $0.stage == stage && $0.overrides == nil }.map(\.seed)).count >= 3, "\(stage)")
        }
    }
}
