extension Configuration {
    /// The configuration as a JSON object: every field, defaults included, except that fields
    /// added after the first release (`ConfigurationField.addedLater`) are left out while they
    /// hold their default — so the hash of a configuration that does not use them never changed,
    /// and clips logged before they existed still resolve by their hash.
    public var json: JSONValue {
        let defaults = Configuration()
        return .object(Dictionary(uniqueKeysWithValues: Self.fields.compactMap { field in
            let value = field.get(self)
            return field.addedLater && value == field.get(defaults) ? nil : (field.name, value)
        }))
    }

    /// The canonical JSON text: sorted keys, fixed number format. Its SHA-256 is the hash.
    public var canonicalText: String { json.canonicalText }

    /// The configuration hash: hex SHA-256 of the canonical JSON text.
    public var hash: String { sha256Hex(Array(canonicalText.utf8)) }

    /// The digest of the fields that shape the scene; it keys every random stream.
    public var sceneDigest: SceneDigest {
        let scene = JSONValue.object(Dictionary(uniqueKeysWithValues:
            Self.fields.filter(\.shapesScene).map { ($0.name, $0.get(self)) }))
        return SceneDigest(sha256: SHA256.digest(Array(scene.canonicalText.utf8)))
    }

    /// This configuration with the fields of a JSON object applied on top (a partial object
    /// changes only the fields it names). Unknown fields and out-of-range values are errors.
    public func applying(_ document: JSONValue) throws(ConfigurationError) -> Configuration {
        guard case .object(let members) = document else {
            throw .malformedJSON("a configuration is a JSON object, not \(document.kindName)")
        }
        var result = self
        for name in members.keys.sorted() {
            guard let field = Self.field(named: name) else {
                throw .unknownField(name, known: Self.fieldNames)
            }
            field.set(&result, try field.validate(members[name]!))
        }
        try result.checkRelations()
        return result
    }

    /// This configuration with `name=value` overrides applied, the values written as text.
    public func applying(overrides: [(name: String, value: String)]) throws(ConfigurationError) -> Configuration {
        var result = self
        for (name, text) in overrides {
            guard let field = Self.field(named: name) else {
                throw .unknownField(name, known: Self.fieldNames)
            }
            field.set(&result, try field.parse(text: text))
        }
        try result.checkRelations()
        return result
    }

    /// A configuration from JSON text, on top of `base` (by default the defaults).
    public init(jsonText: String, base: Configuration = Configuration()) throws(ConfigurationError) {
        self = try base.applying(JSONParser.parse(jsonText))
    }

    /// Constraints between fields that the per-field ranges cannot express.
    func checkRelations() throws(ConfigurationError) {
        if radiusRange.lowerBound >= radiusRange.upperBound {
            throw .invalidValue(field: "radiusRange", value: Self.field(named: "radiusRange")!.get(self).canonicalText,
                                allowed: "rmin < rmax")
        }
        let clipBytes = frames * outputSide * outputSide * 3
        if clipBytes > Self.maxClipBytes {
            throw .invalidValue(field: "frames", value: "\(frames) at \(outputSide)×\(outputSide)",
                                allowed: "frames × side² × 3 ≤ \(Self.maxClipBytes) bytes")
        }
    }
}
