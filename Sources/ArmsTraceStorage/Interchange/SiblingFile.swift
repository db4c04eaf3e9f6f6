public import Foundation

/// How a file is replaced whole: written under a temporary name beside its final path, synced, and renamed over it.
///
/// The temporary name is `.NAME.PID.UUID.tmp`: hidden, never the final name, and carrying the writing process's ID,
/// so that a writer killed halfway leaves something the next writer of the same file can tell is abandoned and
/// remove (``temporary(for:)``).
public enum SiblingFile {
    /// A new temporary path beside `target`, after removing the temporary files of `target` whose process no longer
    /// runs (with their `-journal` and the like). A file whose process still runs is left, as is any other name.
    public static func temporary(for target: URL) -> URL {
        let folder = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent)."
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for entry in entries where entry.hasPrefix(prefix) {
            let parts = entry.dropFirst(prefix.count).split(separator: ".", maxSplits: 2)
            guard parts.count == 3, parts[2].hasPrefix("tmp"), let pid = pid_t(parts[0]), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(entry))
            }
        }
        return folder.appendingPathComponent("\(prefix)\(getpid()).\(UUID().uuidString).tmp")
    }

    /// Syncs a written file, renames it over `target` and syncs the folder, so the rename survives a power cut.
    /// - Throws: `StorageError` when the rename fails.
    public static func syncAndRename(_ file: URL, to target: URL) throws {
        let handle = try FileHandle(forUpdating: file)
        try handle.synchronize()
        try handle.close()
        guard rename(file.path, target.path) == 0 else { throw StorageError("cannot rename \(file.path) to \(target.path): errno \(errno)") }
        let folder = open(target.deletingLastPathComponent().path, O_RDONLY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}
