import Testing
@testable import SyntheticVideo

/// The coverage canvas: painting writes each pixel once, with the first span that covers it;
/// the tile test answers exactly whether the tiles under a box are painted; an object's box
/// loses the rows at its top and bottom that are already painted across its columns.
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
                         frame: FramePointer(base: buffer.baseAddress!, width: 100, height: 40))
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

    /// Random spans painted one after another on a canvas whose width is not a multiple of 64
    /// and whose height is not a multiple of 16, against a pixel-by-pixel model: every pixel has
    /// the colour of the first span that covered it, and `isCovered` is true exactly when every
    /// canvas pixel of every 16 × 16 tile the box touches is painted.
    @Test func paintingAndTheTileTestAgreeWithAPixelModel() {
        let width = 150, height = 37
        var random = CounterRandomTests.SplitMix64(state: 7)
        var canvas = CoverageCanvas(width: width, height: height)
        canvas.reset()
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var owner = [Int](repeating: -1, count: width * height)  // the model: first span index
        var mismatches: [String] = [], coveredAnswers = [0, 0]
        for object in 0..<400 {
            // Spans of up to 90 pixels (20 for two objects in three), some reaching past the sides.
            let top = Int.random(in: 0..<height, using: &random)
            let bottom = min(height - 1, top + Int.random(in: 0..<10, using: &random))
            var left = [Int](repeating: 0, count: height), right = [Int](repeating: -1, count: height)
            for y in top...bottom {
                let a = Int.random(in: -10..<width, using: &random)
                (left[y], right[y]) = (a, a + Int.random(in: 0..<(object % 3 == 0 ? 90 : 20), using: &random))
                let (lo, hi) = (max(left[y], 0), min(right[y], width - 1))
                guard lo <= hi else { continue }
                for x in lo...hi where owner[y * width + x] < 0 { owner[y * width + x] = object }
            }
            pixels.withUnsafeMutableBytes { buffer in
                canvas.paint(rows: top...bottom, left: left, right: right,
                             paint: ColorPattern(RGB(UInt8(object & 255), UInt8(object >> 8), 7)),
                             frame: FramePointer(base: buffer.baseAddress!, width: width, height: height))
            }
            // A random box: covered by tiles exactly when the model says so.
            let x0 = Int.random(in: 0..<width, using: &random), y0 = Int.random(in: 0..<height, using: &random)
            let box = PixelBox(minX: x0, maxX: min(width - 1, x0 + Int.random(in: 0..<40, using: &random)),
                               minY: y0, maxY: min(height - 1, y0 + Int.random(in: 0..<20, using: &random)))
            var tilesPainted = true
            for y in (box.minY & ~15)...min(height - 1, box.maxY | 15) {
                for x in (box.minX & ~15)...min(width - 1, box.maxX | 15) where owner[y * width + x] < 0 { tilesPainted = false }
            }
            coveredAnswers[tilesPainted ? 1 : 0] += 1
            if canvas.isCovered(box) != tilesPainted { mismatches.append("object \(object): isCovered(\(box)) != \(tilesPainted)") }
        }
        var wrongPixels = 0
        for i in 0..<width * height {
            let expected = owner[i] < 0 ? [UInt8](repeating: 0, count: 3) : [UInt8(owner[i] & 255), UInt8(owner[i] >> 8), 7]
            if Array(pixels[i * 3..<i * 3 + 3]) != expected { wrongPixels += 1 }
        }
        #expect(wrongPixels == 0)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
        #expect(owner.contains(-1), "the canvas should end partly painted")
        #expect(coveredAnswers[0] > 20 && coveredAnswers[1] > 20, "both answers should be checked: \(coveredAnswers)")
    }

    /// Every row of a tile counts: a canvas painted everywhere but one row of one tile is not
    /// covered there (for each of the tile's rows, and for the short last tile row of a canvas
    /// whose height is not a multiple of 16), and painting that row covers it.
    @Test func everyRowOfATileCounts() {
        let width = 150, height = 37
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for missing in Array(16...31) + Array(32...36) {
            var canvas = CoverageCanvas(width: width, height: height)
            canvas.reset()
            var left = [Int](repeating: 0, count: height), right = [Int](repeating: width - 1, count: height)
            // Row `missing` is painted except columns 64...79 (the tile at column 64).
            right[missing] = 63
            let tile = PixelBox(minX: 66, maxX: 70, minY: missing & ~15, maxY: missing & ~15)
            pixels.withUnsafeMutableBytes { buffer in
                let frame = FramePointer(base: buffer.baseAddress!, width: width, height: height)
                canvas.paint(rows: 0...height - 1, left: left, right: right, paint: ColorPattern(RGB(1, 1, 1)), frame: frame)
                (left[missing], right[missing]) = (80, width - 1)
                canvas.paint(rows: missing...missing, left: left, right: right, paint: ColorPattern(RGB(1, 1, 1)), frame: frame)
                let hole = canvas.isCovered(tile), rest = canvas.isCovered(PixelBox(minX: 0, maxX: 63, minY: 0, maxY: height - 1))
                #expect(!hole && rest, "row \(missing)")
                left[missing] = 0
                canvas.paint(rows: missing...missing, left: left, right: right, paint: ColorPattern(RGB(1, 1, 1)), frame: frame)
                let all = canvas.isCovered(PixelBox(minX: 0, maxX: width - 1, minY: 0, maxY: height - 1))
                #expect(all, "row \(missing)")
            }
        }
    }

    /// A fill writes exactly its run: every length up to 40 pixels, starting at the frame's
    /// first pixel, across a row end, and ending at the frame's last pixel (where the 16-pixel
    /// blend block no longer fits); every other byte keeps its value.
    @Test func fillWritesExactlyItsRun() {
        let width = 23, height = 5, color = RGB(200, 100, 50)
        var random = CounterRandomTests.SplitMix64(state: 11)
        let background = (0..<width * height * 3).map { _ in UInt8.random(in: 0...255, using: &random) }
        var wrong: [String] = []
        for count in 0...40 {
            for start in [0, width - 3, width * height - count] where start >= 0 {
                var pixels = background
                pixels.withUnsafeMutableBytes { buffer in
                    FramePointer(base: buffer.baseAddress!, width: width, height: height)
                        .fill(row: start / width, column: start % width, count: count, pattern: ColorPattern(color))
                }
                var expected = background
                for i in start..<start + count { expected.replaceSubrange(i * 3..<i * 3 + 3, with: [color.r, color.g, color.b]) }
                if pixels != expected { wrong.append("count \(count) at \(start)") }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
