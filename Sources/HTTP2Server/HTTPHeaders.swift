/// An ordered list of header fields. Names are stored lowercased (HTTP/2 requires it and
/// HTTP/1.1 names are case-insensitive); lookups are case-insensitive.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }
    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: HTTPHeaders.lower($0.0), value: $0.1) }
    }

    /// `name.lowercased()` without allocating when the name is already lowercase (the common case).
    @inline(__always)
    static func lower(_ name: String) -> String {
        for b in name.utf8 where b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") || b >= 0x80 {
            return name.lowercased()
        }
        return name
    }

    /// Appends a field whose name is known to be lowercase already (HTTP/2 guarantees it).
    mutating func addLowercased(name: String, value: String) {
        fields.append((name: name, value: value))
    }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public mutating func add(name: String, value: String) {
        fields.append((name: HTTPHeaders.lower(name), value: value))
    }
    /// Replaces every field with this name by one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        let n = HTTPHeaders.lower(name)
        fields.removeAll { $0.name == n }
        fields.append((name: n, value: value))
    }
    public mutating func remove(name: String) {
        let n = HTTPHeaders.lower(name)
        fields.removeAll { $0.name == n }
    }

    /// Removes every field whose (lowercase) name is in `names`, in one pass.
    mutating func remove(names: Set<String>) {
        fields.removeAll { names.contains($0.name) }
    }
    /// The first value of a field, or nil.
    public subscript(name: String) -> String? {
        let n = HTTPHeaders.lower(name)
        return fields.first { $0.name == n }?.value
    }
    public func values(for name: String) -> [String] {
        let n = HTTPHeaders.lower(name)
        return fields.filter { $0.name == n }.map(\.value)
    }
    public func contains(_ name: String) -> Bool { self[name] != nil }
    public var count: Int { fields.count }
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
