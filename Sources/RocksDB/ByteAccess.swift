#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives `body` the bytes of `bytes` without copying when the collection is contiguous
/// (arrays, array slices, buffer pointers, native strings' UTF-8 views), with one copy otherwise.
@inlinable
@inline(__always)
func withRawBytes<Bytes: Collection<UInt8>, Result, Failure: Error>(
    _ bytes: Bytes,
    _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
) throws(Failure) -> Result {
    let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
        Swift.Result { () throws(Failure) -> Result in try body(UnsafeRawBufferPointer(buffer)) }
    }
    if let contiguous {
        return try contiguous.get()
    }
    let copy = Array(bytes)
    return try copy.withUnsafeBytes { buffer in
        Swift.Result { () throws(Failure) -> Result in try body(buffer) }
    }.get()
}

/// Gives `body` a C pointer and length for `bytes`. The pointer is never nil, because the C API
/// reads a nil key pointer as "no key" in places (iterator bounds).
@inline(__always)
func withCBytes<Result, Failure: Error>(
    _ bytes: UnsafeRawBufferPointer,
    _ body: (UnsafePointer<CChar>, Int) throws(Failure) -> Result
) throws(Failure) -> Result {
    if let base = bytes.baseAddress {
        return try body(base.assumingMemoryBound(to: CChar.self), bytes.count)
    }
    var empty: CChar = 0
    return try withUnsafePointer(to: &empty) { pointer in
        Swift.Result { () throws(Failure) -> Result in try body(pointer, 0) }
    }.get()
}

/// Gives `body` a C array of C strings that lives for the duration of the call.
func withCStringArray<Result, Failure: Error>(
    _ strings: [String],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws(Failure) -> Result
) throws(Failure) -> Result {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return try pointers.withUnsafeBufferPointer { buffer in
        Swift.Result { () throws(Failure) -> Result in try body(buffer.baseAddress!) }
    }.get()
}
