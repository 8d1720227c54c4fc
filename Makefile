# The two commands of the README: `make run` and `make test`. Everything else is a step of them.
SWIFT  ?= swift
PYTHON ?= python3
BIN    := .build/release/synthclips

.PHONY: run test build-debug build-release test-swift test-e2e check-http2 bench

## run: build the release binary and start the service on 127.0.0.1:8080 with the embedded
## default store (synthclips.sqlite in this directory). Ctrl-C stops it.
run: build-release
	$(BIN) serve

## test: every test: Swift unit and in-memory tests (debug), end-to-end tests against the release
## binary and the HTTP/2 demo server, the HTTP/1.1 parser fuzz run and the ThreadSanitizer suite.
test: test-swift test-e2e check-http2

build-debug:
	$(SWIFT) build --build-tests

build-release:
	$(SWIFT) build -c release --product synthclips

test-swift: build-debug
	$(SWIFT) test --skip-build

test-e2e: build-debug build-release
	SYNTHCLIPS_BIN=$(BIN) HTTP2_DEMO=.build/debug/http2-demo $(PYTHON) -m pytest -q Tests/EndToEnd

check-http2:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-45} scripts/check-http2.sh fuzz tsan

bench: build-release
	$(BIN) bench --threads 1 --seconds 3
	$(BIN) bench --seconds 3
