#!/bin/bash
# Benchmark: HTTP2Server (http2-demo, release build) vs nghttpd, both h2c on 127.0.0.1,
# loaded by h2load in the same run:
#   bodies: 1 MiB and 100 KiB;  windows: h2load defaults (1 GiB) and -w 16 -W 16 (64 KiB)
#   load:   h2load -n $N -c $C -m $M   (default -n 2000 -c 4 -m 16)
# Reports requests/s and server CPU seconds per GB (utime+stime from /proc/PID/stat before and
# after each run) and the ratios ours/nghttpd. nghttpd runs with its default single worker;
# NGHTTPD_WORKERS=N changes that. Usage: scripts/bench-http2.sh [REPEATS=1]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${N:-2000}"; C="${C:-4}"; M="${M:-16}"; REPEATS="${1:-1}"
NGHTTPD_WORKERS="${NGHTTPD_WORKERS:-1}"

(cd "$ROOT" && swift build -c release --scratch-path .build-http2 --product http2-demo >/dev/null)
DEMO="$ROOT/.build-http2/release/http2-demo"
DOCS="$(mktemp -d)"
LOGS="$(mktemp -d)"
cleanup() {
    [ -n "${DEMO_PID:-}" ] && kill "$DEMO_PID" 2>/dev/null || true
    [ -n "${NGHTTPD_PID:-}" ] && kill "$NGHTTPD_PID" 2>/dev/null || true
    rm -rf "$DOCS" "$LOGS"
}
trap cleanup EXIT
head -c 1048576 /dev/urandom > "$DOCS/1m.bin"
head -c 102400 /dev/urandom > "$DOCS/100k.bin"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

DEMO_PORT=$(free_port)
"$DEMO" --port "$DEMO_PORT" --log-level warning > "$LOGS/demo.out" 2> "$LOGS/demo.err" &
DEMO_PID=$!
NGHTTPD_PORT=$(free_port)
nghttpd --no-tls -d "$DOCS" -n "$NGHTTPD_WORKERS" "$NGHTTPD_PORT" > "$LOGS/nghttpd.out" 2>&1 &
NGHTTPD_PID=$!
for _ in $(seq 50); do
    if curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$DEMO_PORT/healthz" &&
       curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$NGHTTPD_PORT/100k.bin"; then break; fi
    sleep 0.1
done
# Warm the demo's body cache.
curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$DEMO_PORT/bytes/1048576"
curl -s --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$DEMO_PORT/bytes/102400"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TCK=$(getconf CLK_TCK)

RESULTS="$LOGS/results.tsv"
: > "$RESULTS"
run() {  # server pid url body_bytes label windows
    local pid=$1 url=$2 bytes=$3 label=$4 windows=$5
    local wflags=()
    [ "$windows" = "64KiB" ] && wflags=(-w 16 -W 16)
    local before after out
    before=$(cpu_ticks "$pid")
    out=$(h2load -n "$N" -c "$C" -m "$M" "${wflags[@]}" "$url")
    after=$(cpu_ticks "$pid")
    local rps ok
    rps=$(echo "$out" | sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p')
    ok=$(echo "$out" | sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p')
    local cpu
    cpu=$(python3 -c "print(($after - $before) / $TCK)")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$bytes" "$windows" "$rps" "$cpu" "$ok" >> "$RESULTS"
}

for rep in $(seq "$REPEATS"); do
  for windows in default 64KiB; do
    for size in 1048576 102400; do
      name=$([ $size = 1048576 ] && echo 1m.bin || echo 100k.bin)
      run "$NGHTTPD_PID" "http://127.0.0.1:$NGHTTPD_PORT/$name" "$size" nghttpd "$windows"
      run "$DEMO_PID" "http://127.0.0.1:$DEMO_PORT/bytes/$size" "$size" http2server "$windows"
    done
  done
done

echo "h2load -n $N -c $C -m $M [-w 16 -W 16]; nghttpd --no-tls -n $NGHTTPD_WORKERS; http2-demo release; $(nproc) cores; repeats $REPEATS"
python3 - "$RESULTS" "$N" <<'PY'
import sys, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
n = int(sys.argv[2])
agg = collections.defaultdict(lambda: [0.0, 0.0, 0, 0])
for label, size, windows, rps, cpu, ok in rows:
    a = agg[(label, int(size), windows)]
    a[0] += float(rps or 0); a[1] += float(cpu); a[2] += 1; a[3] += int(ok or 0)
def cell(label, size, windows):
    rps, cpu, k, ok = agg[(label, size, windows)]
    gb = k * n * size / 1e9
    return rps / k, cpu / gb if gb else float("nan"), ok, k * n
print(f"{'body':>8} {'windows':>8} | {'nghttpd req/s':>13} {'CPU s/GB':>8} | {'ours req/s':>10} {'CPU s/GB':>8} | {'req/s ratio':>11} {'CPU/GB ratio':>12}")
for windows in ("default", "64KiB"):
    for size in (1048576, 102400):
        nr, nc, nok, nn = cell("nghttpd", size, windows)
        orr, oc, ook, on = cell("http2server", size, windows)
        name = "1 MiB" if size == 1048576 else "100 KiB"
        flag = "" if (nok == nn and ook == on) else f"  (succeeded: nghttpd {nok}/{nn}, ours {ook}/{on})"
        print(f"{name:>8} {windows:>8} | {nr:13.0f} {nc:8.3f} | {orr:10.0f} {oc:8.3f} | {orr/nr:11.2f} {oc/nc:12.2f}{flag}")
PY
