import Testing
@testable import SyntheticVideo

/// A clip skips the objects that `mayAppear` rules out for its frame range; that must never drop
/// an object that covers a pixel of the canvas in one of those frames.
@Suite struct ClipCullingTests {
    static let configurations: [(String, [(String, String)])] = [
        ("accelerating-shapes", []),
        ("transforming-shapes", []),
        ("moving-circles", []),
        ("accelerating-shapes", [("circleTransform", "full"), ("acceleration", "1"), ("speed", "0,64")]),
        ("accelerating-shapes", [("circleTransform", "translate-only"), ("scaleSpeed", "0.05"), ("shearSpeed", "0.05")]),
    ]

    @Test(arguments: configurations.indices)
    func culledObjectsNeverReachTheCanvas(_ which: Int) throws {
        let (stage, overrides) = Self.configurations[which]
        let c = try preset(stage).applying(overrides: overrides)
        let sampler = try VideoGenerator(configuration: c).sampler
        var culled = 0, kept = 0
        for seed in UInt64(0)..<12 {
            let objects = sampler.objects(seed: seed)
            let first = Int(seed) * 17, last = first + 4 * Int(seed % 4) * 15  // one frame up to 180 frames
            for object in objects {
                if object.mayAppear(frames: first...last, side: c.resolution, circleTransform: c.circleTransform) {
                    kept += 1
                    continue
                }
                culled += 1
                for t in first...last {
                    guard let pose = object.pose(at: t, resolution: c.resolution),
                          let silhouette = object.silhouette(pose, circleTransform: c.circleTransform) else { continue }
                    let box = silhouette.bounds?.clipped(width: c.resolution, height: c.resolution)
                    #expect(box == nil, "seed \(seed): an object ruled out for frames \(first)...\(last) reaches the canvas at frame \(t)")
                }
            }
        }
        // Both outcomes occur, so the check above is not vacuous.
        #expect(culled > 0 && kept > 0, "culled \(culled), kept \(kept)")
    }

    /// A clip (frame indices in any order) equals its frames rendered one by one with every
    /// object a candidate.
    @Test(arguments: [[90, 3, 40], [7], [150, 150, 0]])
    func clipEqualsFramesRenderedWithEveryObject(_ frames: [Int]) throws {
        let generator = try VideoGenerator(configuration: preset("accelerating-shapes"))
        let seed: UInt64 = 11
        let clip = try ClipRenderer(generator: generator).render(seed: seed, frameIndices: frames)
        let objects = generator.sampler.objects(seed: seed), appearance = try generator.appearance(seed: seed)
        let side = generator.configuration.resolution
        var renderer = FrameRenderer(side: side)
        for (k, t) in frames.enumerated() {
            var frame = [UInt8](repeating: 0, count: side * side * 3)
            frame.withUnsafeMutableBytes { buffer in
                // Untextured: rendering cannot fail.
                try! renderer.render(objects: objects, candidates: Array(objects.indices), t: t,
                                    configuration: generator.configuration, appearance: appearance,
                                    into: FramePointer(base: buffer.baseAddress!, width: side, height: side))
            }
            // The index of the first differing byte, not the arrays: a message with 196,608
            // elements each takes minutes to format.
            let offset = k * frame.count
            let firstDifference = frame.indices.first { clip[offset + $0] != frame[$0] }
            #expect(firstDifference == nil, "frame \(t) of \(frames) differs from byte \(firstDifference ?? 0)")
        }
    }
}
