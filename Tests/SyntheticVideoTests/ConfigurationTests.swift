import Testing
@testable import SyntheticVideo

/// Configurations: the field table (ranges, types, text and JSON forms), canonical text and
/// hashes, scene digests, and the stage presets of GENERATORS.md §1/§11/§13.
@Suite struct ConfigurationTests {
    // MARK: Helpers

    static let fieldNames = Configuration.fields.map(\.name)

    static func field(_ name: String) -> ConfigurationField {
        guard let f = Configuration.field(named: name) else { fatalError("no field \(name)") }
        return f
    }

    /// The field's value (read through the field table: the JSON form omits later fields at their defaults).
    static func value(_ configuration: Configuration, _ name: String) -> JSONValue? {
        Configuration.field(named: name)?.get(configuration)
    }

    /// A valid value different from the default, as JSON (in the field's normal form) and as
    /// `--set` text.
    static func alternative(_ field: ConfigurationField) -> (json: JSONValue, text: String) {
        let current = value(Configuration(), field.name)
        switch field.kind {
        case .integer(let r):
            let v = current == .integer(Int64(r.lowerBound)) ? r.lowerBound + 1 : r.lowerBound
            return (.integer(Int64(v)), String(v))
        case .number(let r):
            let v = current == .number(r.lowerBound) ? r.lowerBound + (r.upperBound - r.lowerBound) * 0.375 : r.lowerBound
            return (.number(v), String(v))
        case .integerRange(let r):
            let lo = r.lowerBound + 1, hi = r.lowerBound + 10
            return (.array([.integer(Int64(lo)), .integer(Int64(hi))]), "\(lo),\(hi)")
        case .numberRange(let r):
            let lo = r.lowerBound + (r.upperBound - r.lowerBound) * 0.25
            let hi = r.lowerBound + (r.upperBound - r.lowerBound) * 0.625
            return (.array([.number(lo), .number(hi)]), "\(lo),\(hi)")
        case .choice(let options):
            let v = options.first { JSONValue.string($0) != current }!
            return (.string(v), v)
        case .choiceList(let options, _):
            // The text gives them out of order; the normal form is the options' order.
            return (.array([.string(options[1]), .string(options.last!)]), "\(options.last!),\(options[1])")
        case .sha256:
            let digest = String(repeating: "0123456789abcdef", count: 4)
            return (.string(digest), digest)
        }
    }

    /// Values that must be rejected: just outside the range, and of the wrong type.
    static func invalidJSON(_ field: ConfigurationField) -> [JSONValue] {
        let wrongTypes: [JSONValue] = [.null, .bool(true), .string("1"), .object([:])]
        switch field.kind {
        case .integer(let r):
            return [.integer(Int64(r.lowerBound) - 1), .integer(Int64(r.upperBound) + 1), .integer(.min), .integer(.max),
                    .number(Double(r.lowerBound)), .number(Double(r.lowerBound) + 0.5), .array([.integer(Int64(r.lowerBound))])]
                + wrongTypes
        case .number(let r):
            return [.number(r.lowerBound.nextDown), .number(r.upperBound.nextUp), .number(-1e300), .number(1e300),
                    .array([.number(r.lowerBound)])] + wrongTypes
        case .integerRange(let r):
            let lo = Int64(r.lowerBound), hi = Int64(r.upperBound)
            return [.array([.integer(lo - 1), .integer(hi)]), .array([.integer(lo), .integer(hi + 1)]),
                    .array([.integer(lo + 1), .integer(lo)]), .array([.integer(lo)]), .array([]),
                    .array([.integer(lo), .integer(lo), .integer(lo)]), .array([.number(Double(lo)), .integer(hi)]),
                    .array([.integer(lo), .string("1")]), .integer(lo)] + wrongTypes
        case .numberRange(let r):
            let lo = r.lowerBound, hi = r.upperBound
            return [.array([.number(lo.nextDown), .number(hi)]), .array([.number(lo), .number(hi.nextUp)]),
                    .array([.number(hi), .number(lo)]), .array([.number(lo)]), .array([]),
                    .array([.number(lo), .number(lo), .number(hi)]), .array([.number(lo), .string("1")]),
                    .array([.null, .number(hi)]), .number(lo)] + wrongTypes
        case .choice(let options):
            return [.string("nope"), .string(options[0].uppercased()), .string(""), .string(options[0] + " "),
                    .array([.string(options[0])]), .integer(0), .null, .bool(true)]
        case .choiceList(let options, let allowsEmpty):
            return (allowsEmpty ? [] : [.array([])]) + [
                .array([.string("nope")]), .array([.string(options[0]), .string(options[0])]),
                .array([.string(options[0]), .string("nope")]), .array([.integer(0)]), .string(options[0]),
                .null, .integer(1), .object([:])]
        case .sha256:
            let digest = String(repeating: "0123456789abcdef", count: 4)
            return [.string(digest.uppercased()), .string(digest + "0"), .string(String(digest.dropLast())),
                    .string(String(repeating: "g", count: 64)), .integer(0), .null, .array([.string(digest)])]
        }
    }

    /// Text overrides that must be rejected.
    static func invalidText(_ field: ConfigurationField) -> [String] {
        switch field.kind {
        case .integer(let r):
            return [String(r.lowerBound - 1), String(r.upperBound + 1), "\(r.lowerBound).5", "abc", "", "1,2",
                    "99999999999999999999"]
        case .number(let r):
            return [String(r.lowerBound.nextDown), String(r.upperBound.nextUp), "abc", "", "nan", "inf", "1,2"]
        case .integerRange(let r):
            return ["\(r.lowerBound - 1),\(r.upperBound)", "\(r.lowerBound),\(r.upperBound + 1)",
                    "\(r.lowerBound + 1),\(r.lowerBound)", "1,2,3", "a,b", "", "1,", ",1", "1.5,2"]
        case .numberRange(let r):
            return ["\(r.lowerBound.nextDown),\(r.upperBound)", "\(r.lowerBound),\(r.upperBound.nextUp)",
                    "\(r.upperBound),\(r.lowerBound)", "1,2,3", "a,b", "", "0.1,", ",0.1", "nan,1"]
        case .choice(let options):
            return ["nope", options[0].uppercased(), "", "\(options[0]),\(options[0])"]
        case .choiceList(let options, let allowsEmpty):
            return (allowsEmpty ? [] : [""]) + ["nope", "\(options[0]),\(options[0])", "\(options[0]),", "\(options[0]),nope"]
        case .sha256:
            return ["abc", String(repeating: "A", count: 64), String(repeating: "0", count: 65)]
        }
    }

    static func expectInvalidValue(_ name: String, _ body: () throws(ConfigurationError) -> Configuration,
                                   _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let c = try body()
            Issue.record("\(name) accepted \(what): \(c.canonicalText)", sourceLocation: sourceLocation)
        } catch {
            guard case .invalidValue(let field, _, let allowed) = error else {
                Issue.record("\(name) rejected \(what) with \(error), not invalidValue", sourceLocation: sourceLocation)
                return
            }
            #expect(field == name, "\(what)", sourceLocation: sourceLocation)
            #expect(error.field == name, sourceLocation: sourceLocation)
            // Per-field errors carry the field's own description of what is allowed.
            #expect(allowed == Self.field(name).allowed, "\(what)", sourceLocation: sourceLocation)
            #expect(error.description.contains("'\(name)'") && error.description.contains(allowed),
                    sourceLocation: sourceLocation)
        }
    }

    // MARK: The field table

    @Test func fieldTable() {
        #expect(Set(Self.fieldNames).count == Self.fieldNames.count, "field names are unique")
        #expect(Self.fieldNames == [
            "resolution", "objects", "radiusExponent", "radiusRange", "radiusPoints", "centerRange", "shapes", "color",
            "speed", "acceleration", "direction", "rotationSpeed", "scaleSpeed", "shearSpeed", "circleTransform",
            "transformPivot", "background", "duration", "frames", "stride", "crop", "cropSize",
            "textures", "textureCount", "textureSeed", "textureDynamics", "walkSigma", "textureTint", "staticImageShare",
            "imagePool",
        ])
        #expect(Configuration.fieldNames == Self.fieldNames)
        // The JSON form names every field but those added later at their defaults, and nothing else.
        guard case .object(let members) = Configuration().json else { Issue.record("json is not an object"); return }
        #expect(Set(members.keys) == Set(Configuration.fields.filter { !$0.addedLater }.map(\.name)))
        // Output fields do not shape the scene; every other field does.
        #expect(Set(Configuration.fields.filter { !$0.shapesScene }.map(\.name))
                == ["resolution", "frames", "stride", "crop", "cropSize", "textures", "textureCount", "textureSeed",
                    "textureDynamics", "walkSigma", "textureTint", "staticImageShare", "imagePool"])
        // Fields added later stay out of the canonical text at their defaults (hashes of older
        // configurations never change) and are in it otherwise.
        #expect(Set(Configuration.fields.filter(\.addedLater).map(\.name))
                == ["textures", "textureCount", "textureSeed", "textureDynamics", "walkSigma", "textureTint",
                    "staticImageShare", "imagePool"])
        #expect(!Configuration().canonicalText.contains("texture"))
        #expect(preset("accelerating-textures").canonicalText.contains(#""textures":["statistical"]"#))
        for field in Configuration.fields {
            #expect(!field.summary.isEmpty, "\(field.name) has a summary")
            // The default is itself valid.
            #expect(throws: Never.self) { try field.validate(Self.value(Configuration(), field.name)!) }
        }
    }

    @Test func defaultsAreTheReferenceConstants() {
        // GENERATORS.md §11: 256 px, 500 objects, radius law σ = 3 on [0.1, 1] with 200 points,
        // centres over 2·res, clips of 16 frames at stride 4 from durations U{100..200}.
        let c = Configuration()
        #expect(c.resolution == 256 && c.objects == 500)
        #expect(c.radiusExponent == 3 && c.radiusRange == 0.1...1.0 && c.radiusPoints == 200)
        #expect(c.centerRange == 2 && c.shapes == [.circle] && c.color == .uniformRGB)
        #expect(c.speed == 0...0 && c.acceleration == 0 && c.direction == 0...360)
        #expect(c.rotationSpeed == 0 && c.scaleSpeed == 0 && c.shearSpeed == 0)
        #expect(c.circleTransform == .ellipseDegreeTilt && c.transformPivot == .quarterRadius && c.background == .black)
        #expect(c.duration == 100...200 && c.frames == 16 && c.stride == 4)
        #expect(c.crop == .none && c.cropSize == 224 && c.outputSide == 256)
        #expect(c.isStatic)
        #expect(Configuration.maxClipBytes == 64 << 20)
    }

    @Test(arguments: fieldNames)
    func fieldRoundTrips(name: String) throws {
        let field = Self.field(name)
        let (json, text) = Self.alternative(field)
        #expect(Self.value(Configuration(), name) != json, "the alternative differs from the default")

        // Through a JSON document…
        let viaJSON = try Configuration().applying(.object([name: json]))
        #expect(Self.value(viaJSON, name) == json)
        // … through `--set name=value` text…
        let viaText = try Configuration().applying(overrides: [(name, text)])
        #expect(Self.value(viaText, name) == json, "text '\(text)'")
        #expect(viaText == viaJSON)
        // … and through JSON text (the canonical text of the result reads back to it).
        let viaDocument = try Configuration(jsonText: "{\"\(name)\": \(json.canonicalText)}")
        #expect(viaDocument == viaJSON)
        #expect(try Configuration(jsonText: viaJSON.canonicalText) == viaJSON)
        #expect(try Configuration(jsonText: viaJSON.canonicalText, base: Stage.named("accelerating-shapes").configuration) == viaJSON)

        // Only that field changed.
        guard case .object(let before) = Configuration().json, case .object(let after) = viaJSON.json else {
            Issue.record("json is not an object"); return
        }
        for other in Self.fieldNames where other != name {
            #expect(before[other] == after[other], "\(other) changed when setting \(name)")
        }
    }

    @Test func numberFieldsAcceptIntegersAndNormaliseThem() throws {
        // A number field given an integer stores a Double: 1 and 1.0 give the same hash.
        let a = try Configuration().applying(.object(["centerRange": .integer(1), "speed": .array([.integer(1), .integer(2)])]))
        let b = try Configuration().applying(.object(["centerRange": .number(1), "speed": .array([.number(1), .number(2)])]))
        #expect(a == b && a.hash == b.hash)
        #expect(Self.value(a, "centerRange") == .number(1))
        #expect(a.canonicalText.contains("\"centerRange\":1.0"))
        // One value for a range means [v, v].
        let c = try Configuration().applying(overrides: [("speed", "2"), ("duration", "150")])
        #expect(c.speed == 2...2 && c.duration == 150...150)
    }

    @Test func shapesAreNormalisedToTheirDeclarationOrder() throws {
        let c = try Configuration().applying(overrides: [("shapes", "triangle,circle,quadrilater")])
        #expect(c.shapes == [.circle, .triangle, .quadrilateral])
        let d = try Configuration().applying(.object(["shapes": .array([.string("quadrilater"), .string("circle"), .string("triangle")])]))
        #expect(d == c && d.hash == c.hash)
    }

    @Test(arguments: fieldNames)
    func fieldRejectsValuesOutsideItsRangeOrOfTheWrongType(name: String) {
        let field = Self.field(name)
        for bad in Self.invalidJSON(field) {
            Self.expectInvalidValue(name, { () throws(ConfigurationError) in try Configuration().applying(.object([name: bad])) },
                                    "JSON \(bad.canonicalText)")
        }
        for bad in Self.invalidText(field) {
            Self.expectInvalidValue(name, { () throws(ConfigurationError) in try Configuration().applying(overrides: [(name, bad)]) },
                                    "text '\(bad)'")
        }
    }

    @Test(arguments: fieldNames)
    func fieldAcceptsItsBounds(name: String) throws {
        let field = Self.field(name)
        // The ends of every range are inside it (with the output side small enough for the
        // clip-size limit, and radiusRange's own rmin < rmax rule respected).
        let base = try Configuration().applying(overrides: [("resolution", "64"), ("frames", "16")])
        switch field.kind {
        case .integer(let r):
            for v in [r.lowerBound, r.upperBound] {
                let c = try base.applying(overrides: [(name, String(v))])
                #expect(Self.value(c, name) == .integer(Int64(v)))
            }
        case .number(let r):
            for v in [r.lowerBound, r.upperBound] {
                #expect(Self.value(try base.applying(.object([name: .number(v)])), name) == .number(v))
            }
        case .integerRange(let r):
            let c = try base.applying(.object([name: .array([.integer(Int64(r.lowerBound)), .integer(Int64(r.upperBound))])]))
            #expect(Self.value(c, name) == .array([.integer(Int64(r.lowerBound)), .integer(Int64(r.upperBound))]))
        case .numberRange(let r):
            let c = try base.applying(.object([name: .array([.number(r.lowerBound), .number(r.upperBound)])]))
            #expect(Self.value(c, name) == .array([.number(r.lowerBound), .number(r.upperBound)]))
        case .choice(let options):
            for option in options {
                #expect(Self.value(try base.applying(overrides: [(name, option)]), name) == .string(option))
            }
        case .sha256:
            #expect(Self.value(try base.applying(overrides: [(name, "")]), name) == .string(""))
        case .choiceList(let options, _):
            let all = try base.applying(overrides: [(name, options.joined(separator: ","))])
            #expect(Self.value(all, name) == .array(options.map(JSONValue.string)))
            for option in options {
                #expect(Self.value(try base.applying(overrides: [(name, option)]), name) == .array([.string(option)]))
            }
        }
    }

    @Test func unknownFieldsAreRejected() {
        for name in ["nosuch", "Resolution", "", "speed ", "radius_range"] {
            #expect(throws: ConfigurationError.unknownField(name, known: Configuration.fieldNames)) {
                try Configuration().applying(.object([name: .integer(1)]))
            }
            #expect(throws: ConfigurationError.unknownField(name, known: Configuration.fieldNames)) {
                try Configuration().applying(overrides: [(name, "1")])
            }
        }
        let error = ConfigurationError.unknownField("nosuch", known: Configuration.fieldNames)
        #expect(error.description.contains("'nosuch'") && error.description.contains("radiusRange"))
        #expect(error.field == "nosuch")
    }

    @Test func nonObjectDocumentsAreRejected() {
        for document in [JSONValue.array([]), .integer(1), .null, .string("{}")] {
            let error = #expect(throws: ConfigurationError.self) { try Configuration().applying(document) }
            guard case .malformedJSON(let detail)? = error else { Issue.record("\(String(describing: error))"); continue }
            #expect(detail.contains("a configuration is a JSON object"))
        }
        let error = #expect(throws: ConfigurationError.self) { try Configuration(jsonText: "{\"objects\": 10,}") }
        guard case .malformedJSON? = error else { Issue.record("\(String(describing: error))"); return }
    }

    @Test func radiusRangeNeedsMinBelowMax() throws {
        for (lo, hi) in [(0.5, 0.5), (0.001, 0.001), (2.0, 2.0)] {
            // Equal ends pass the per-field check (low ≤ high) and fail the relation rmin < rmax.
            #expect(throws: ConfigurationError.invalidValue(field: "radiusRange", value: "[\(lo),\(hi)]", allowed: "rmin < rmax")) {
                try Configuration().applying(.object(["radiusRange": .array([.number(lo), .number(hi)])]))
            }
        }
        Self.expectInvalidValue("radiusRange", { () throws(ConfigurationError) in
            try Configuration().applying(.object(["radiusRange": .array([.number(0.6), .number(0.5)])]))
        }, "min > max")
        #expect(throws: ConfigurationError.self) { try Configuration().applying(overrides: [("radiusRange", "0.5")]) }
        #expect(throws: ConfigurationError.self) { try Configuration().applying(overrides: [("radiusRange", "0.5,0.5")]) }
        let ok = try Configuration().applying(overrides: [("radiusRange", "0.5,0.5000001")])
        #expect(ok.radiusRange == 0.5...0.5000001)
    }

    @Test func clipSizeLimit() throws {
        // frames × side² × 3 ≤ 64 MiB: 21 frames of 1024² (63 MiB) pass, 22 (66 MiB) do not.
        let ok = try Configuration().applying(overrides: [("resolution", "1024"), ("frames", "21")])
        #expect(ok.frames * ok.outputSide * ok.outputSide * 3 <= Configuration.maxClipBytes)
        for (resolution, frames) in [(1024, 22), (1024, 256), (512, 86), (256, 256 + 0)] where frames * resolution * resolution * 3 > 64 << 20 {
            do {
                let c = try Configuration().applying(overrides: [("resolution", String(resolution)), ("frames", String(frames))])
                Issue.record("accepted \(frames) frames of \(resolution)²: \(c.canonicalText)")
            } catch {
                guard case .invalidValue(let field, let value, let allowed) = error else { Issue.record("\(error)"); continue }
                #expect(field == "frames")
                #expect(value.contains("\(frames)") && value.contains("\(resolution)"))
                #expect(allowed.contains("\(Configuration.maxClipBytes)"))
            }
        }
        // 256 frames of 256² are exactly 48 MiB: allowed. 512² × 85 frames = 63.75 MiB: allowed.
        _ = try Configuration().applying(overrides: [("frames", "256")])
        _ = try Configuration().applying(overrides: [("resolution", "512"), ("frames", "85")])
        // The limit is on the output side: with the crop on, the crop size counts, not the canvas.
        let cropped = try Configuration().applying(overrides: [("resolution", "1024"), ("frames", "256"),
                                                               ("crop", "videomae-multiscale"), ("cropSize", "224")])
        #expect(cropped.outputSide == 224)
        #expect(throws: ConfigurationError.self) {
            try cropped.applying(overrides: [("cropSize", "512")])
        }
        // The JSON route checks the same relation.
        #expect(throws: ConfigurationError.self) {
            try Configuration().applying(.object(["resolution": .integer(1024), "frames": .integer(22)]))
        }
    }

    // MARK: Canonical text, hash, scene digest

    @Test func defaultCanonicalTextIsPinned() {
        #expect(Configuration().canonicalText == #"""
            {"acceleration":0.0,"background":"black","centerRange":2.0,"circleTransform":"ellipse-degree-tilt","color":"uniform-rgb","crop":"none","cropSize":224,"direction":[0.0,360.0],"duration":[100,200],"frames":16,"objects":500,"radiusExponent":3,"radiusPoints":200,"radiusRange":[0.1,1.0],"resolution":256,"rotationSpeed":0.0,"scaleSpeed":0.0,"shapes":["circle"],"shearSpeed":0.0,"speed":[0.0,0.0],"stride":4,"transformPivot":"quarter-radius"}
            """#)
        #expect(Configuration().hash == "4ddd8710cfa335060fa9440a954b288c6de786a95c9dd1f4cf4de9d7dd85585d")
        // The hash is the hex SHA-256 of the canonical text.
        #expect(Configuration().hash == sha256Hex(Array(Configuration().canonicalText.utf8)))
        #expect(Configuration().hash.count == 64 && Configuration().hash.allSatisfy { "0123456789abcdef".contains($0) })
    }

    /// The hash of every preset, pinned. A change means every clip of that stage changes: it must
    /// come with a generator version bump and new goldens, and the lead must know.
    static let pinnedPresetHashes: [String: String] = [
        "static-circles": "4ddd8710cfa335060fa9440a954b288c6de786a95c9dd1f4cf4de9d7dd85585d",
        "moving-circles": "aeadfaa00ff0ad37195850a3093be9e731cc95f3194ac182af198523d81d5873",
        "moving-shapes": "d45081c95aef21e576f5affaaf2b79eb73c3b3eb250e5d9752584bdab905eb79",
        "transforming-shapes": "bc073f513423ae26ca6c78a059c08e30cd146ff7ba53d7408d1466b77872290c",
        "accelerating-shapes": "4680dce283261ed7646bd2ab2bcddb4634ffff29bfc31b6a2bf7ed78cda9c27d",
        "accelerating-textures": "4219f5cea0cf4361554476e0748ec74f8a0e5d2328d1073cca9a2edceb9b2a76",
        "accelerating-stylegan": "08b18e7585092eae82896082396a2b21273cf1261123c78a97769cda5d2066e3",
        "accelerating-image-crops": "f853ceab1ec60f17a1eb7ee4d901cfa1775f120cf1973d6a2a1090bb6801b606",
        "moving-circles-slow": "652fd7f54be25447a6d5c2ab31dd5cca7eb716e3f8bb84070f80cdd3e76dd09f",
        "moving-shapes-slow": "8793c8b7f2ce992b2cc94f80c5b2ecb8a05c7afa9b25b40bd043a11568489584",
        "transforming-shapes-slow": "4b7019751d4e74b91c8448758ca1c55d6af5efe6b264d5a405107106ff0ae1f3",
        "accelerating-shapes-slow": "5fffb4e1cf8d704bdf4ec6a8952377e2c8f254e603145c5a1e51778fe9a8f0fd",
        "accelerating-textures-slow": "5479fd5d001da28470855f5c1f115ef0f9d6a6a02633d8e46309c0c412713ef1",
        "accelerating-stylegan-slow": "9f9781e347ba9db9f3277bb382e6e6cfe40de27f4c4eb67bf829c7cb733fe16b",
        "accelerating-image-crops-slow": "1b3527858d3e9720879fd6001af52d8916394c718576b4f4d17ecdeb22284685",
        "accelerating-shapes-color-background": "ba3db422bed8dd78680a4c938676d495048d15a4122178a799875082ba0140fc",
        "accelerating-shapes-image-background": "2ed968bb47a54a9b208e5c52630868a106c81ff41117a22cdccf7ab57b31a1a7",
        "accelerating-shapes-static-images": "88b0e8ec976e3e9e7349094228124799222c3f51511da5b0b68259eef92fce51",
        "accelerating-textures-color-background": "4357a70a506cd58b571bf02c97cb7e5475ba52f1fe65e6e4dddc9da2e9a62565",
        "accelerating-textures-saturated": "40b9ebeec869b237c897329b737949866012858a2e1d8bb9b9ada6e86b696a8c",
        "accelerating-stylegan-dynamic": "fac9ada1bc44eb7e5c1d9ccce0033106d416336c8be1c872737d3d7ef06c07f9",
        "accelerating-textures-and-images": "158e5c9bab051a1d3c258b97aca2c2cdb8c1f591bfa0e2f71c55fb3b79a63c76",
    ]

    @Test func presetHashesArePinned() {
        #expect(Set(Stage.ids) == Set(Self.pinnedPresetHashes.keys))
        for stage in Stage.all {
            #expect(stage.configuration.hash == Self.pinnedPresetHashes[stage.id], "\(stage.id)")
            // Stable: rebuilding the configuration from its canonical text gives the same text.
            let rebuilt = try? Configuration(jsonText: stage.configuration.canonicalText)
            #expect(rebuilt == stage.configuration)
            #expect(rebuilt?.canonicalText == stage.configuration.canonicalText)
        }
    }

    @Test func canonicalTextIsCompactAndSorted() {
        let text = Configuration().canonicalText
        #expect(!text.contains(" ") && !text.contains("\n"))
        let keys = Configuration.fields.filter { !$0.addedLater }.map(\.name)
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var position = text.startIndex
        for key in keys {
            guard let range = text.range(of: "\"\(key)\":", range: position..<text.endIndex) else {
                Issue.record("\(key) missing or out of order"); return
            }
            position = range.upperBound
        }
    }

    @Test func hashChangesWithEveryField() throws {
        var hashes: Set<String> = [Configuration().hash]
        var digests: Set<SceneDigest> = [Configuration().sceneDigest]
        for field in Configuration.fields {
            let changed = try Configuration().applying(.object([field.name: Self.alternative(field).json]))
            #expect(changed.hash != Configuration().hash, "\(field.name)")
            hashes.insert(changed.hash)
            if field.shapesScene {
                #expect(changed.sceneDigest != Configuration().sceneDigest, "\(field.name) shapes the scene")
                digests.insert(changed.sceneDigest)
            } else {
                #expect(changed.sceneDigest == Configuration().sceneDigest, "\(field.name) does not shape the scene")
            }
        }
        #expect(hashes.count == Configuration.fields.count + 1)
        #expect(digests.count == Configuration.fields.filter(\.shapesScene).count + 1)
        // Small numeric changes count too.
        let nudged = try Configuration().applying(.object(["centerRange": .number(2.0.nextUp)]))
        #expect(nudged.hash != Configuration().hash && nudged.sceneDigest != Configuration().sceneDigest)
    }

    @Test func sceneDigestIgnoresOutputFieldsTogether() throws {
        let base = try Stage.named("accelerating-shapes").configuration
        let output = try base.applying(overrides: [("resolution", "128"), ("frames", "8"), ("stride", "2"),
                                                   ("crop", "videomae-multiscale"), ("cropSize", "112")])
        #expect(output.hash != base.hash)
        #expect(output.sceneDigest == base.sceneDigest)
        // The streams keyed by it are the same: a 128-pixel render is the same scene.
        let a = CounterRandom(scene: base.sceneDigest, seed: 9, purpose: .object, index: 3)
        let b = CounterRandom(scene: output.sceneDigest, seed: 9, purpose: .object, index: 3)
        #expect(a.bits(0) == b.bits(0))
        // And a scene field changes it even when the output fields are back to the defaults.
        let scene = try output.applying(overrides: [("objects", "499"), ("resolution", "256")])
        #expect(scene.sceneDigest != base.sceneDigest)
    }

    // MARK: Presets

    static let mainStages = ["static-circles", "moving-circles", "moving-shapes", "transforming-shapes", "accelerating-shapes"]

    @Test func presetIdsAreUniqueAndParentsComeFirst() {
        #expect(Set(Stage.ids).count == Stage.ids.count)
        #expect(Stage.ids == Stage.all.map(\.id))
        for (i, stage) in Stage.all.enumerated() {
            #expect(!stage.title.isEmpty && !stage.adds.isEmpty, "\(stage.id)")
            if let parent = stage.parent {
                let p = Stage.ids.firstIndex(of: parent)
                #expect(p != nil && p! < i, "\(stage.id)'s parent \(parent) comes first")
                #expect(!stage.delta.isEmpty, "\(stage.id) adds something")
            } else {
                #expect(stage.id == "static-circles", "only the first stage is a root")
                #expect(stage.delta.isEmpty && stage.configuration == Configuration())
            }
        }
    }

    @Test func eachPresetIsItsParentPlusItsDelta() throws {
        for stage in Stage.all {
            let parent = try stage.parent.map { try Stage.named($0).configuration } ?? Configuration()
            #expect(try parent.applying(.object(stage.delta)) == stage.configuration, "\(stage.id)")
            // The delta names only real fields, and each really changes its parent.
            for name in stage.delta.keys {
                #expect(Configuration.field(named: name) != nil, "\(stage.id): \(name)")
                #expect(Self.value(parent, name) != Self.value(stage.configuration, name), "\(stage.id): \(name) is a no-op")
            }
            // Every other field is inherited.
            for name in Self.fieldNames where stage.delta[name] == nil {
                #expect(Self.value(parent, name) == Self.value(stage.configuration, name), "\(stage.id): \(name)")
            }
        }
    }

    @Test func theFiveMainStagesInProgressionOrder() throws {
        #expect(Array(Stage.ids.prefix(5)) == Self.mainStages)
        for (i, id) in Self.mainStages.enumerated() {
            #expect(try Stage.named(id).parent == (i == 0 ? nil : Self.mainStages[i - 1]))
        }
        let s1 = try Stage.named("static-circles").configuration
        let s2 = try Stage.named("moving-circles").configuration
        let s3 = try Stage.named("moving-shapes").configuration
        let s4 = try Stage.named("transforming-shapes").configuration
        let s5 = try Stage.named("accelerating-shapes").configuration

        // Stage 1: static dead-leaves circles (v ≡ 0).
        #expect(s1.shapes == [.circle] && s1.speed == 0...0 && s1.isStatic && s1.objects == 500)
        // Stage 2: speeds U[1.2, 3.0) px/frame.
        #expect(s2.shapes == [.circle] && s2.speed == 1.2...3.0 && !s2.isStatic)
        #expect(s2.acceleration == 0 && s2.rotationSpeed == 0 && s2.scaleSpeed == 0 && s2.shearSpeed == 0)
        // Stage 3: six shapes, uniformly.
        #expect(s3.shapes == Shape.allCases && s3.shapes.count == 6)
        #expect(Set(s3.shapes.map(\.rawValue)) == ["circle", "square", "oriented_square", "rectangle", "triangle", "quadrilater"])
        #expect(s3.speed == 1.2...3.0 && s3.rotationSpeed == 0)
        // Stage 4: ω ~ U[−π/100, π/100) rad/frame = ±1.8°/frame, scale and shear speeds ±0.005.
        #expect(s4.rotationSpeed == 1.8)
        #expect(abs(DeterministicMath.radians(degrees: s4.rotationSpeed) - .pi / 100) <= (Double.pi / 100).ulp)
        #expect(s4.scaleSpeed == 0.005 && s4.shearSpeed == 0.005 && s4.acceleration == 0)
        // D1/D2: the on-the-fly circle rule for stages 4–5.
        #expect(s4.circleTransform == .ellipseDegreeTilt && s5.circleTransform == .ellipseDegreeTilt)
        // Stage 5: acceleration bound 0.03.
        #expect(s5.acceleration == 0.03)
        #expect(s5.rotationSpeed == 1.8 && s5.scaleSpeed == 0.005 && s5.shearSpeed == 0.005 && s5.speed == 1.2...3.0)
        // Everything else is the reference's throughout (§11).
        for c in [s1, s2, s3, s4, s5] {
            #expect(c.resolution == 256 && c.objects == 500 && c.radiusExponent == 3 && c.radiusRange == 0.1...1.0)
            #expect(c.radiusPoints == 200 && c.centerRange == 2 && c.direction == 0...360 && c.duration == 100...200)
            #expect(c.frames == 16 && c.stride == 4 && c.crop == .none && c.background == .black)
            #expect(c.transformPivot == .quarterRadius && c.color == .uniformRGB)
        }
    }

    @Test func shapesAreSixFromMovingShapesOnwards() throws {
        func descendsFromMovingShapes(_ stage: Stage) -> Bool {
            var current: String? = stage.id
            while let id = current {
                if id == "moving-shapes" { return true }
                current = Stage.all.first { $0.id == id }?.parent
            }
            return false
        }
        for stage in Stage.all {
            if descendsFromMovingShapes(stage) {
                #expect(stage.configuration.shapes.count == 6, "\(stage.id)")
            } else {
                #expect(stage.configuration.shapes == [.circle], "\(stage.id)")
            }
        }
    }

    @Test func slowVariantsHalveTheSpeedRange() throws {
        let slow = Stage.all.filter { $0.id.hasSuffix("-slow") }
        #expect(Set(slow.map(\.id)) == ["moving-circles-slow", "moving-shapes-slow", "transforming-shapes-slow",
                                        "accelerating-shapes-slow", "accelerating-textures-slow",
                                        "accelerating-stylegan-slow", "accelerating-image-crops-slow"])
        for stage in slow {
            #expect(stage.configuration.speed == 0.6...1.5, "\(stage.id)")
            #expect(stage.parent == String(stage.id.dropLast("-slow".count)))
            #expect(Set(stage.delta.keys) == ["speed"])
            // D8: acceleration unchanged.
            let parent = try Stage.named(stage.parent!).configuration
            #expect(stage.configuration.acceleration == parent.acceleration)
            var unslowed = stage.configuration
            unslowed.speed = parent.speed
            #expect(unslowed == parent)
        }
        let background = try Stage.named("accelerating-shapes-color-background")
        #expect(background.parent == "accelerating-shapes" && background.configuration.background == .randomColor)
    }

    @Test func unknownStage() {
        #expect(throws: ConfigurationError.unknownStage("nope", known: Stage.ids)) { try Stage.named("nope") }
        #expect(throws: ConfigurationError.self) { try Stage.named("Static-Circles") }
        #expect(throws: ConfigurationError.self) { try Stage.named("") }
        let error = ConfigurationError.unknownStage("nope", known: Stage.ids)
        #expect(error.description.contains("'nope'") && error.description.contains("moving-shapes"))
        #expect(error.field == "stage")
    }

    // MARK: Error descriptions

    @Test func errorDescriptionsNameTheFieldAndTheRange() {
        func describe(_ overrides: [(name: String, value: String)]) -> String {
            do { _ = try Configuration().applying(overrides: overrides); return "" } catch { return error.description }
        }
        let objects = describe([("objects", "0")])
        #expect(objects.contains("'objects'") && objects.contains("1...5000") && objects.contains("0"))
        let speed = describe([("speed", "5,1")])
        #expect(speed.contains("'speed'") && speed.contains("0.0 ≤ low ≤ high ≤ 64.0"))
        let color = describe([("color", "purple")])
        #expect(color.contains("'color'") && color.contains("uniform-rgb") && color.contains("purple"))
        let shapes = describe([("shapes", "hexagon")])
        #expect(shapes.contains("'shapes'") && shapes.contains("quadrilater"))
        let acceleration = describe([("acceleration", "2")])
        #expect(acceleration.contains("'acceleration'") && acceleration.contains("0.0...1.0"))
        let duration = describe([("duration", "0,10")])
        #expect(duration.contains("'duration'") && duration.contains("1 ≤ low ≤ high ≤ 10000"))
        let frames = describe([("frames", "0")])
        #expect(frames.contains("'frames'") && frames.contains("1...256"))
        let frameIndices = ConfigurationError.invalidFrames("frame index -1 is outside 0...9999")
        #expect(frameIndices.description.contains("-1") && frameIndices.field == "frames")
    }
}
