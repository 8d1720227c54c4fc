/// An ordered list of header fields. Names are stored lowercased (HTTP/2 requires it and
/// HTTP/1.1 names are case-insensitive); lookups are case-insensitive.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }
    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0.lowercased(), value: $0.1) }
    }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public mutating func add(name: String, value: String) {
        fields.append((name: name.lowercased(), value: value))
    }
    /// Replaces every field with this name by one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        let n = name.lowercased()
        fields.removeAll { $0.name == n }
        fields.append((name: n, value: value))
    }
    public mutating func remove(name: String) {
        let n = name.lowercased()
        fields.removeAll { $0.name == n }
    }
    /// The first value of a field, or nil.
    public subscript(name: String) -> String? {
        let n = name.lowercased()
        return fields.first { $0.name == n }?.value
    }
    public func values(for name: String) -> [String] {
        let n = name.lowercased()
        return fields.filter { $0.name == n }.map(\.value)
    }
    public func contains(_ name: String) -> Bool { self[name] != nil }
    public var count: Int { fields.count }
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
