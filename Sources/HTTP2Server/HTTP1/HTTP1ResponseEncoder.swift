/// Serializes HTTP/1.1 response heads and chunk framing.
enum HTTP1ResponseEncoder {
    static func head(status: Int, headers: HTTPHeaders, contentLength: Int?, chunked: Bool, close: Bool) -> String {
        var s = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for (n, v) in headers where !excluded.contains(n) && !v.contains("\r") && !v.contains("\n") {
            s += "\(n): \(v)\r\n"
        }
        if let contentLength { s += "content-length: \(contentLength)\r\n" }
        if chunked { s += "transfer-encoding: chunked\r\n" }
        if close { s += "connection: close\r\n" }
        s += "\r\n"
        return s
    }

    private static let excluded: Set<String> = ["connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "proxy-connection"]

    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
