import Testing
@testable import HTTP2Server

@Test func placeholderHTTP2Server() { #expect(Bool(true)) }
