import CKeelProto

/// Owns the C memory behind the protobuf-c structs built for one pack call: nested messages,
/// copied strings and bytes, and repeated-field arrays.
///
/// Swift arrays and strings cannot lend protobuf-c pointers that outlive a closure, and a
/// message tree needs many of them at once, so everything is copied into memory this arena
/// owns. ``withArena(_:)`` frees it all when the pack is done; the arena never escapes.
final class CMessageArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    private init() {}

    /// Runs `body` with a fresh arena and frees everything it allocated afterwards.
    static func withArena<Result>(_ body: (CMessageArena) -> Result) -> Result {
        let arena = CMessageArena()
        defer { arena.freeAll() }
        return body(arena)
    }

    /// A new C message initialised by its protobuf-c `..._init` function.
    func message<Message>(
        _ initialize: (UnsafeMutablePointer<Message>?) -> Void
    ) -> UnsafeMutablePointer<Message> {
        let pointer = self.allocate(Message.self, count: 1)
        initialize(pointer)
        return pointer
    }

    /// A copy of `elements` in C memory; never `nil`, even for an empty array.
    func array<Element>(_ elements: [Element]) -> UnsafeMutablePointer<Element> {
        let pointer = self.allocate(Element.self, count: max(elements.count, 1))
        if !elements.isEmpty {
            pointer.initialize(from: elements, count: elements.count)
        }
        return pointer
    }

    /// A copy of `bytes` as protobuf-c binary data (with a valid pointer even when empty).
    func binaryData(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        ProtobufCBinaryData(len: bytes.count, data: self.array(bytes))
    }

    /// A NUL-terminated UTF-8 copy of `string`. (C strings end at the first NUL, so a Swift
    /// string containing one is cut there.)
    func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        var utf8 = Array(string.utf8).map { CChar(bitPattern: $0) }
        utf8.append(0)
        return self.array(utf8)
    }

    private func allocate<Element>(_ type: Element.Type, count: Int) -> UnsafeMutablePointer<Element> {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<Element>.stride * count,
            alignment: MemoryLayout<Element>.alignment
        )
        self.allocations.append(raw)
        return raw.bindMemory(to: Element.self, capacity: count)
    }

    private func freeAll() {
        // Every element stored here is a trivial C value, so no deinitialization is needed.
        for raw in self.allocations {
            raw.deallocate()
        }
        self.allocations.removeAll()
    }
}
