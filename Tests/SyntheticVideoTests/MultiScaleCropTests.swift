import Testing
@testable import SyntheticVideo

@Suite struct MultiScaleCropTests {
    @Test func candidateSizesFollowVideoMAE() {
        let crop = MultiScaleCrop(inputSide: 256, outputSide: 224)
        let expected = [(256, 256), (224, 256), (256, 224), (224, 224), (192, 224), (224, 192), (192, 192),
                        (168, 192), (192, 168), (168, 168)]
        #expect(crop.sizes.map { [$0.width, $0.height] } == expected.map { [$0.0, $0.1] })
    }

    @Test func windowsStayInsideTheFrameAndVaryWithTheSeed() {
        let crop = MultiScaleCrop(inputSide: 256, outputSide: 224)
        var seen = Set<[Int]>()
        for seed in UInt64(0)..<2000 {
            let w = crop.window(for: CounterRandom(scene: Configuration().sceneDigest, seed: seed, purpose: .crop))
            #expect(w.x >= 0 && w.y >= 0 && w.x + w.width <= 256 && w.y + w.height <= 256)
            seen.insert([w.x, w.y, w.width, w.height])
        }
        #expect(seen.count > 60)
    }

    func resample(_ input: [UInt8], side: Int, window: MultiScaleCrop.Window, output: Int) -> [UInt8] {
        let crop = MultiScaleCrop(inputSide: side, outputSide: output)
        var out = [UInt8](repeating: 0, count: output * output * 3)
        input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in crop.resample(src.baseAddress!, window: window, into: dst.baseAddress!) }
        }
        return out
    }

    @Test func sameSizeWindowIsAnExactCopy() {
        let side = 40
        let input = (0..<(side * side * 3)).map { UInt8(($0 * 37) % 251) }
        let out = resample(input, side: side, window: .init(x: 5, y: 7, width: 24, height: 24), output: 24)
        for y in 0..<24 {
            for x in 0..<24 {
                for c in 0..<3 {
                    #expect(out[(y * 24 + x) * 3 + c] == input[((y + 7) * side + x + 5) * 3 + c])
                }
            }
        }
    }

    @Test func downscaleKeepsConstantsAndOrder() {
        let side = 64
        var input = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side { for x in 0..<side { input[(y * side + x) * 3] = UInt8(x * 4); input[(y * side + x) * 3 + 1] = 90 } }
        let out = resample(input, side: side, window: .init(x: 0, y: 0, width: 64, height: 48), output: 20)
        for y in 0..<20 {
            for x in 0..<20 {
                #expect(out[(y * 20 + x) * 3 + 1] == 90)
                if x > 0 { #expect(out[(y * 20 + x) * 3] > out[(y * 20 + x - 1) * 3]) }
            }
        }
    }
}
