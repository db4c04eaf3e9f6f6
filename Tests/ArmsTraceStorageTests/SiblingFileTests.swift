import ArmsTraceStorage
import Foundation
import Testing

/// The temporary files of exports, backups and restores: a writer killed halfway leaves one, and the next writer of
/// the same file removes it, but never one whose process still runs, nor another file's.
@Suite struct SiblingFileTests {
    @Test func theNextWriterRemovesWhatDeadWritersLeft() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sibling-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = finished.processIdentifier
        let names = [
            ".export.csv.\(dead).A.tmp", ".export.csv.\(dead).B.tmp-journal",  // a dead writer's: removed
            ".export.csv.\(getpid()).C.tmp",  // a running writer's: kept
            ".export.csv.D.tmp", ".other.csv.\(dead).E.tmp", "export.csv",  // not this scheme's, or another file's: kept
        ]
        for name in names { #expect(FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: Data())) }

        let temporary = SiblingFile.temporary(for: folder.appendingPathComponent("export.csv"))

        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(left == Set(names.dropFirst(2)))
        #expect(temporary.lastPathComponent.hasPrefix(".export.csv.\(getpid()).") && temporary.lastPathComponent.hasSuffix(".tmp"))
        #expect(!left.contains(temporary.lastPathComponent))
    }
}
