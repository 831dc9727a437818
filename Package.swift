// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Bramble",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bramble", targets: ["bramble"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Debian's liblua5.4-dev, found through pkg-config; no Lua sources live in this repository.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // C shims for lua.h's function-like macros, the error trampoline, the allocator and the hook.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        // The Lua bridge: one lua_State, values, sandboxed environment, limits.
        .target(name: "LuaKit", dependencies: ["CLuaShim", "CLua"]),
        // glibc extensions (pipe2, posix_spawn chdir) that need _GNU_SOURCE.
        .target(name: "CSystem"),
        // Policy, audit, hosts, actions, the `bramble` Lua API and the engine.
        .target(
            name: "BrambleCore",
            dependencies: [
                "LuaKit",
                "CSystem",
                "CLua",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "bramble",
            dependencies: [
                "BrambleCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit"]),
        .testTarget(name: "BrambleCoreTests", dependencies: ["BrambleCore"]),
    ],
    swiftLanguageModes: [.v6]
)
