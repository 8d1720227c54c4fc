import SyntheticVideo
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The file access of texture banks and image directories: the only I/O in this library, kept to
/// these few functions so that the generators stay pure.
enum TextureFiles {
    static func read(_ path: String) throws(TextureError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(TextureError) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unreadable(path: path, reason: "cannot write: \(error)")
        }
    }

    static func createDirectory(_ path: String) throws(TextureError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .unreadable(path: path, reason: "cannot create directory: \(error)")
        }
    }

    /// Relative paths of the regular files below `directory` (any depth), sorted by the bytes of
    /// their UTF-8 encoding (`/` separated).
    static func regularFiles(below directory: String) throws(TextureError) -> [String] {
        let manager = FileManager.default
        guard fileType(directory) == .typeDirectory else {
            throw .unreadable(path: directory, reason: "not a directory")
        }
        let all: [String]
        do { all = try manager.subpathsOfDirectory(atPath: directory) } catch {
            throw .unreadable(path: directory, reason: "\(error)")
        }
        let files = all.filter { fileType(join(directory, $0)) == .typeRegular }
        return files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The type of the file at `path` after following symbolic links, nil when it cannot be read.
    static func fileType(_ path: String) -> FileAttributeType? {
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: path))
            .map { $0.hasPrefix("/") ? $0 : join(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]), $0) } ?? path
        return (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType
    }

    static func join(_ directory: String, _ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }
}
