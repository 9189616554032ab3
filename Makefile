# telemetry-bridge — the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libmosquitto-dev mosquitto mosquitto-clients libsqlite3-dev pkg-config openssl
# The dashboard's browser test loads the pages in a real headless chromium; the alert delivery
# tests send to a real Alertmanager.
TEST_APT_PACKAGES := $(APT_PACKAGES) chromium prometheus-alertmanager
RELEASE_BIN := .build/release/telemetry-bridge

.PHONY: demo test fuzz deps build release bench bench-delivery bench-hostile bench-ingest bench-rules bench-latency bench-replay bench-dashboard screenshots clean

## Check (and, as root, install) the Debian packages the build and the tests need.
deps:
	@./scripts/ensure-deps.sh $(APT_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product telemetry-bridge

## Broker + bridge + simulated sensors on the embedded SQLite database. Ctrl-C stops everything.
demo: release
	@./scripts/demo.sh $(RELEASE_BIN)

## Unit and integration tests (integration tests start their own mosquitto on free loopback ports).
test:
	@./scripts/ensure-deps.sh $(TEST_APT_PACKAGES)
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

## The fuzz tests (payload decoder, rule and catalog files, API parameters) for FUZZ_SECONDS each
## from a fresh seed (printed; FUZZ_SEED=N reproduces). `make test` runs them for a second each.
FUZZ_SECONDS ?= 60
ifndef FUZZ_SEED
FUZZ_SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
fuzz:
	@./scripts/ensure-deps.sh $(APT_PACKAGES)
	$(SWIFT) build --build-tests
	@echo "fuzz seed $(FUZZ_SEED), $(FUZZ_SECONDS) s per target"
	TELEMETRY_BRIDGE_FUZZ_SECONDS=$(FUZZ_SECONDS) TELEMETRY_BRIDGE_FUZZ_SEED=$(FUZZ_SEED) \
		$(SWIFT) test --skip-build --disable-swift-testing --filter 'Fuzz|Hostile'

## Benchmarks (not part of `make test`); results go to BENCHMARKS.md by hand.
bench: bench-ingest bench-rules bench-latency bench-delivery bench-replay bench-dashboard

## The attacks of issue 9 from outside against the release build (event-stream and idle-connection
## floods, a broker restart meanwhile, 200,000 invented device ids): RSS, /healthz, survival.
bench-hostile: release
	python3 Benchmarks/hostile.py --bin $(RELEASE_BIN)

bench-ingest: release
	./Benchmarks/ingest.sh

## Rules micro-benchmark: 50 windowed rules over 1,000 devices, one thread (target >= 2 M readings/s).
bench-rules: deps
	$(SWIFT) build -c release --product rules-benchmark
	.build/release/rules-benchmark

## Alert delivery: lag to MQTT and a local webhook in a 10,000-event storm (target p99 < 100 ms),
## ingest with the sinks on vs off (target < 5 % cost).
bench-delivery: release
	python3 Benchmarks/alert_delivery.py --bin $(RELEASE_BIN)

## Reading-to-alert latency through broker and bridge at 10 k msg/s (target p99 < 5 ms).
bench-latency: release
	./Benchmarks/alert_latency.sh

## Dashboard: /api/series (a year vs an hour, target < 100 ms) and /api/overview of 1,000 devices (< 200 ms) over loopback HTTP.
bench-dashboard: deps
	$(SWIFT) build -c release --product dashboard-benchmark
	.build/release/dashboard-benchmark

## Replay: >= 10 M stored readings through the shipped rules, vs export of the same readings (target >= 1 M readings/s).
bench-replay: release
	python3 Benchmarks/replay.py --bin $(RELEASE_BIN)

## PNGs of every dashboard page (private broker, simulated history, headless chromium) into screenshots/.
screenshots: release
	./scripts/screenshots.sh $(RELEASE_BIN)

clean:
	rm -rf .build .demo
