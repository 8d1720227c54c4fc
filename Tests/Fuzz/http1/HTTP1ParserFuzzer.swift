// libFuzzer entry point for HTTP1RequestParser (Sources/HTTP2Server/HTTP1/HTTP1RequestParser.swift).
// Built by scripts/fuzz-http1.sh with `swiftc -sanitize=fuzzer,address` together with the
// parser's source files (it has no other dependencies), not by SwiftPM.
//
// Properties checked on every input:
//  1. no crash, no hang: every parse call consumes bytes or yields an event;
//  2. consumed <= offered;
//  3. limits hold: bodies never exceed maxBodyBytes, an error is sticky;
//  4. splitting the input differently (whole vs. byte-sized pieces) yields the same events.

let limits = HTTP1Limits(maxRequestLineBytes: 256, maxHeaderBytes: 1024, maxHeaderCount: 16, maxBodyBytes: 4096)

func events(_ input: UnsafeRawBufferPointer, piece: Int) -> [HTTP1ParseEvent] {
    var parser = HTTP1RequestParser(limits: limits)
    var out: [HTTP1ParseEvent] = []
    var start = 0
    var steps = 0
    while start < input.count {
        let end = min(input.count, start + piece)
        var offset = start
        while offset < end {
            steps += 1
            precondition(steps < 10 * input.count + 100, "parser made no progress")
            let (n, e) = parser.parse(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
            precondition(n >= 0 && n <= end - offset, "consumed more than offered")
            offset += n
            if let e {
                switch e {
                case let .complete(body): precondition(body.count <= limits.maxBodyBytes, "body over limit")
                case .head: if let c = parser.completeIfBodyless() { out.append(e); out.append(c); continue }
                case .error:
                    out.append(e)
                    let (again, e2) = parser.parse(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
                    precondition(again == 0 && e2 == e, "error is not sticky")
                    return out
                }
                out.append(e)
            } else if n == 0 {
                break
            }
        }
        start = end
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1Parser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let whole = events(input, piece: max(size, 1))
    let split = events(input, piece: size > 0 ? Int(data[0] % 7) + 1 : 1)
    precondition(whole == split, "events depend on how the input was split")
    return 0
}
