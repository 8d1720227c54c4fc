#!/bin/bash
# CI checks for the HTTP2Server library beyond `swift test`:
#   1. fuzz: the HTTP/1.1 parser under libFuzzer + ASan for FUZZ_SECONDS (default 60) s;
#   2. tsan: the HTTP2ServerTests suite under ThreadSanitizer (built as an isolated package,
#      see scripts/http2-isolated-package.sh, so other targets cannot break or slow it);
#   3. e2e:  Tests/EndToEnd/http2 (pytest: curl, nghttp, h2load, httpx) against http2-demo.
# Usage: scripts/check-http2.sh [fuzz] [tsan] [e2e]   (no argument: all three)
# Needs: swift 6, libnghttp2-dev, libssl-dev, nghttp2-client, curl, openssl, python3 with
# pytest and httpx[http2].
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=(fuzz tsan e2e)
ISO="${HTTP2_ISOLATED_DIR:-$ROOT/.build-http2-isolated}"

for step in "${STEPS[@]}"; do
    case "$step" in
    fuzz)
        echo "== fuzz: HTTP/1.1 parser, ${FUZZ_SECONDS:-60} s"
        "$ROOT/scripts/fuzz-http1.sh" "${FUZZ_SECONDS:-60}" 2>&1 | tail -8
        ;;
    tsan)
        echo "== tsan: HTTP2ServerTests under ThreadSanitizer"
        "$ROOT/scripts/http2-isolated-package.sh" "$ISO" >/dev/null
        (cd "$ISO" && swift build --scratch-path "$ISO/.build-tsan" --sanitize=thread --build-tests)
        log="$(mktemp)"
        set +e
        (cd "$ISO" && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
            timeout 900 swift test --scratch-path "$ISO/.build-tsan" --sanitize=thread --skip-build) >"$log" 2>&1
        rc=$?
        set -e
        grep -E "Test run|✘|WARNING: ThreadSanitizer|SUMMARY: ThreadSanitizer" "$log" | head -40 || true
        if [ $rc -ne 0 ] || grep -q "ThreadSanitizer" "$log"; then
            echo "tsan: FAILED (full log: $log)"; exit 1
        fi
        rm -f "$log"
        ;;
    e2e)
        echo "== e2e: pytest Tests/EndToEnd/http2"
        (cd "$ROOT" && swift build --scratch-path .build-http2 --product http2-demo)
        HTTP2_DEMO="$ROOT/.build-http2/debug/http2-demo" timeout 900 \
            python3 -m pytest -q "$ROOT/Tests/EndToEnd/http2"
        ;;
    *) echo "unknown step $step (fuzz|tsan|e2e)"; exit 2 ;;
    esac
done
echo "check-http2: OK (${STEPS[*]})"
