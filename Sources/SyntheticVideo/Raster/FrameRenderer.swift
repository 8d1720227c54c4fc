/// Renders frames of one video: the clip's candidate objects (those that may touch the canvas
/// in its frames) are visited frontmost first (highest index first); an object whose box misses
/// the canvas or lies on fully painted tiles is skipped (first by a conservative box that needs
/// no trigonometry, then by its exact box), and the rows painted across its box are trimmed;
/// otherwise its silhouette at frame t is traced into row spans, and the coverage canvas paints
/// only the pixels no nearer object has painted, with the object's colour or its texture. What
/// stays uncovered is the background.
struct FrameRenderer: ~Copyable {
    private var spans: RowSpans
    private var canvas: CoverageCanvas
    /// The texture grid of the textured stages: side 2·res (§4 step 1).
    private var grid: TexelGrid
    let side: Int

    init(side: Int) {
        self.side = side
        spans = RowSpans(height: side)
        canvas = CoverageCanvas(width: side, height: side)
        grid = TexelGrid(side: 2 * side)
    }

    /// Renders frame t of `objects`, visiting only those at `candidates` (ascending indices; the
    /// others must be known not to touch the canvas at t).
    mutating func render(objects: [SceneObject], candidates: [Int], t: Int, configuration: Configuration,
                         appearance: ClipAppearance, into frame: FramePointer) throws(TextureError) {
        canvas.reset()
        try objects.withUnsafeBufferPointer { objects throws(TextureError) in
            try candidates.withUnsafeBufferPointer { candidates throws(TextureError) in
                try paintObjects(objects, candidates: candidates, t: t, configuration: configuration,
                                 appearance: appearance, frame: frame)
            }
        }
        // The background fills only what the objects left uncovered: a few runs per row, which
        // measured 3-4 % faster than clearing the whole frame before the objects.
        guard !canvas.isFinished else { return }
        if let image = appearance.backgroundImage {
            image.pixels.withUnsafeBufferPointer { pixels in
                paintBackground(ImagePaint(pixels: pixels.baseAddress!), frame: frame)
            }
        } else {
            paintBackground(ColorPattern(appearance.background), frame: frame)
        }
    }

    /// Paints the objects front to back. They are read in place (a `SceneObject` is a few
    /// hundred bytes; copying each one per frame showed in profiles).
    private mutating func paintObjects(_ objects: UnsafeBufferPointer<SceneObject>, candidates: UnsafeBufferPointer<Int>,
                                       t: Int, configuration: Configuration, appearance: ClipAppearance,
                                       frame: FramePointer) throws(TextureError) {
        let resolution = configuration.resolution, circleTransform = configuration.circleTransform
        for index in candidates.reversed() {
            if canvas.isFinished { break }
            let object = objects.baseAddress! + index
            // Cheap rejections first: culled, off the canvas, or behind painted tiles.
            guard let pose = object.pointee.pose(at: t, resolution: resolution),
                  let reach = object.pointee.reachBox(pose, circleTransform: circleTransform)?.clipped(width: side, height: side),
                  !canvas.isCovered(reach),
                  let silhouette = object.pointee.silhouette(pose, circleTransform: circleTransform),
                  let bounds = silhouette.bounds?.clipped(width: side, height: side),
                  !canvas.isCovered(bounds),
                  let box = canvas.trimmingPaintedRows(of: bounds) else { continue }
            spans.trace(silhouette, rows: box, finished: canvas.finished)
            guard let textures = appearance.objectTextures else {
                paintSpans(object.pointee.pattern, frame: frame)
                continue
            }
            let texture = try textures.texture(index, frame: t)
            grid.prepare(width: texture.width, height: texture.height)
            let map = object.pointee.textureMap(pose, circleTransform: circleTransform)
            let tint = appearance.tint ? object.pointee.color : nil
            texture.lanes.withUnsafeBufferPointer { lanes in
                // A map beyond fixed-point range (never for the presets) samples the texture
                // at canvas coordinates: deterministic, though it no longer moves with the object.
                let paint = TexturedPaint(lanes: lanes.baseAddress!, grid: grid, map: map, tint: tint)
                    ?? TexturedPaint(lanes: lanes.baseAddress!, grid: grid, map: .translation(0, 0), tint: tint)!
                paintSpans(paint, frame: frame)
            }
        }
    }

    /// Paints the traced spans (their uncovered pixels).
    private mutating func paintSpans<Paint: SpanPaint>(_ paint: Paint, frame: FramePointer) {
        canvas.paint(rows: spans.top...spans.bottom, left: spans.left.baseAddress!, right: spans.right.baseAddress!,
                     paint: paint, frame: frame)
    }

    /// Paints every pixel no object covered.
    private mutating func paintBackground<Paint: SpanPaint>(_ paint: Paint, frame: FramePointer) {
        spans.cover(columns: 0...side - 1)
        paintSpans(paint, frame: frame)
    }
}
