/// A tensor's name, element type and shape: everything the header says except where it lies.
///
/// Writers describe a document as a list of specs; readers hand them back in offset order.
public struct TensorSpec: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]

    public init(name: String, dtype: DType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// `product(shape) · dtype.byteSize`. Traps on a negative dimension or on overflow;
    /// specs that come from a layout or a parsed file have been checked by `checkedByteCount`.
    public var byteCount: Int {
        guard let count = checkedByteCount else {
            preconditionFailure("tensor '\(name)' has a negative dimension or overflows Int: \(shape)")
        }
        return count
    }

    /// The byte count, or nil when a dimension is negative or the product overflows `Int`.
    /// Both the writer and the reader validate through this, so they agree on what is legal.
    var checkedByteCount: Int? {
        var count = dtype.byteSize
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
