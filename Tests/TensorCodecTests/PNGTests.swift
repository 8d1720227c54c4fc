import Testing
@testable import TensorCodec

private let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

/// A 17x9 gradient with every channel different, so row or channel mix-ups show.
private func gradient(width: Int = 17, height: Int = 9) -> [UInt8] {
    var pixels: [UInt8] = []
    for y in 0..<height {
        for x in 0..<width {
            pixels += [UInt8(x * 15), UInt8(y * 28), UInt8((x * 7 + y * 11) % 256)]
        }
    }
    return pixels
}

/// CRC-32 (ISO 3309), as PNG chunks need.
private func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
    }
    return ~crc
}

private func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
}

/// A hand-made PNG (stored, uncompressed zlib stream), to feed the decoder formats the encoder
/// never writes: `colorType` 0 = grey, 6 = RGBA, at 8 bits per sample.
private func handMadePNG(width: Int, height: Int, colorType: UInt8, rows: [[UInt8]]) -> [UInt8] {
    let ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colorType, 0, 0, 0]
    let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }  // filter type 0 per row
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    let length = UInt16(raw.count)
    // zlib header, then one final stored deflate block: LEN and NLEN little-endian.
    var zlib: [UInt8] = [0x78, 0x01, 0x01]
    zlib += [UInt8(length & 0xFF), UInt8(length >> 8)]
    zlib += [UInt8(~length & 0xFF), UInt8(~length >> 8)]
    zlib += raw
    zlib += bigEndian((b << 16) | a)
    return pngSignature + chunk("IHDR", ihdr) + chunk("IDAT", zlib) + chunk("IEND", [])
}

struct PNGTests {
    @Test func reportsTheLinkedLibrary() {
        #expect(PNG.versionString.hasPrefix("1.6."))
    }

    @Test func gradientRoundTripsByteExact() throws {
        let pixels = gradient()
        let png = try PNG.encodeRGB(pixels, width: 17, height: 9)
        #expect(Array(png.prefix(8)) == pngSignature)
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        let decoded = try PNG.decodeRGB(png)
        #expect(decoded.width == 17)
        #expect(decoded.height == 9)
        #expect(decoded.pixels == pixels)
        let viaPointer = try pixels.withUnsafeBytes { try PNG.encodeRGB($0, width: 17, height: 9) }
        #expect(viaPointer == png)
    }

    @Test func convertsGreyAndRGBAToRGB() throws {
        let grey = handMadePNG(width: 3, height: 2, colorType: 0, rows: [[0, 128, 255], [7, 8, 9]])
        let decodedGrey = try PNG.decodeRGB(grey)
        #expect(decodedGrey.width == 3 && decodedGrey.height == 2)
        #expect(decodedGrey.pixels == [0, 0, 0, 128, 128, 128, 255, 255, 255, 7, 7, 7, 8, 8, 8, 9, 9, 9])

        let rgba = handMadePNG(width: 2, height: 1, colorType: 6, rows: [[10, 20, 30, 255, 200, 100, 50, 0]])
        let decodedRGBA = try PNG.decodeRGB(rgba)
        #expect(decodedRGBA.pixels == [10, 20, 30, 0, 0, 0], "opaque kept, transparent composited on black")
    }

    @Test func rejectsCorruptData() throws {
        let png = try PNG.encodeRGB(gradient(), width: 17, height: 9)
        var flipped = png
        flipped[png.count / 2] ^= 0xFF  // inside IDAT: its CRC no longer matches
        let cases: [(String, [UInt8])] = [
            ("not a PNG", Array("GIF89a, honestly".utf8)),
            ("signature only", pngSignature),
            ("truncated", Array(png.prefix(png.count / 2))),
            ("flipped byte", flipped),
            ("bad IHDR CRC", Array(png.prefix(29)) + [0, 0, 0, 0] + Array(png.dropFirst(33))),
        ]
        for (label, data) in cases {
            let error = #expect(throws: TensorCodecError.self, "\(label)") { try PNG.decodeRGB(data) }
            if let error {
                #expect(caseName(error) == "png", "\(label): \(error)")
                #expect(error.description.count > "PNG: ".count, "\(label): \(error)")
            }
        }
        #expect(throws: TensorCodecError.png("the input is empty")) { try PNG.decodeRGB([]) }
    }

    @Test func rejectsImagesOverTheLimitsBeforeDecodingThem() throws {
        let wide = handMadePNG(width: PNG.maxSide + 1, height: 1, colorType: 0, rows: [[0]])
        #expect(throws: TensorCodecError.imageTooLarge(width: PNG.maxSide + 1, height: 1)) { try PNG.decodeRGB(wide) }
        let huge = handMadePNG(width: 10_000, height: 10_000, colorType: 0, rows: [[0]])
        #expect(throws: TensorCodecError.imageTooLarge(width: 10_000, height: 10_000)) { try PNG.decodeRGB(huge) }
    }

    @Test func rejectsBadEncoderArguments() {
        #expect(throws: TensorCodecError.invalidImageDimensions(width: 0, height: 9)) {
            try PNG.encodeRGB([], width: 0, height: 9)
        }
        #expect(throws: TensorCodecError.imageTooLarge(width: 16385, height: 1)) {
            try PNG.encodeRGB([], width: 16385, height: 1)
        }
        #expect(throws: TensorCodecError.pixelBufferSize(expected: 17 * 9 * 3, actual: 17 * 9 * 3 - 1)) {
            try PNG.encodeRGB(Array(gradient().dropLast()), width: 17, height: 9)
        }
    }
}
