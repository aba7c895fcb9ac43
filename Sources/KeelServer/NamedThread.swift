import Foundation

/// Starts the server's own threads under names that `top -H`, `ps -L`, `/proc/<pid>/task` and
/// `perf` show. On Linux, Foundation's `Thread.name` does not reach the kernel: a new thread
/// kept the name of the thread that created it (often a Dispatch worker's), so the driver,
/// apply and writer threads could not be told apart when profiling. The thread names itself
/// before it runs `body`.
enum NamedThread {
    /// - Parameters:
    ///   - name: at most 15 bytes (the kernel's limit); longer names are cut.
    ///   - stackSize: bytes of stack, or nil for the default.
    static func start(_ name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            // Swift's Glibc module has neither pthread_setname_np nor a callable prctl; the
            // kernel takes the name from this file as well. Where it is missing, the name is
            // only Foundation's.
            if let file = fopen("/proc/thread-self/comm", "w") {
                fputs(String(decoding: name.utf8.prefix(15), as: UTF8.self), file)
                fclose(file)
            }
            body()
        }
        thread.name = name
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }
}
