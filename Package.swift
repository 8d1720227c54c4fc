// swift-tools-version:6.0
import PackageDescription

// Arrows point one way: executable → {codec, synthesis, server}; the synthesis library
// depends on no other target of ours. C libraries are Debian's, found with pkg-config.
let package = Package(
    name: "SynthClips",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "synthclips", targets: ["synthclips"]),
        .library(name: "SyntheticVideo", targets: ["SyntheticVideo"]),
        .library(name: "TensorCodec", targets: ["TensorCodec"]),
        .library(name: "HTTP2Server", targets: ["HTTP2Server"]),
        .library(name: "Provenance", targets: ["Provenance"]),
        .library(name: "SynthClipsService", targets: ["SynthClipsService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: C libraries (module map + shim.h each, nothing else)
        .systemLibrary(name: "CNghttp2", path: "Sources/CNghttp2", pkgConfig: "libnghttp2",
                       providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng16",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSQLite3", path: "Sources/CSQLite3", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        // glibc's malloc.h (part of libc: nothing to link).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // MARK: Libraries
        // libm for the exact IEEE operations Swift lowers to calls (rounding, square root);
        // no transcendental function of it is used (see DeterministicMath).
        .target(name: "SyntheticVideo", dependencies: ["COpenSSL"], linkerSettings: [.linkedLibrary("m")]),
        .target(name: "TensorCodec", dependencies: ["CZstd", "CPNG", "CTurboJPEG"]),
        // The file-backed texture pools (image directories, banks): SyntheticVideo does no I/O.
        .target(name: "TextureStore", dependencies: ["SyntheticVideo", "TensorCodec"]),
        .target(name: "HTTP2Server", dependencies: ["CNghttp2", "COpenSSL"]),
        .target(name: "Provenance", dependencies: ["CSQLite3"]),
        .target(name: "SynthClipsService", dependencies: [
            "SyntheticVideo", "TensorCodec", "HTTP2Server", "Provenance",
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], resources: [.copy("Resources/openapi.yaml")]),

        // MARK: Executable
        // A tiny server over HTTP2Server for its end-to-end tests and benchmark (not shipped).
        .executableTarget(name: "http2-demo", dependencies: ["HTTP2Server"]),
        .executableTarget(name: "synthclips", dependencies: [
            "SyntheticVideo", "TensorCodec", "TextureStore", "Provenance", "SynthClipsService", "HTTP2Server", "CMalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests (one target per library target)
        .testTarget(name: "SyntheticVideoTests", dependencies: ["SyntheticVideo"],
                    resources: [.copy("Goldens")]),
        .testTarget(name: "TensorCodecTests", dependencies: ["TensorCodec"]),
        .testTarget(name: "TextureStoreTests", dependencies: ["TextureStore", "SyntheticVideo"]),
        .testTarget(name: "HTTP2ServerTests", dependencies: ["HTTP2Server", "CNghttp2"]),
        .testTarget(name: "ProvenanceTests", dependencies: ["Provenance"]),
    ],
    swiftLanguageModes: [.v6]
)
