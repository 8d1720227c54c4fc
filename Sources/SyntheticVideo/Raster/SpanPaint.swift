/// How the pixels of a span get their colour: a flat colour, a texture seen through an object's
/// texture map, or an image copied in place. Part of the rasterizer's frame-buffer code.
protocol SpanPaint {
    /// Writes `count` pixels starting at (column, row).
    func fill(row: Int, column: Int, count: Int, frame: FramePointer)
}

extension ColorPattern: SpanPaint {
    @inline(__always)
    func fill(row: Int, column: Int, count: Int, frame: FramePointer) {
        frame.fill(row: row, column: column, count: count, pattern: self)
    }
}

/// The texture grid of the reference (§4 step 1): a W×H texture nearest-resized to G×G
/// (G = 2·res), as lookup tables from grid index g to the index of texel ⌊g·W/G⌋ in its row
/// (columns) and of the first texel of row ⌊g·H/G⌋ (rows), so the resized texture never exists.
struct TexelGrid: ~Copyable {
    let side: Int
    private(set) var width = 0
    private(set) var height = 0
    let columns: UnsafeMutableBufferPointer<Int>
    let rows: UnsafeMutableBufferPointer<Int>

    init(side: Int) {
        self.side = side
        columns = .allocate(capacity: side)
        rows = .allocate(capacity: side)
    }

    deinit {
        columns.deallocate()
        rows.deallocate()
    }

    /// Fills the tables for a texture of this size (a no-op when they already are).
    mutating func prepare(width: Int, height: Int) {
        guard width != self.width || height != self.height else { return }
        self.width = width
        self.height = height
        for g in 0..<side {
            columns[g] = g * width / side
            rows[g] = g * height / side * width
        }
    }
}

/// A textured object's paint: each pixel samples the texture grid bilinearly at its texture
/// coordinate, with OpenCV warpAffine's rules — coordinates rounded to 1/32 pixel, grid samples
/// outside the texture are 0 (constant border) — in integer arithmetic. The texture coordinate
/// of pixel (x, y) is a 16.16 fixed-point affine function of (x, y), the same wherever a span
/// starts. With `tint`, the object's colour is added with saturation (D10).
struct TexturedPaint: SpanPaint {
    /// The texels of a `SamplingTexture`: R, G, B in 21-bit lanes of a UInt64.
    let lanes: UnsafePointer<UInt64>
    let columns: UnsafePointer<Int>
    let rows: UnsafePointer<Int>
    let side: Int
    /// 16.16 fixed point: U = ua·x + ub·y + ue, V = va·x + vb·y + ve (ue, ve include +1/64, the
    /// rounding to the nearest 1/32).
    let ua: Int, ub: Int, ue: Int, va: Int, vb: Int, ve: Int
    let tint: RGB?
    /// Whether the map is an integer translation: every sample is a single grid texel.
    let isTranslation: Bool

    /// nil when the map's coefficients are out of fixed-point range (degenerate transforms).
    init?(lanes: UnsafePointer<UInt64>, grid: borrowing TexelGrid, map m: TextureMap, tint: RGB?) {
        func fixed(_ x: Double) -> Int? {
            let scaled = x * 65536
            guard scaled.isFinite, Swift.abs(scaled) < 1e12 else { return nil }
            return Int(scaled.rounded(.toNearestOrEven))
        }
        guard let ua = fixed(m.a), let ub = fixed(m.b), let ue = fixed(m.e + 1.0 / 64),
              let va = fixed(m.c), let vb = fixed(m.d), let ve = fixed(m.f + 1.0 / 64) else { return nil }
        self.lanes = lanes
        columns = UnsafePointer(grid.columns.baseAddress!)
        rows = UnsafePointer(grid.rows.baseAddress!)
        side = grid.side
        (self.ua, self.ub, self.ue, self.va, self.vb, self.ve) = (ua, ub, ue, va, vb, ve)
        self.tint = tint
        isTranslation = ua == 65536 && ub == 0 && va == 0 && vb == 65536 && (ue >> 11) & 31 == 0 && (ve >> 11) & 31 == 0
    }

    @inline(__always)
    func fill(row y: Int, column x0: Int, count: Int, frame: FramePointer) {
        let out = (frame.base + (y &* frame.width &+ x0) &* 3).assumingMemoryBound(to: UInt8.self)
        let u = ua &* x0 &+ ub &* y &+ ue, v = va &* x0 &+ vb &* y &+ ve
        if isTranslation {
            Self.copyTexels(out: out, count: count, u: u, v: v, lanes: lanes, rows: rows, columns: columns, side: side)
        } else {
            Self.sampleBilinear(out: out, count: count, u: u, v: v, ua: ua, va: va, lanes: lanes,
                                rows: rows, columns: columns, side: side)
        }
        // The tint is a second pass: the samples are bytes already, so adding it afterwards
        // saturates exactly as adding it to each sample would.
        if let tint {
            var p = out
            for _ in 0..<count {
                p[0] = UInt8(Swift.min(255, Int(p[0]) &+ Int(tint.r)))
                p[1] = UInt8(Swift.min(255, Int(p[1]) &+ Int(tint.g)))
                p[2] = UInt8(Swift.min(255, Int(p[2]) &+ Int(tint.b)))
                p += 3
            }
        }
    }

    /// An integer translation: one texel per pixel, on one texture row. Pixel k reads grid
    /// column ix0 + k, so the pixels inside the grid are one range, found before the loop.
    @inline(never)
    private static func copyTexels(out: UnsafeMutablePointer<UInt8>, count: Int, u: Int, v: Int, lanes: UnsafePointer<UInt64>,
                                   rows: UnsafePointer<Int>, columns: UnsafePointer<Int>, side: Int) {
        let ix0 = u >> 16, iy = v >> 16
        guard UInt(bitPattern: iy) < UInt(side) else {
            out.update(repeating: 0, count: 3 &* count)
            return
        }
        let first = Swift.min(Swift.max(0 &- ix0, 0), count), end = Swift.min(Swift.max(side &- ix0, first), count)
        out.update(repeating: 0, count: 3 &* first)
        let row = lanes + rows[iy]
        var p = out + 3 &* first
        for ix in (ix0 &+ first)..<(ix0 &+ end) {
            store(row[columns[ix]] &<< 10, to: p)  // a texel is a blend of weight 1024 = 2¹⁰
            p += 3
        }
        p.update(repeating: 0, count: 3 &* (count &- end))
    }

    /// The general map: a bilinear sample per pixel. Out of line and with nothing but the span's
    /// own state live, so the loop keeps its values in registers (inlined into every fill site
    /// of the painter, it spilled a dozen of them per pixel).
    @inline(never)
    private static func sampleBilinear(out: UnsafeMutablePointer<UInt8>, count: Int, u: Int, v: Int, ua: Int, va: Int,
                                       lanes: UnsafePointer<UInt64>, rows: UnsafePointer<Int>, columns: UnsafePointer<Int>,
                                       side: Int) {
        // A coordinate ≤ limit has its grid index ≤ side − 2: both grid samples along it lie
        // inside the grid.
        let limit = UInt((side &- 1) &<< 16 &- 1)
        var p = out, u = u, v = v
        let end = out + 3 &* count
        // The coordinates are linear in the pixel: when both ends of the span are inside, every
        // pixel is (the usual case), and the loop needs no test but its exit.
        let lastU = u &+ (count &- 1) &* ua, lastV = v &+ (count &- 1) &* va
        if Swift.max(UInt(bitPattern: u), UInt(bitPattern: lastU), UInt(bitPattern: v), UInt(bitPattern: lastV)) <= limit {
            while p < end {
                store(blendInside(u: u, v: v, lanes: lanes, rows: rows, columns: columns), to: p)
                u &+= ua
                v &+= va
                p += 3
            }
            return
        }
        while p < end {
            if Swift.max(UInt(bitPattern: u), UInt(bitPattern: v)) <= limit {
                store(blendInside(u: u, v: v, lanes: lanes, rows: rows, columns: columns), to: p)
            } else {
                sampleAtEdge(out: p, u: u, v: v, lanes: lanes, rows: rows, columns: columns, side: side)
            }
            u &+= ua
            v &+= va
            p += 3
        }
    }

    /// The bilinear blend at texture coordinate (u, v) (16.16 fixed point, rounding added) whose
    /// four grid samples lie inside the grid, in lanes scaled by 1024 with the rounding added.
    @inline(__always)
    private static func blendInside(u: Int, v: Int, lanes: UnsafePointer<UInt64>, rows: UnsafePointer<Int>,
                                    columns: UnsafePointer<Int>) -> UInt64 {
        let ix = u &>> 16, iy = v &>> 16
        let fx = (u &>> 11) & 31, fy = (v &>> 11) & 31
        let top = lanes + rows[iy], bottom = lanes + rows[iy &+ 1]
        let c0 = columns[ix], c1 = columns[ix &+ 1]
        // Lanes hold a·(32 − f) + b·f ≤ 8160 after the horizontal blend and ≤ 261 632 after
        // the vertical one and the rounding: no lane carries into the next.
        let wx = UInt64(32 &- fx), ux = UInt64(fx)
        let upper = top[c0] &* wx &+ top[c1] &* ux
        let lower = bottom[c0] &* wx &+ bottom[c1] &* ux
        return upper &* UInt64(32 &- fy) &+ lower &* UInt64(fy) &+ halfInLanes
    }

    /// The three channels of a blend (lanes scaled by 1024, rounding added) as bytes.
    @inline(__always)
    private static func store(_ blend: UInt64, to out: UnsafeMutablePointer<UInt8>) {
        out[0] = UInt8(truncatingIfNeeded: blend &>> 10)
        out[1] = UInt8(truncatingIfNeeded: blend &>> 31)
        out[2] = UInt8(truncatingIfNeeded: blend &>> 52)
    }

    /// A sample at texture coordinate (u, v) (16.16 fixed point, rounding added) that may touch
    /// the grid's edge or lie past it: grid samples outside the grid are 0.
    @inline(never)
    private static func sampleAtEdge(out: UnsafeMutablePointer<UInt8>, u: Int, v: Int,
                                     lanes: UnsafePointer<UInt64>, rows: UnsafePointer<Int>, columns: UnsafePointer<Int>,
                                     side: Int) {
        let ix = u &>> 16, iy = v &>> 16
        let fx = (u &>> 11) & 31, fy = (v &>> 11) & 31
        var blend: UInt64 = halfInLanes
        func add(_ sx: Int, _ sy: Int, _ weight: Int) {
            guard UInt(bitPattern: sx) < UInt(side), UInt(bitPattern: sy) < UInt(side) else { return }
            blend &+= lanes[rows[sy] &+ columns[sx]] &* UInt64(weight)
        }
        add(ix, iy, (32 &- fx) &* (32 &- fy))
        add(ix &+ 1, iy, fx &* (32 &- fy))
        add(ix, iy &+ 1, (32 &- fx) &* fy)
        add(ix &+ 1, iy &+ 1, fx &* fy)
        store(blend, to: out)
    }

    /// 512 (half of the 1024 the two blends scale by) in each lane: rounds to nearest.
    private static let halfInLanes: UInt64 = 512 | 512 << 21 | 512 << 42
}

/// An image of the canvas's size copied in place (an image background).
struct ImagePaint: SpanPaint {
    let pixels: UnsafePointer<UInt8>

    @inline(__always)
    func fill(row y: Int, column x: Int, count: Int, frame: FramePointer) {
        let offset = (y &* frame.width &+ x) &* 3
        (frame.base + offset).copyMemory(from: pixels + offset, byteCount: count &* 3)
    }
}
