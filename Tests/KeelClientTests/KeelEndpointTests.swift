import KeelClient
import XCTest

final class KeelEndpointTests: XCTestCase {
    func testParsesHostAndPort() throws {
        XCTAssertEqual(try KeelEndpoint(parsing: "127.0.0.1:7101"), KeelEndpoint(host: "127.0.0.1", port: 7101))
        XCTAssertEqual(try KeelEndpoint(parsing: " node-2.local:80 "), KeelEndpoint(host: "node-2.local", port: 80))
        XCTAssertEqual(try KeelEndpoint(parsing: "[::1]:7102"), KeelEndpoint(host: "::1", port: 7102))
        XCTAssertEqual(KeelEndpoint(host: "::1", port: 7102).description, "[::1]:7102")
        XCTAssertEqual(KeelEndpoint(host: "10.0.0.1", port: 1).description, "10.0.0.1:1")
    }

    func testRejectsAddressesWithoutHostOrValidPort() {
        for text in ["", "localhost", ":7101", "host:", "host:0", "host:65536", "host:port", "[]:1"] {
            XCTAssertThrowsError(try KeelEndpoint(parsing: text), text) { error in
                XCTAssertEqual(error as? KeelError, .invalidEndpoint(text))
            }
        }
    }
}
