import HTTP2Server
import SyntheticVideo
import TensorCodec

extension SynthClipsService {
    /// A PNG of a clip's frames laid out `columns` wide (one frame: the frame itself).
    func pngResponse(_ request: Request, parameters: ClipParameters, route: String, columns: Int) throws -> Response {
        let context = try ClipRequestContext(request, route: route, accept: "image/png")
        let seed = try ClipRequestContext.unsigned(request.pathParameters["seed"] ?? "", parameter: "seed")
        try requireWritableStore()
        return Response(status: 200, headers: ["content-type": "image/png", "cache-control": "public, max-age=31536000, immutable"],
                        body: .deferred { [self] finish in
            let side = parameters.generator.configuration.outputSide
            let indices = parameters.frameIndices(seed: seed)
            let clip: [UInt8]
            do {
                try warmer.requireWarm(parameters, seeds: [seed], cacheBytes: textures.cache.byteLimit)
                clip = try ClipRenderer(generator: parameters.generator).render(seed: seed, frameIndices: indices)
            } catch {
                return finish(.failure(Problem.rendering(error)))
            }
            let across = min(columns, indices.count), down = (indices.count + across - 1) / across
            let width = across * side, frameBytes = side * side * 3
            var sheet = [UInt8](repeating: 0, count: width * down * side * 3)
            for (k, _) in indices.enumerated() {
                let x0 = (k % across) * side, y0 = (k / across) * side
                for y in 0..<side {
                    let source = k * frameBytes + y * side * 3
                    let target = ((y0 + y) * width + x0) * 3
                    sheet.replaceSubrange(target..<(target + side * 3), with: clip[source..<(source + side * 3)])
                }
            }
            let png: [UInt8]
            do { png = try PNG.encodeRGB(sheet, width: width, height: down * side) } catch { return finish(.failure(error)) }
            let row = record(parameters, seeds: [seed], batch: nil, context: context, bytes: png.count, renderMilliseconds: 0)
            persist(row) { outcome in
                switch outcome {
                case .success: finish(.success(DeferredBody(headers: [:], bytes: png)))
                case .failure(let problem): finish(.failure(problem.httpError))
                }
            }
        })
    }
}
