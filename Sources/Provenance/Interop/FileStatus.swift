#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the file system says about the database path, without SQLite.
enum FileStatus {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Why the file at `path` must not be written, or nil when it may be.
    ///
    /// - A missing file: it was removed.
    /// - A file with no write permission bit at all (`chmod a-w`): an operator marked it
    ///   read-only. This is checked from the mode bits on purpose, so the store behaves the same
    ///   for root (which the kernel lets write anyway) as for any other user, and so a store
    ///   that opened the file before the chmod stops writing through its open descriptor.
    /// - `access(W_OK)` refused: a read-only file system (`EROFS`), an immutable file
    ///   (`chattr +i`, `EPERM` even for root), or permissions for a non-root user.
    static func writeBlocker(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            return code == ENOENT ? "\(path) was removed" : "cannot stat \(path): \(describe(code))"
        }
        if info.st_mode & 0o222 == 0 {
            return "\(path) is read-only (no write permission bit is set)"
        }
        if access(path, W_OK) != 0 {
            return "\(path) cannot be written: \(describe(errno))"
        }
        return nil
    }

    /// Removes the WAL and shared-memory files left next to a database file that no longer
    /// exists, so a fresh database at the same path never replays another database's log.
    static func removeOrphanedSidecars(of path: String) {
        guard !exists(path) else { return }
        unlink(path + "-wal")
        unlink(path + "-shm")
    }

    private static func describe(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message) + " (errno \(code))"
    }
}
