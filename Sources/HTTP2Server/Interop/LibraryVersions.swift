import CNghttp2
import COpenSSL

/// The versions of the C libraries the server runs on, as linked at run time (logged at start).
public enum LinkedLibraries {
    public static var nghttp2: String {
        guard let info = nghttp2_version(0), let text = info.pointee.version_str else { return "unknown" }
        return String(cString: text)
    }

    public static var openSSL: String {
        guard let text = OpenSSL_version(numericCast(OPENSSL_VERSION)) else { return "unknown" }
        return String(cString: text)
    }
}
