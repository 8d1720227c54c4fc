import Testing
@testable import SyntheticVideo

/// The sampled scene follows the distributions of GENERATORS.md §2 and §6.1.
@Suite struct SceneStatisticsTests {
    let generator = try! VideoGenerator(configuration: preset("accelerating-shapes"))

    func objects(_ count: Int) -> [SceneObject] {
        (0..<count).map { generator.sampler.object(seed: UInt64($0 / 500), index: $0 % 500) }
    }

    /// Probability of each pixel radius under the nearest-CDF lookup: u picks index k when it is
    /// nearer to C_k than to its neighbours, i.e. u ∈ [(C_{k−1}+C_k)/2, (C_k+C_{k+1})/2).
    func radiusProbabilities() -> [Int: Double] {
        let table = generator.sampler.radii
        var p: [Int: Double] = [:]
        let c = table.cdf
        for k in c.indices {
            let lo = k == 0 ? 0 : (c[k - 1] + c[k]) / 2
            let hi = k == c.count - 1 ? 1 : (c[k] + c[k + 1]) / 2
            guard hi > lo else { continue }
            p[max(Int(table.grid[k] * 256), 1), default: 0] += hi - lo
        }
        return p
    }

    @Test func radiusTableMatchesTheDocumentedLaw() {
        let p = radiusProbabilities()
        #expect(p.keys.min() == 25)
        #expect(p.keys.max() == 254)
        #expect(abs(p[25]! - 0.128) < 0.002)
        var cumulative = 0.0
        var median = 0
        for r in p.keys.sorted() {
            cumulative += p[r]!
            if median == 0 && cumulative >= 0.5 { median = r }
        }
        #expect(median == 34)
        let mean = p.reduce(0) { $0 + Double($1.key) * $1.value }
        #expect(abs(mean - 42.9) < 0.2)
        #expect(abs(p.filter { $0.key <= 40 }.values.reduce(0, +) - 0.66) < 0.01)
    }

    @Test func sampledRadiiFitTheTable() {
        // Chi-square goodness of fit over 20,000 objects, bins merged to expected counts ≥ 20.
        let sample = objects(20_000)
        let p = radiusProbabilities()
        var observed: [Int: Int] = [:]
        for o in sample { observed[o.radius, default: 0] += 1 }
        #expect(Set(observed.keys).isSubset(of: Set(p.keys)))
        var chi2 = 0.0, bins = 0, expectedAcc = 0.0, observedAcc = 0
        for r in p.keys.sorted() {
            expectedAcc += p[r]! * Double(sample.count)
            observedAcc += observed[r, default: 0]
            if expectedAcc >= 20 {
                chi2 += (Double(observedAcc) - expectedAcc) * (Double(observedAcc) - expectedAcc) / expectedAcc
                bins += 1
                expectedAcc = 0
                observedAcc = 0
            }
        }
        // For ~`bins`−1 degrees of freedom the 99.9 % quantile is below dof + 4.5·√(2·dof).
        let dof = Double(bins - 1)
        #expect(chi2 < dof + 4.5 * (2 * dof).squareRoot(), "χ² \(chi2) over \(bins) bins")
    }

    @Test func motionAndTransformParametersStayInRange() {
        var shapes: [Shape: Int] = [:]
        for o in objects(6_000) {
            shapes[o.shape, default: 0] += 1
            #expect(o.speed >= 1.2 && o.speed < 3.0)
            #expect(abs(o.acceleration) <= 0.03)
            #expect(abs(o.cosDirection * o.cosDirection + o.sinDirection * o.sinDirection - 1) < 1e-15)
            #expect(abs(o.rotationSpeed) <= Double.pi / 100)
            for v in [o.scaleSpeedX, o.scaleSpeedY, o.shearSpeedX, o.shearSpeedY] { #expect(abs(v) <= 0.005) }
            #expect(o.x0 >= 0 && o.x0 < 512 && o.y0 >= 0 && o.y0 < 512 && o.x0 == o.x0.rounded(.down))
            let colors = [o.color.r, o.color.g, o.color.b]
            #expect(colors.allSatisfy { $0 <= 254 })
        }
        // Six shapes, uniform: each near 1000 of 6000 (5 σ ≈ 144).
        #expect(shapes.count == 6)
        for (shape, count) in shapes { #expect(abs(count - 1000) < 150, "\(shape): \(count)") }
    }

    @Test func directionsCoverTheCircleUniformly() {
        var quadrants = [0, 0, 0, 0]
        for o in objects(8_000) {
            quadrants[(o.sinDirection >= 0 ? 0 : 2) + ((o.cosDirection >= 0) == (o.sinDirection >= 0) ? 0 : 1)] += 1
        }
        for q in quadrants { #expect(abs(q - 2000) < 200, "\(quadrants)") }
    }

    @Test func durationsAndClipStartsFollowTheVideoMAESampler() {
        var durations = Set<Int>()
        for seed in UInt64(0)..<3000 {
            let d = generator.duration(seed: seed)
            durations.insert(d)
            let frames = generator.sampledFrameIndices(seed: seed)
            #expect(frames.count == 16)
            #expect(frames[0] >= 0 && frames[0] <= d - 64)
            #expect(zip(frames, frames.dropFirst()).allSatisfy { $1 - $0 == 4 })
        }
        #expect(durations == Set(100...200))
    }

    @Test func staticStageRepeatsOneFrame() {
        let (frames, bytes) = renderSampledClip(preset("static-circles"), seed: 5)
        let frameBytes = 256 * 256 * 3
        for k in 1..<frames.count {
            #expect(bytes[(k * frameBytes)..<((k + 1) * frameBytes)] == bytes[0..<frameBytes])
        }
        // …and moving stages do not.
        let moving = renderSampledClip(preset("moving-circles"), seed: 5).bytes
        #expect(moving[0..<frameBytes] != moving[frameBytes..<(2 * frameBytes)])
    }

    @Test func singleObjectMovesByTheClosedForm() throws {
        // One square (its top-left corner is the anchor), accelerating, starting inside the canvas.
        let configuration = try preset("accelerating-shapes").applying(overrides: [
            ("objects", "1"), ("shapes", "square"), ("radiusRange", "0.1,0.1001"), ("centerRange", "0.5"),
            ("rotationSpeed", "0"), ("scaleSpeed", "0"), ("shearSpeed", "0"),
        ])
        let generator = try VideoGenerator(configuration: configuration)
        let frames = Array(stride(from: 0, through: 30, by: 2))
        var checked = 0
        for seed in UInt64(1)...12 {
            let object = generator.sampler.object(seed: seed, index: 0)
            let side = Int(Double(object.radius) * 2.0.squareRoot())
            let clip = try ClipRenderer(generator: generator).render(seed: seed, frameIndices: frames)
            for (k, t) in frames.enumerated() {
                let td = Double(t)
                let v = object.speed + object.acceleration * td
                let ax = Int(object.x0 + v * object.cosDirection * td), ay = Int(object.y0 + v * object.sinDirection * td)
                guard ax >= 0, ay >= 0, ax + side < 256, ay + side < 256 else { continue }
                // The painted box of the frame is the square [ax, ax+S] × [ay, ay+S].
                var minX = 256, minY = 256, maxX = -1, maxY = -1
                for y in 0..<256 {
                    for x in 0..<256 {
                        let i = ((k * 256 + y) * 256 + x) * 3
                        if RGB(clip[i], clip[i + 1], clip[i + 2]) == object.color {
                            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                        }
                    }
                }
                #expect([minX, minY, maxX, maxY] == [ax, ay, ax + side, ay + side], "seed \(seed) frame \(t)")
                checked += 1
            }
        }
        #expect(checked >= 40, "too few frames with the square inside the canvas")
    }
}
