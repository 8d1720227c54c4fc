import Testing
@testable import SyntheticVideo

@Test func placeholderSyntheticVideo() { #expect(Bool(true)) }
