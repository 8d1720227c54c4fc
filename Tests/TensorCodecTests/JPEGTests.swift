import Testing
@testable import TensorCodec

/// A smooth 64x48 RGB gradient, every channel different, so row or channel mix-ups show and
/// JPEG at high quality stays close to it.
private func smoothGradient(width: Int = 64, height: Int = 48) -> [UInt8] {
    var pixels: [UInt8] = []
    pixels.reserveCapacity(width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            pixels += [UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)), UInt8((x + y) * 2)]
        }
    }
    return pixels
}

/// The largest difference between two equally long byte arrays.
private func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
    zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

/// The offset of the first baseline start-of-frame marker (FF C0), whose height and width are
/// the big-endian pairs at +5 and +7.
private func startOfFrame(_ jpeg: [UInt8]) -> Int? {
    jpeg.indices.dropLast().first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }
}

struct JPEGTests {
    @Test func gradientRoundTripsWithinASmallTolerance() throws {
        let pixels = smoothGradient()
        let jpeg = try JPEG.encodeRGB(width: 64, height: 48, pixels: pixels, quality: 95)
        #expect(Array(jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF])
        #expect(Array(jpeg.suffix(2)) == [0xFF, 0xD9])
        let decoded = try JPEG.decodeRGB(jpeg)
        #expect(decoded.width == 64)
        #expect(decoded.height == 48)
        #expect(decoded.pixels.count == pixels.count)
        #expect(maxDifference(decoded.pixels, pixels) <= 4)
    }

    @Test func decodesChromaSubsampledJPEGs() throws {
        // Most JPEGs in the wild are 4:2:0, which the public encoder never writes; odd sides
        // check that the half-resolution colour planes are cropped back correctly.
        let pixels = smoothGradient(width: 33, height: 17)
        let jpeg = try JPEG.encode(width: 33, height: 17, pixels: pixels, layout: .rgbSubsampled, quality: 95)
        let decoded = try JPEG.decodeRGB(jpeg)
        #expect(decoded.width == 33 && decoded.height == 17)
        #expect(maxDifference(decoded.pixels, pixels) <= 8)
    }

    @Test func greyJPEGsComeOutAsRGBWithEqualChannels() throws {
        let grey = (0..<(40 * 30)).map { (index: Int) -> UInt8 in UInt8((index % 40) * 5 + index / 40) }
        let jpeg = try JPEG.encode(width: 40, height: 30, pixels: grey, layout: .grey, quality: 95)
        let decoded = try JPEG.decodeRGB(jpeg)
        #expect(decoded.width == 40 && decoded.height == 30)
        #expect(decoded.pixels.count == grey.count * 3)
        var channelsDiffer = 0
        var reds: [UInt8] = []
        for pixel in stride(from: 0, to: decoded.pixels.count, by: 3) {
            let (r, g, b) = (decoded.pixels[pixel], decoded.pixels[pixel + 1], decoded.pixels[pixel + 2])
            if r != g || g != b { channelsDiffer += 1 }
            reds.append(r)
        }
        #expect(channelsDiffer == 0)
        #expect(maxDifference(reds, grey) <= 4)
    }

    @Test func rejectsCMYKJPEGs() throws {
        let cmyk = [UInt8](repeating: 40, count: 16 * 8 * 4)
        let jpeg = try JPEG.encode(width: 16, height: 8, pixels: cmyk, layout: .cmyk, quality: 90)
        let error = #expect(throws: TensorCodecError.self) { try JPEG.decodeRGB(jpeg) }
        #expect(error?.description.contains("CMYK JPEGs are not supported") == true, "\(String(describing: error))")
    }

    @Test func rejectsTruncatedGarbageAndEmptyInput() throws {
        let jpeg = try JPEG.encodeRGB(width: 64, height: 48, pixels: smoothGradient(), quality: 95)
        let garbage = randomBytes(4096, seed: 7)
        let cases: [(String, [UInt8])] = [
            ("start-of-image marker only", [0xFF, 0xD8, 0xFF]),
            ("header only", Array(jpeg.prefix(200))),
            ("truncated in the middle", Array(jpeg.prefix(jpeg.count / 2))),
            ("missing only the end-of-image marker", Array(jpeg.dropLast(2))),
            ("random garbage", garbage),
            ("garbage behind a start-of-image marker", [0xFF, 0xD8, 0xFF] + garbage),
            ("a PNG", try PNG.encodeRGB(smoothGradient(), width: 64, height: 48)),
        ]
        for (label, data) in cases {
            let error = #expect(throws: TensorCodecError.self, "\(label)") { try JPEG.decodeRGB(data) }
            if let error {
                #expect(caseName(error) == "jpeg", "\(label): \(error)")
                #expect(error.description.count > "JPEG: ".count, "\(label): \(error)")
            }
        }
        #expect(throws: TensorCodecError.jpeg("the input is empty")) { try JPEG.decodeRGB([]) }
    }

    @Test func survivesCorruptEntropyData() throws {
        // JPEG has no checksum: a flipped byte in the scan may decode to wrong pixels without a
        // word, or trip a warning and throw. Either way it must neither crash nor misreport size.
        let jpeg = try JPEG.encodeRGB(width: 64, height: 48, pixels: smoothGradient(), quality: 95)
        let scanStart = try #require(jpeg.indices.dropLast().first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDA })
        var generator = SplitMix64(state: 42)
        for trial in 0..<200 {
            var corrupt = jpeg
            for _ in 0..<(1 + trial % 4) {
                let offset = Int.random(in: (scanStart + 20)..<(jpeg.count - 2), using: &generator)
                corrupt[offset] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                let decoded = try JPEG.decodeRGB(corrupt)
                #expect(decoded.width == 64 && decoded.height == 48 && decoded.pixels.count == 64 * 48 * 3)
            } catch {
                #expect(caseName(error) == "jpeg", "trial \(trial): \(error)")
            }
        }
    }

    @Test func rejectsImagesOverTheLimitsBeforeDecodingThem() throws {
        let jpeg = try JPEG.encodeRGB(width: 64, height: 48, pixels: smoothGradient(), quality: 95)
        let sof = try #require(startOfFrame(jpeg))
        var wide = jpeg
        let width = ImageLimits.maxSide + 1
        wide[sof + 7] = UInt8(width >> 8)
        wide[sof + 8] = UInt8(width & 0xFF)
        #expect(throws: TensorCodecError.imageTooLarge(width: width, height: 48)) { try JPEG.decodeRGB(wide) }
    }

    @Test func decodingAndEncodingAreDeterministic() throws {
        let pixels = smoothGradient()
        let first = try JPEG.encodeRGB(width: 64, height: 48, pixels: pixels, quality: 95)
        let second = try JPEG.encodeRGB(width: 64, height: 48, pixels: pixels, quality: 95)
        #expect(first == second)
        let a = try JPEG.decodeRGB(first)
        let b = try JPEG.decodeRGB(first)
        #expect(a.width == b.width && a.height == b.height)
        #expect(a.pixels == b.pixels)
    }

    @Test func rejectsBadEncoderArguments() {
        let pixels = smoothGradient()
        #expect(throws: TensorCodecError.invalidImageDimensions(width: 0, height: 48)) {
            try JPEG.encodeRGB(width: 0, height: 48, pixels: [], quality: 95)
        }
        #expect(throws: TensorCodecError.imageTooLarge(width: 16385, height: 1)) {
            try JPEG.encodeRGB(width: 16385, height: 1, pixels: [], quality: 95)
        }
        #expect(throws: TensorCodecError.pixelBufferSize(expected: 64 * 48 * 3, actual: 64 * 48 * 3 - 1)) {
            try JPEG.encodeRGB(width: 64, height: 48, pixels: Array(pixels.dropLast()), quality: 95)
        }
        #expect(throws: TensorCodecError.pixelBufferSize(expected: 64 * 48, actual: 64 * 48 * 3)) {
            try JPEG.encode(width: 64, height: 48, pixels: pixels, layout: .grey, quality: 95)
        }
        for quality in [0, 101, -5] {
            #expect(throws: TensorCodecError.jpeg("quality must be between 1 and 100, got \(quality)")) {
                try JPEG.encodeRGB(width: 64, height: 48, pixels: pixels, quality: quality)
            }
        }
    }
}

struct ImageFileTests {
    @Test func sniffsTheFormatFromTheFirstBytes() {
        #expect(ImageFile.format(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
        #expect(ImageFile.format(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageFile.format(of: [0xFF, 0xD8]) == nil)
        #expect(ImageFile.format(of: Array("GIF89a".utf8)) == nil)
        #expect(ImageFile.format(of: []) == nil)
    }

    @Test func dispatchesToThePNGAndJPEGDecoders() throws {
        let pixels = smoothGradient()
        let png = try PNG.encodeRGB(pixels, width: 64, height: 48)
        let fromPNG = try ImageFile.decodeRGB(png)
        #expect(fromPNG.width == 64 && fromPNG.height == 48)
        #expect(fromPNG.pixels == pixels, "PNG is lossless")

        let jpeg = try JPEG.encodeRGB(width: 64, height: 48, pixels: pixels, quality: 95)
        let fromJPEG = try ImageFile.decodeRGB(jpeg)
        #expect(fromJPEG.width == 64 && fromJPEG.height == 48)
        #expect(fromJPEG.pixels == (try JPEG.decodeRGB(jpeg)).pixels)
    }

    @Test func passesOnTheFormatsOwnErrors() throws {
        let png = try PNG.encodeRGB(smoothGradient(), width: 64, height: 48)
        let jpeg = try JPEG.encodeRGB(width: 64, height: 48, pixels: smoothGradient(), quality: 95)
        let pngError = #expect(throws: TensorCodecError.self) { try ImageFile.decodeRGB(Array(png.prefix(60))) }
        #expect(pngError.map(caseName) == "png")
        let jpegError = #expect(throws: TensorCodecError.self) { try ImageFile.decodeRGB(Array(jpeg.prefix(300))) }
        #expect(jpegError.map(caseName) == "jpeg")
    }

    @Test func rejectsOtherFormatsAndEmptyInput() {
        let gif = Array("GIF89a".utf8) + [0x01, 0x00, 0x01, 0x00, 0x80, 0x00]
        #expect(throws: TensorCodecError.unknownImageFormat(leadingBytes: Array(gif.prefix(8)))) {
            try ImageFile.decodeRGB(gif)
        }
        #expect(TensorCodecError.unknownImageFormat(leadingBytes: Array(gif.prefix(8))).description
            == "image: not a PNG or JPEG file (it starts with 47 49 46 38 39 61 01 00)")
        #expect(throws: TensorCodecError.unknownImageFormat(leadingBytes: [])) { try ImageFile.decodeRGB([]) }
        #expect(TensorCodecError.unknownImageFormat(leadingBytes: []).description.contains("the input is empty"))
    }
}
