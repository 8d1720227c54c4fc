/// Renders frames of one video: objects are visited frontmost first (index N−1 down to 0); an
/// object whose box misses the canvas or lies on fully painted tiles is skipped (first by a
/// conservative box that needs no trigonometry, then by its exact box); otherwise its
/// silhouette at frame t is traced into row spans, and the coverage canvas paints only the
/// pixels no nearer object has painted. What stays uncovered is the background.
struct FrameRenderer: ~Copyable {
    private var spans: RowSpans
    private var canvas: CoverageCanvas
    let side: Int

    init(side: Int) {
        self.side = side
        spans = RowSpans(height: side)
        canvas = CoverageCanvas(width: side, height: side)
    }

    mutating func render(objects: [SceneObject], t: Int, configuration: Configuration, background: RGB,
                         into frame: FramePointer) {
        canvas.reset()
        let resolution = configuration.resolution, circleTransform = configuration.circleTransform
        for object in objects.reversed() {
            if canvas.isFinished { break }
            // Cheap rejections first: culled, off the canvas, or behind painted tiles.
            guard let pose = object.pose(at: t, resolution: resolution),
                  let reach = object.reachBox(pose, circleTransform: circleTransform)?.clipped(width: side, height: side),
                  !canvas.isCovered(reach),
                  let silhouette = object.silhouette(pose, circleTransform: circleTransform),
                  let box = silhouette.bounds?.clipped(width: side, height: side),
                  !canvas.isCovered(box) else { continue }
            spans.trace(silhouette, rows: box, finished: canvas.finished)
            for y in spans.top...spans.bottom where spans.left[y] <= spans.right[y] {
                canvas.paint(row: y, from: spans.left[y], to: spans.right[y], pattern: object.pattern, frame: frame)
            }
        }
        if !canvas.isFinished {
            let pattern = ColorPattern(background)
            for y in 0..<side where !canvas.finished[y] {
                canvas.paint(row: y, from: 0, to: side - 1, pattern: pattern, frame: frame)
            }
        }
    }
}
