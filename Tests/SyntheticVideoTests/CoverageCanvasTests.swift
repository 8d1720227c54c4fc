import Testing
@testable import SyntheticVideo

/// The coverage canvas's row trimming: an object's box loses the rows at its top and bottom that
/// are already painted across the box's columns, and nothing else.
@Suite struct CoverageCanvasTests {
    /// A 100 × 40 canvas with rows 0...9 painted fully and rows 30...39 painted on columns 10...50.
    func canvas() -> CoverageCanvas {
        var canvas = CoverageCanvas(width: 100, height: 40)
        canvas.reset()
        var pixels = [UInt8](repeating: 0, count: 100 * 40 * 3)
        var left = [Int](repeating: 0, count: 40), right = [Int](repeating: -1, count: 40)
        for y in 0...9 { (left[y], right[y]) = (0, 99) }
        for y in 30...39 { (left[y], right[y]) = (10, 50) }
        pixels.withUnsafeMutableBytes { buffer in
            canvas.paint(rows: 0...39, left: left, right: right, paint: ColorPattern(RGB(1, 2, 3)),
                         frame: FramePointer(base: buffer.baseAddress!, width: 100))
        }
        return canvas
    }

    func rows(_ box: PixelBox?) -> ClosedRange<Int>? { box.map { $0.minY...$0.maxY } }

    @Test func trimsPaintedRowsAtBothEnds() {
        let c = canvas()
        #expect(rows(c.trimmingPaintedRows(of: PixelBox(minX: 20, maxX: 40, minY: 0, maxY: 39))) == 10...29)
        // Columns 5...9 of rows 30...39 are unpainted: the bottom stays.
        #expect(rows(c.trimmingPaintedRows(of: PixelBox(minX: 5, maxX: 60, minY: 0, maxY: 39))) == 10...39)
        // A box across 64-pixel words, starting inside the painted top band.
        #expect(rows(c.trimmingPaintedRows(of: PixelBox(minX: 60, maxX: 99, minY: 3, maxY: 20))) == 10...20)
        #expect(rows(c.trimmingPaintedRows(of: PixelBox(minX: 0, maxX: 99, minY: 12, maxY: 12))) == 12...12)
    }

    @Test func aBoxOnPaintedRowsOnlyIsNil() {
        let c = canvas()
        #expect(c.trimmingPaintedRows(of: PixelBox(minX: 0, maxX: 99, minY: 2, maxY: 9)) == nil)
        #expect(c.trimmingPaintedRows(of: PixelBox(minX: 10, maxX: 50, minY: 30, maxY: 39)) == nil)
    }
}
