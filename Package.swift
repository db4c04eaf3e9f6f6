// swift-tools-version:6.2
import PackageDescription

/// Upcoming features applied to every target, tests included (house style point 1).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ArmsTrace",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "armstrace", targets: ["armstrace"]),
        .library(name: "ArmsTraceDomain", targets: ["ArmsTraceDomain"]),
        .library(name: "ArmsTraceStorage", targets: ["ArmsTraceStorage"]),
        .library(name: "ArmsTraceWeb", targets: ["ArmsTraceWeb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        // Domain: models, validation, errors and repository contracts. Foundation only, no I/O.
        .target(
            name: "ArmsTraceDomain",
            swiftSettings: swiftSettings
        ),
        // libxcrypt from Debian (libcrypt-dev): bcrypt for passwords.
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt", providers: [.apt(["libcrypt-dev"])]),
        // SQLite's process-wide settings (threading mode, memory statistics), set through its variadic C call.
        .systemLibrary(name: "CSQLiteSettings", path: "Sources/CSQLiteSettings", providers: [.apt(["libsqlite3-dev"])]),
        // Storage: the repository contracts on SQLite (GRDB) and PostgreSQL (PostgresNIO), the CSV importer and
        // exporter, the copy between stores.
        .target(
            name: "ArmsTraceStorage",
            dependencies: [
                "ArmsTraceDomain",
                "CCrypt",
                "CSQLiteSettings",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Search: the in-memory serial index. Pure computation over the domain's definitions.
        .target(
            name: "ArmsTraceSearch",
            dependencies: ["ArmsTraceDomain"],
            swiftSettings: swiftSettings
        ),
        // The conformance suite every storage backend's tests run.
        .target(
            name: "ArmsTraceStorageTesting",
            dependencies: ["ArmsTraceDomain"],
            swiftSettings: swiftSettings
        ),
        // Web: buildApplication, the JSON API, the HTML pages.
        .target(
            name: "ArmsTraceWeb",
            dependencies: [
                "ArmsTraceDomain",
                "ArmsTraceSearch",
                "ArmsTraceStorage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // The command tree of the `armstrace` tool, as a library so tests can parse it.
        .target(
            name: "ArmsTraceCommands",
            dependencies: [
                "ArmsTraceDomain",
                "ArmsTraceSearch",
                "ArmsTraceStorage",
                "ArmsTraceWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "armstrace",
            dependencies: [
                "ArmsTraceCommands",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArmsTraceDomainTests",
            dependencies: ["ArmsTraceDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArmsTraceSearchTests",
            dependencies: ["ArmsTraceDomain", "ArmsTraceSearch"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArmsTraceStorageTests",
            dependencies: [
                "ArmsTraceDomain", "ArmsTraceStorage", "ArmsTraceStorageTesting", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArmsTraceWebTests",
            dependencies: [
                "ArmsTraceDomain",
                "ArmsTraceSearch",
                "ArmsTraceStorage",
                "ArmsTraceWeb",
                .product(name: "Crypto", package: "swift-crypto"),
                // Only to hold an SQLite file's write lock as another process would.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArmsTraceCommandsTests",
            dependencies: ["ArmsTraceCommands", "ArmsTraceDomain", "ArmsTraceStorage"],
            swiftSettings: swiftSettings
        ),
    ]
)
