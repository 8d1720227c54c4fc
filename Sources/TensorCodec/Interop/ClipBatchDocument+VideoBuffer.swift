/// The one place a document lends out raw memory, kept in Interop/ with the other pointer code.
extension ClipBatchDocument {
    /// Calls `body` with the T·H·W·3 bytes of clip `clip` (frames in order, rows top to bottom,
    /// RGB), so a renderer writes frames straight into the response. The pointer is valid only
    /// inside `body`; do not let it escape.
    public mutating func withVideoBuffer<R>(
        clip: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> R
    ) rethrows -> R {
        let range = videoRange(clip: clip)
        return try bytes.withUnsafeMutableBytes { whole in
            try body(UnsafeMutableRawBufferPointer(rebasing: whole[range]))
        }
    }
}
