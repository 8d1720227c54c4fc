import Testing
@testable import TensorCodec

@Test func placeholderTensorCodec() { #expect(Bool(true)) }
