import Testing
@testable import SyntheticVideo

/// Objects are painted in index order: a later object hides an earlier one where they overlap.
@Suite struct PaintersOrderTests {
    func circle(x: Double, y: Double, radius: Int, color: RGB) -> SceneObject {
        SceneObject(shape: .circle, color: color, radius: radius, x0: x, y0: y, cosDirection: 1, sinDirection: 0,
                    speed: 0, acceleration: 0, rotationSpeed: 0, scaleSpeedX: 0, scaleSpeedY: 0,
                    shearSpeedX: 0, shearSpeedY: 0, corners: Corners(), pivot: Point(x: 0, y: 0))
    }

    func render(_ objects: [SceneObject], background: RGB = .black) -> [UInt8] {
        var renderer = FrameRenderer(side: 32)
        var frame = [UInt8](repeating: 0x77, count: 32 * 32 * 3)
        frame.withUnsafeMutableBytes { buffer in
            try! renderer.render(objects: objects, candidates: Array(objects.indices), t: 0, configuration: Configuration(),
                                 appearance: ClipAppearance(background: background),
                                 into: FramePointer(base: buffer.baseAddress!, width: 32, height: 32))
        }
        return frame
    }

    func pixel(_ frame: [UInt8], _ x: Int, _ y: Int) -> RGB {
        let i = (y * 32 + x) * 3
        return RGB(frame[i], frame[i + 1], frame[i + 2])
    }

    @Test func laterObjectIsInFront() {
        let red = RGB(200, 0, 0), blue = RGB(0, 0, 200), gray = RGB(9, 9, 9)
        let big = circle(x: 16, y: 16, radius: 10, color: red)
        let small = circle(x: 16, y: 16, radius: 3, color: blue)
        let frontSmall = render([big, small], background: gray)
        #expect(pixel(frontSmall, 16, 16) == blue)
        #expect(pixel(frontSmall, 16, 8) == red)     // inside the big circle, outside the small one
        #expect(pixel(frontSmall, 0, 0) == gray)     // background
        let frontBig = render([small, big], background: gray)
        #expect(pixel(frontBig, 16, 16) == red)
        #expect(!frontBig.indices.contains { i in i % 3 == 2 && frontBig[i] == 200 })  // blue fully hidden
    }

    @Test func circleCoversExactlyItsPixelCentres() {
        let frame = render([circle(x: 10, y: 12, radius: 5, color: RGB(1, 2, 3))])
        for y in 0..<32 {
            for x in 0..<32 {
                let inside = (x - 10) * (x - 10) + (y - 12) * (y - 12) <= 25
                #expect((pixel(frame, x, y) == RGB(1, 2, 3)) == inside, "(\(x), \(y))")
            }
        }
    }
}
