#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTP2Server

@Suite struct ByteBufferTests {
    @Test func referencesKeepOrderAcrossPartialConsumes() {
        let big1 = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }
        let big2 = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        func fill(_ b: ByteBuffer) {
            b.append([1, 2, 3])
            b.append(big1, from: 100, count: 9_000)
            b.append(big2)
            b.append([4, 5])
            b.append(big1, from: 0, count: 10)
        }
        let expected: [UInt8] = [1, 2, 3] + Array(big1[100..<9_100]) + big2 + [4, 5] + Array(big1[0..<10])
        let b = ByteBuffer(capacity: 64, allowsReferences: true)
        fill(b)
        #expect(b.readableBytes == expected.count)
        #expect(b.readAll() == expected)
        #expect(b.isEmpty)
        // Partial consumes at awkward offsets, then the rest.
        for cut in [1, 3, 4, 5000, 9003, 9004, 14_003, 14_005] {
            fill(b)
            b.consume(cut)
            #expect(b.readAll() == Array(expected[cut...]), "cut \(cut)")
        }
    }

    @Test func gatherWriteOverSocketpair() {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let big = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let b = ByteBuffer(capacity: 64, allowsReferences: true)
        b.append([9, 9])
        b.append(big)
        b.append([8])
        var received: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<100 where !b.isEmpty {
            let n = b.send(to: fds[0])
            #expect(n > 0)
            b.consume(n)
            let r = buf.withUnsafeMutableBytes { recv(fds[1], $0.baseAddress, $0.count, 0) }
            if r > 0 { received += buf[0..<r] }
        }
        for _ in 0..<100 where received.count < 20_003 {
            let r = buf.withUnsafeMutableBytes { recv(fds[1], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if r <= 0 { break }
            received += buf[0..<r]
        }
        #expect(received == [9, 9] + big + [8])
    }
}
