#!/usr/bin/env bash
# Alert latency benchmark: see alert_latency.py. Usage: Benchmarks/alert_latency.sh [--rate N] [--seconds S] [--bin PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 Benchmarks/alert_latency.py --bin .build/release/telemetry-bridge "$@"
