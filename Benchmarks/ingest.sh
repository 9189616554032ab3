#!/usr/bin/env bash
# Ingest benchmark: see ingest.py. Usage: Benchmarks/ingest.sh [--messages N] [--rounds R]
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 Benchmarks/ingest.py --bin "$PWD/.build/release/telemetry-bridge" "$@"
