#!/bin/bash
# Builds the libFuzzer target for the HTTP/1.1 request parser and runs it briefly.
#   scripts/fuzz-http1.sh [SECONDS]        (default 60; or FUZZ_RUNS=N for a run count)
# Seeds: Tests/Fuzz/http1/corpus (kept small, in git). Crashes are written to
# Tests/Fuzz/http1/crashes/ (commit them with the fix) and replayed first on every run.
# New corpus entries found during the run go to a temporary directory, not the repo.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_BUDGET="${1:-60}"
OUT="$ROOT/.build-fuzz"
mkdir -p "$OUT"
SRC="$ROOT/Sources/HTTP2Server"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name HTTP1Fuzz \
    "$SRC/HTTP1/HTTP1RequestParser.swift" "$SRC/HTTPHeaders.swift" "$SRC/HTTPVersion.swift" \
    "$ROOT/Tests/Fuzz/http1/HTTP1ParserFuzzer.swift" -o "$OUT/http1-fuzzer"
CRASHES="$ROOT/Tests/Fuzz/http1/crashes"
# Regression: replay every saved crash (must no longer crash).
shopt -s nullglob
saved=("$CRASHES"/crash-* "$CRASHES"/timeout-* "$CRASHES"/oom-*)
if [ ${#saved[@]} -gt 0 ]; then "$OUT/http1-fuzzer" "${saved[@]}"; fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [ -n "${FUZZ_RUNS:-}" ]; then LIMIT=(-runs="$FUZZ_RUNS"); else LIMIT=(-max_total_time="$SECONDS_BUDGET"); fi
"$OUT/http1-fuzzer" "${LIMIT[@]}" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix="$CRASHES/" -print_final_stats=1 "$WORK" "$ROOT/Tests/Fuzz/http1/corpus"
