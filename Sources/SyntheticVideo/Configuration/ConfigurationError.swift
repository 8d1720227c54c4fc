/// Why a configuration, an override or a clip request was rejected. Every case names the field
/// or input at fault and, where there is one, the allowed range, so the message can be shown
/// to a user as is (CLI output, HTTP problem details).
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownField(String, known: [String])
    case invalidValue(field: String, value: String, allowed: String)
    case malformedJSON(String)
    case unknownStage(String, known: [String])
    case invalidFrames(String)
    /// The configuration uses the images pool and the renderer has none.
    case noImagePool
    /// The configuration names an images pool other than the renderer's.
    case imagePoolMismatch(requested: String, available: String)

    public var description: String {
        switch self {
        case .unknownField(let name, let known):
            return "unknown configuration field '\(name)'; known fields: \(known.joined(separator: ", "))"
        case .invalidValue(let field, let value, let allowed):
            return "invalid value \(value) for '\(field)': allowed \(allowed)"
        case .malformedJSON(let detail):
            return "malformed JSON configuration: \(detail)"
        case .unknownStage(let name, let known):
            return "unknown stage '\(name)'; known stages: \(known.joined(separator: ", "))"
        case .invalidFrames(let detail):
            return "invalid frames: \(detail)"
        case .noImagePool:
            return "this configuration takes pixels from an images pool (textures 'images', background 'image' or "
                + "staticImageShare > 0) and none is loaded: start the server (or `synthclips render`) with "
                + "--images DIR, a directory of PNG and JPEG files"
        case .imagePoolMismatch(let requested, let available):
            return "the configuration was cut from images pool \(requested), but the loaded pool is \(available)"
        }
    }

    /// The field or parameter the error is about, when there is one.
    public var field: String? {
        switch self {
        case .unknownField(let name, _): return name
        case .invalidValue(let field, _, _): return field
        case .unknownStage: return "stage"
        case .invalidFrames: return "frames"
        case .noImagePool: return "textures"
        case .imagePoolMismatch: return "imagePool"
        case .malformedJSON: return nil
        }
    }
}
