import Testing
@testable import SyntheticVideo

/// The bytes of a clip depend only on (configuration, seed, frames): not on threads, on which
/// renderer instance drew it before, or on which other frames were requested with it.
@Suite struct DeterminismTests {
    let generator = try! VideoGenerator(configuration: preset("accelerating-shapes"))
    let seeds: [UInt64] = [0, 1, 2, 3, 5, 8, 13]

    @Test(arguments: [1, 2, 3, 7])
    func batchBytesDoNotDependOnThreadCount(threads: Int) throws {
        let reference = try seeds.flatMap { seed in
            try ClipRenderer(generator: generator).render(seed: seed, frameIndices: generator.sampledFrameIndices(seed: seed))
        }
        var batch = [UInt8](repeating: 0xAB, count: reference.count)
        try batch.withUnsafeMutableBytes { buffer in
            try BatchRenderer.render(generator: generator, seeds: seeds, frames: generator.sampledFrameIndices(seed:),
                                 threads: threads, into: buffer)
        }
        #expect(batch == reference)
    }

    @Test func reusedRendererGivesTheSameBytesAsAFreshOne() throws {
        let renderer = ClipRenderer(generator: generator)
        let first = try renderer.render(seed: 4, frameIndices: [0, 50, 100])
        _ = try renderer.render(seed: 9, frameIndices: [3, 4])
        let again = try renderer.render(seed: 4, frameIndices: [0, 50, 100])
        #expect(first == again)
        #expect(try first == ClipRenderer(generator: generator).render(seed: 4, frameIndices: [0, 50, 100]))
    }

    @Test func everyByteIsWrittenIntoAReusedBuffer() throws {
        let renderer = ClipRenderer(generator: generator)
        let expected = try renderer.render(seed: 6, frameIndices: [10, 20])
        var dirty = [UInt8](repeating: 0x5A, count: expected.count)
        try dirty.withUnsafeMutableBytes { try renderer.render(seed: 6, frameIndices: [10, 20], into: $0) }
        #expect(dirty == expected)
    }

    @Test func aFrameIsTheSameWhicheverClipCarriesIt() throws {
        let renderer = ClipRenderer(generator: generator)
        let clip = try renderer.render(seed: 21, frameIndices: [12, 16, 20, 24])
        let frameBytes = 256 * 256 * 3
        for (k, t) in [12, 16, 20, 24].enumerated() {
            let alone = try renderer.render(seed: 21, frameIndices: [t])
            #expect(Array(clip[(k * frameBytes)..<((k + 1) * frameBytes)]) == alone, "frame \(t)")
        }
    }

    /// The frame-by-frame path (what the server feeds its compressor) hands on every requested
    /// frame in order: repeated indices, near and far apart, static clips (painted once) and
    /// output crops each give the frame a one-frame clip of that index has.
    @Test(arguments: ["accelerating-shapes", "static-circles"], [false, true])
    func framesAreHandedOnInOrder(stage: String, cropped: Bool) throws {
        var configuration = preset(stage)
        if cropped { configuration.crop = .videomaeMultiscale }
        let renderer = ClipRenderer(generator: try VideoGenerator(configuration: configuration))
        let indices = [0, 4, 4, 0, 8, 4]
        var frames: [[UInt8]] = []
        try renderer.render(seed: 17, frameIndices: indices) { frames.append(Array($0)) }
        #expect(frames.count == indices.count)
        for (frame, t) in zip(frames, indices) {
            #expect(try frame == renderer.render(seed: 17, frameIndices: [t]), "\(stage), cropped \(cropped), frame \(t)")
        }
        #expect((frames[0] == frames[2]) == configuration.isStatic, "only static clips repeat one frame")
    }

    @Test func differentSeedsAndStagesGiveDifferentClips() throws {
        let a = renderSampledClip(preset("moving-shapes"), seed: 1).bytes
        let b = renderSampledClip(preset("moving-shapes"), seed: 2).bytes
        let c = renderSampledClip(preset("moving-circles"), seed: 1).bytes
        #expect(a != b)
        #expect(a != c)
    }

    @Test func resolutionDoesNotChangeTheScene() throws {
        // Same scene digest, so the same objects: a 128-pixel render is the 256-pixel scene at half size.
        let full = preset("moving-shapes")
        var half = full
        half.resolution = 128
        #expect(full.sceneDigest == half.sceneDigest)
        #expect(full.hash != half.hash)
        let a = try VideoGenerator(configuration: full).sampler.object(seed: 3, index: 7)
        let b = try VideoGenerator(configuration: half).sampler.object(seed: 3, index: 7)
        #expect(a.shape == b.shape && a.color == b.color)
        #expect(b.radius == max(Int(Double(a.radius) / 2), 1) || abs(b.radius * 2 - a.radius) <= 1)
        #expect(abs(b.speed * 2 - a.speed) < 1e-12)
    }
}
