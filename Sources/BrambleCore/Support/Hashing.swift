import Crypto

enum Hashing {
    /// "sha256:<hex>" of `data`, the form the audit log and the backup store use.
    static func sha256(_ data: [UInt8]) -> String {
        "sha256:" + hex(SHA256.hash(data: data))
    }

    /// The first 16 hex digits of the SHA-256 of `data` (the audit log's hash chain).
    static func shortSHA256(_ data: [UInt8]) -> String {
        hex(SHA256.hash(data: data).prefix(8))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
