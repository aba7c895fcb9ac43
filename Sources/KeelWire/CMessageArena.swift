import CKeelProto

/// Owns the C memory behind the protobuf-c structs built for one pack call (nested messages,
/// copied strings and bytes, repeated-field arrays), or unpacked by one unpack call.
///
/// Swift arrays and strings cannot lend protobuf-c pointers that outlive a closure, and a
/// message tree needs many of them at once, so everything is copied into memory this arena
/// owns. ``withArena(_:)`` frees it all when the pack is done; the arena never escapes.
///
/// Pieces are carved out of blocks rather than allocated one by one: a page of 30 sorted-set
/// members is about 60 pieces, a `malloc` and a `free` each otherwise. A block stays under
/// glibc's large-chunk size (1 KiB), whose allocation would first consolidate the fast bins.
final class CMessageArena {
    /// The bytes of a block, its link to the previous block included.
    static let blockSize = 992
    /// Every block starts with the address of the block before it.
    private static let headerSize = 16
    /// The alignment of every piece handed to protobuf-c's allocator interface, like malloc's.
    static let mallocAlignment = 16

    /// The newest block (or piece too large for a block), the head of the list of all of them.
    private var newest: UnsafeMutableRawPointer?
    /// The unused part of the newest shared block.
    private var free: UnsafeMutableRawPointer?
    private var freeBytes = 0

    private init() {}

    /// Runs `body` with a fresh arena and frees everything it allocated afterwards.
    static func withArena<Result, Failure: Error>(_ body: (CMessageArena) throws(Failure) -> Result) throws(Failure) -> Result {
        let arena = CMessageArena()
        defer { arena.freeAll() }
        return try body(arena)
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

    /// An array of `count` elements in C memory, element `i` being `element(i)`, built without
    /// the Swift array ``array(_:)`` copies from; never `nil`, even for an empty array.
    func array<Element>(count: Int, _ element: (Int) -> Element) -> UnsafeMutablePointer<Element> {
        let pointer = self.allocate(Element.self, count: max(count, 1))
        for index in 0..<count {
            (pointer + index).initialize(to: element(index))
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

    /// Runs `body` with a protobuf-c allocator that takes its memory from this arena (and
    /// frees nothing: the arena frees it all at the end), for unpacking.
    func withAllocator<Result, Failure: Error>(
        _ body: (UnsafeMutablePointer<ProtobufCAllocator>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var allocator = ProtobufCAllocator(
            alloc: { data, size in
                Unmanaged<CMessageArena>.fromOpaque(data!).takeUnretainedValue()
                    .allocate(byteCount: size, alignment: CMessageArena.mallocAlignment)
            },
            free: { _, _ in },
            allocator_data: Unmanaged.passUnretained(self).toOpaque()
        )
        return try withUnsafeMutablePointer(to: &allocator) { pointer throws(Failure) in try body(pointer) }
    }

    private func allocate<Element>(_ type: Element.Type, count: Int) -> UnsafeMutablePointer<Element> {
        let raw = self.allocate(
            byteCount: MemoryLayout<Element>.stride * count,
            alignment: MemoryLayout<Element>.alignment
        )
        return raw.bindMemory(to: Element.self, capacity: count)
    }

    private func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        precondition(alignment <= Self.headerSize, "C values need at most 16-byte alignment")
        if let free = self.free {
            let padding = free.alignedUp(toMultipleOf: alignment) - free
            if padding + byteCount <= self.freeBytes {
                self.free = free + padding + byteCount
                self.freeBytes -= padding + byteCount
                return free + padding
            }
        }
        let usable = Self.blockSize - Self.headerSize
        if byteCount > usable / 4 {
            // Its own allocation, linked in behind the newest block so that block keeps serving.
            let piece = UnsafeMutableRawPointer.allocate(byteCount: Self.headerSize + byteCount, alignment: Self.headerSize)
            if let newest = self.newest {
                piece.storeBytes(of: newest.load(as: UnsafeMutableRawPointer?.self), as: UnsafeMutableRawPointer?.self)
                newest.storeBytes(of: piece, as: UnsafeMutableRawPointer?.self)
            } else {
                piece.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
                self.newest = piece
            }
            return piece + Self.headerSize
        }
        let block = UnsafeMutableRawPointer.allocate(byteCount: Self.blockSize, alignment: Self.headerSize)
        block.storeBytes(of: self.newest, as: UnsafeMutableRawPointer?.self)
        self.newest = block
        self.free = block + Self.headerSize + byteCount
        self.freeBytes = usable - byteCount
        return block + Self.headerSize
    }

    private func freeAll() {
        // Every element stored here is a trivial C value, so no deinitialization is needed.
        var next = self.newest
        while let block = next {
            next = block.load(as: UnsafeMutableRawPointer?.self)
            block.deallocate()
        }
        self.newest = nil
        self.free = nil
        self.freeBytes = 0
    }
}
