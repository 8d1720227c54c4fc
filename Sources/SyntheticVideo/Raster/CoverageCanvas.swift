/// Paints one frame front to back: objects arrive frontmost first, and each pixel is written
/// once, by the first span that covers it. The result is the painter's algorithm in index
/// order (later objects in front) without overdraw.
///
/// Coverage is kept at three grains so hidden work is skipped early: a bit per pixel (what a
/// span may still paint), a flag per row (rows a span need not even be traced on), and a flag
/// per 16×16 tile, found lazily (objects whose whole box lies on covered tiles are skipped
/// before any tracing). Storage is allocated once per renderer: this is the rasterizer's frame
/// buffer code, the one place outside the C wrappers that uses pointers.
struct CoverageCanvas: ~Copyable {
    let width: Int
    let height: Int
    private let wordsPerRow: Int
    private let coverage: UnsafeMutableBufferPointer<UInt64>
    /// The bits past the right edge of the last word, set so a full row reads as all ones.
    private let padding: UInt64
    private(set) var finishedRows = 0
    /// Rows whose every pixel is painted.
    let finished: UnsafeMutableBufferPointer<Bool>
    /// Pixels of each row not painted yet.
    private let unpainted: UnsafeMutableBufferPointer<Int>

    /// 16-pixel tiles, four per 64-bit coverage word (`isCovered` reads a word's four together).
    private static let tileShift = 4
    /// Per tile row, a bit per tile known to be fully painted (tiles wholly in the last word's
    /// padding count as painted; no box inside the canvas reaches them).
    private let fullTiles: UnsafeMutableBufferPointer<UInt64>

    init(width: Int, height: Int) {
        precondition(width <= 64 << Self.tileShift, "at most 64 tiles per row")
        self.width = width
        self.height = height
        wordsPerRow = (width + 63) / 64
        let used = width - (wordsPerRow - 1) * 64
        padding = used == 64 ? 0 : ~UInt64(0) << UInt64(used)
        coverage = .allocate(capacity: wordsPerRow * height)
        finished = .allocate(capacity: height)
        unpainted = .allocate(capacity: height)
        fullTiles = .allocate(capacity: (height + (1 << Self.tileShift) - 1) >> Self.tileShift)
    }

    deinit {
        coverage.deallocate()
        finished.deallocate()
        unpainted.deallocate()
        fullTiles.deallocate()
    }

    var isFinished: Bool { finishedRows == height }

    /// Forgets all coverage, for a new frame.
    mutating func reset() {
        coverage.update(repeating: 0)
        if padding != 0 {
            for y in 0..<height { coverage[y * wordsPerRow + wordsPerRow - 1] = padding }
        }
        finished.update(repeating: false)
        unpainted.update(repeating: width)
        fullTiles.update(repeating: 0)
        finishedRows = 0
    }

    /// True when every pixel of `box` (inside the canvas) is already painted, judged by tiles.
    /// A tile not yet known to be full is checked with the three others of its coverage word:
    /// one pass over the tile row's 16 rows, no early exit to mispredict, and every full tile
    /// found is remembered.
    func isCovered(_ box: PixelBox) -> Bool {
        // Most boxes asked about are not covered: one row of the box with a pixel still open
        // answers that at the cost of a few words, before any tile is scanned.
        guard isPainted(row: (box.minY &+ box.maxY) &>> 1, from: box.minX, to: box.maxX) else { return false }
        let first = box.minX >> Self.tileShift, last = box.maxX >> Self.tileShift
        let mask = (~UInt64(0) >> UInt64(63 - last + first)) << UInt64(first)
        let coverage = coverage.baseAddress!, wordsPerRow = wordsPerRow
        for ty in (box.minY >> Self.tileShift)...(box.maxY >> Self.tileShift) {
            var unknown = mask & ~fullTiles[ty]
            let top = ty &<< Self.tileShift, bottom = Swift.min(height, top &+ (1 << Self.tileShift))
            while unknown != 0 {
                let word = unknown.trailingZeroBitCount &>> 2
                var painted = ~UInt64(0)  // columns of the word painted on every row of the tile row
                var row = coverage + (top &* wordsPerRow &+ word)
                for _ in top..<bottom {
                    painted &= row.pointee
                    row += wordsPerRow
                }
                let full = Self.fullTiles(painted) &<< UInt64(word &<< 2)
                fullTiles[ty] |= full
                let tiles = UInt64(0xF) &<< UInt64(word &<< 2)
                if unknown & tiles & ~full != 0 { return false }
                unknown &= ~tiles
            }
        }
        return true
    }

    /// Bit k (k < 4) set when the 16 bits of `word` at 16·k are all set.
    @inline(__always)
    private static func fullTiles(_ word: UInt64) -> UInt64 {
        // After these steps bit i is the AND of bits i...i + 15; read it at each lane's start.
        var w = word
        w &= w &>> 8
        w &= w &>> 4
        w &= w &>> 2
        w &= w &>> 1
        return (w & 1) | (w &>> 15) & 2 | (w &>> 30) & 4 | (w &>> 45) & 8
    }

    /// `box` without its top and bottom rows that are already painted across the box's
    /// columns (nothing of an object there can show), or nil when every row is. Occluded
    /// objects are often hidden at one end; this drops about a fifth of the rows traced.
    func trimmingPaintedRows(of box: PixelBox) -> PixelBox? {
        var trimmed = box
        while trimmed.minY <= trimmed.maxY && isPainted(row: trimmed.minY, from: box.minX, to: box.maxX) { trimmed.minY += 1 }
        guard trimmed.minY <= trimmed.maxY else { return nil }
        while isPainted(row: trimmed.maxY, from: box.minX, to: box.maxX) { trimmed.maxY -= 1 }
        return trimmed
    }

    /// Whether columns lo...hi (inside the canvas) of row y are all painted.
    private func isPainted(row y: Int, from lo: Int, to hi: Int) -> Bool {
        if finished[y] { return true }
        let row = coverage.baseAddress! + y &* wordsPerRow
        let first = lo &>> 6, last = hi &>> 6
        let firstMask = ~UInt64(0) &<< UInt64(lo & 63), lastMask = ~UInt64(0) &>> UInt64(63 &- (hi & 63))
        for word in first...last {
            var mask = ~UInt64(0)
            if word == first { mask &= firstMask }
            if word == last { mask &= lastMask }
            if row[word] & mask != mask { return false }
        }
        return true
    }

    /// Paints the not-yet-covered pixels of the spans `left[y]...right[y]` (clipped to the
    /// canvas; empty where left > right) of `rows`, skipping finished rows.
    @inline(__always)
    mutating func paint<Paint: SpanPaint>(rows: ClosedRange<Int>, left: UnsafePointer<Int>, right: UnsafePointer<Int>,
                                          paint: Paint, frame: FramePointer) {
        // Fields in locals: the fills write through pointers, which would make the compiler
        // reload them for every row.
        let coverage = coverage.baseAddress!, wordsPerRow = wordsPerRow, lastColumn = width &- 1
        let finished = finished.baseAddress!, unpainted = unpainted.baseAddress!
        var newlyFinished = 0
        for y in rows where !finished[y] {
            let painted = Self.paintRow(coverage + y &* wordsPerRow, y: y,
                                        from: Swift.max(left[y], 0), to: Swift.min(right[y], lastColumn),
                                        paint: paint, frame: frame)
            guard painted > 0 else { continue }
            unpainted[y] &-= painted
            if unpainted[y] == 0 {
                finished[y] = true
                newlyFinished &+= 1
            }
        }
        finishedRows &+= newlyFinished
    }

    /// Paints the not-yet-covered pixels of columns lo...hi of row y, whose coverage words
    /// start at `row`; answers how many it painted.
    ///
    /// Word by word: the span's bits not yet covered are split into runs of consecutive bits
    /// (adding a run's lowest bit carries through it, clearing it), and a run that continues
    /// into the next word joins the pending one, so each visible piece of the span is one fill
    /// however many words it crosses. All arithmetic wraps: every value is bounded by the
    /// canvas size.
    @inline(__always)
    private static func paintRow<Paint: SpanPaint>(_ row: UnsafeMutablePointer<UInt64>, y: Int, from lo: Int, to hi: Int,
                                                   paint: Paint, frame: FramePointer) -> Int {
        guard lo <= hi else { return 0 }
        var word = lo &>> 6
        let lastWord = hi &>> 6
        var mask = ~UInt64(0) &<< UInt64(lo & 63)
        let lastMask = ~UInt64(0) &>> UInt64(63 &- (hi & 63))
        if word == lastWord {
            // Most spans lie inside one word: hidden, wholly open (one fill) or split into runs.
            mask &= lastMask
            let before = row[word]
            var open = mask & ~before
            guard open != 0 else { return 0 }
            row[word] = before | mask
            if open == mask {
                paint.fill(row: y, column: lo, count: hi &- lo &+ 1, frame: frame)
                return hi &- lo &+ 1
            }
            let painted = open.nonzeroBitCount
            repeat {
                let start = open.trailingZeroBitCount
                let length = (~(open &>> UInt64(start))).trailingZeroBitCount
                paint.fill(row: y, column: word &<< 6 &+ start, count: length, frame: frame)
                open &= open &+ (open & (0 &- open))
            } while open != 0
            return painted
        }
        var painted = 0
        // The pending run: columns runStart..<runEnd, not yet filled.
        var runStart = 0, runEnd = 0
        while true {
            if word == lastWord { mask &= lastMask }
            let before = row[word]
            var open = mask & ~before
            row[word] = before | mask
            while open != 0 {
                let start = open.trailingZeroBitCount
                let length = (~(open &>> UInt64(start))).trailingZeroBitCount
                let column = word &<< 6 &+ start
                if column != runEnd {
                    if runEnd > runStart { paint.fill(row: y, column: runStart, count: runEnd &- runStart, frame: frame) }
                    runStart = column
                }
                runEnd = column &+ length
                painted &+= length
                open &= open &+ (open & (0 &- open))  // clears the run just taken
            }
            if word == lastWord { break }
            word &+= 1
            mask = ~UInt64(0)
        }
        if painted > 0 { paint.fill(row: y, column: runStart, count: runEnd &- runStart, frame: frame) }
        return painted
    }
}

/// A frame of `width × height` RGB bytes (the clip renderer's scratch frame).
struct FramePointer {
    let base: UnsafeMutableRawPointer
    let width: Int
    /// The last byte address where a block of 16 pixels (48 bytes) still fits inside the frame.
    private let lastBlock: UnsafeMutableRawPointer

    init(base: UnsafeMutableRawPointer, width: Int, height: Int) {
        self.base = base
        self.width = width
        lastBlock = base + (width * height - 16) * 3
    }

    /// Writes `count` pixels of one colour starting at (column, row). A run of 16 pixels or more
    /// is written as blocks of 16 pixels of the repeating pattern (three 16-byte stores), the
    /// last block aligned to the run's end (overlapping the one before with identical bytes).
    /// A shorter run is one block that keeps the bytes past the run (load, blend, store): the
    /// same instructions for every length, so no branch on the length to mispredict. The block
    /// may reach into the next row; the frame's last pixels take the exact path.
    @inline(__always)
    func fill(row: Int, column: Int, count: Int, pattern: ColorPattern) {
        let start = base + (row &* width &+ column) &* 3
        if count >= 16 {
            var p = start
            let last = start + (count &- 16) &* 3
            while p < last {
                pattern.store16(p)
                p += 48
            }
            pattern.store16(last)
        } else if start <= lastBlock {
            pattern.blend16(start, count: count)
        } else {
            var p = start
            for _ in 0..<count {
                pattern.store1(p)
                p += 3
            }
        }
    }
}

/// A colour as the 24-byte pattern of eight RGB pixels (three little-endian 64-bit words),
/// prepared once per object so filling a run is only stores.
struct ColorPattern {
    let w0: UInt64, w1: UInt64, w2: UInt64

    init(_ color: RGB) {
        let r = UInt64(color.r), g = UInt64(color.g), b = UInt64(color.b)
        let rgb = r | g << 8 | b << 16
        w0 = rgb | rgb << 24 | r << 48 | g << 56
        w1 = b | rgb << 8 | rgb << 32 | r << 56
        w2 = g | b << 8 | rgb << 16 | rgb << 40
    }

    /// Sixteen pixels: the 24-byte pattern twice, as three 16-byte stores.
    @inline(__always)
    func store16(_ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: SIMD2(w0.littleEndian, w1.littleEndian), as: SIMD2<UInt64>.self)
        (p + 16).storeBytes(of: SIMD2(w2.littleEndian, w0.littleEndian), as: SIMD2<UInt64>.self)
        (p + 32).storeBytes(of: SIMD2(w1.littleEndian, w2.littleEndian), as: SIMD2<UInt64>.self)
    }

    /// The first `count` (< 16) pixels of sixteen; the rest of the 48 bytes keep their value.
    @inline(__always)
    func blend16(_ p: UnsafeMutableRawPointer, count: Int) {
        let bytes = SIMD16<Int8>(repeating: Int8(truncatingIfNeeded: count &* 3))
        let lane = SIMD16<Int8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        Self.blend(p, SIMD2(w0.littleEndian, w1.littleEndian), where: lane .< bytes)
        Self.blend(p + 16, SIMD2(w2.littleEndian, w0.littleEndian), where: lane &+ 16 .< bytes)
        Self.blend(p + 32, SIMD2(w1.littleEndian, w2.littleEndian), where: lane &+ 32 .< bytes)
    }

    @inline(__always)
    private static func blend(_ p: UnsafeMutableRawPointer, _ words: SIMD2<UInt64>, where mask: SIMDMask<SIMD16<Int8>>) {
        let old = p.loadUnaligned(as: SIMD16<Int8>.self)
        p.storeBytes(of: old.replacing(with: unsafeBitCast(words, to: SIMD16<Int8>.self), where: mask), as: SIMD16<Int8>.self)
    }

    @inline(__always)
    func store1(_ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: UInt16(truncatingIfNeeded: w0).littleEndian, as: UInt16.self)
        (p + 2).storeBytes(of: UInt8(truncatingIfNeeded: w0 >> 16), as: UInt8.self)
    }
}
