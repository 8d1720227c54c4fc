extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for bodies that throw `TensorCodecError`. The standard library's version
    /// is `rethrows`, which widens a typed error to `any Error`; routing it through a `Result`
    /// keeps the typed `throws(TensorCodecError)` of every public entry point.
    func withUnsafeBytesTyped<R>(
        _ body: (UnsafeRawBufferPointer) throws(TensorCodecError) -> R
    ) throws(TensorCodecError) -> R {
        let result = withUnsafeBytes { raw in
            Result { () throws(TensorCodecError) in try body(raw) }
        }
        return try result.get()
    }
}
