#!/usr/bin/env bash
# The demo: a broker (private mosquitto unless one is configured or already on 127.0.0.1:1883),
# the bridge storing into ./telemetry.sqlite, and a simulated fleet with anomalies and bad messages.
set -euo pipefail
bin=${1:-.build/release/telemetry-bridge}
demo_dir=.demo
mkdir -p "$demo_dir"
pids=()

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

cleanup() {
    trap - INT TERM EXIT
    echo
    echo "stopping: simulator, bridge (commits what it holds), broker"
    # In order: simulator, bridge (waited for: it commits what it holds), broker.
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    echo "data kept in $(pwd)/telemetry.sqlite"
}
trap cleanup INT TERM EXIT

if [ -n "${TELEMETRY_BRIDGE_BROKER:-}" ]; then
    broker=$TELEMETRY_BRIDGE_BROKER
    echo "broker: $broker (from TELEMETRY_BRIDGE_BROKER)"
elif port_open 127.0.0.1 1883; then
    broker=mqtt://127.0.0.1:1883
    echo "broker: $broker (already running)"
else
    mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
    port=1883
    port_open 127.0.0.1 "$port" && port=$(free_port)
    mkdir -p "$demo_dir/mosquitto"
    cat > "$demo_dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $(pwd)/$demo_dir/mosquitto/
# Keep every QoS 1 message for a persistent session that is away, and let batches be large.
max_queued_messages 0
max_inflight_messages 1000
set_tcp_nodelay true
log_dest stderr
CONF
    # Started as root, mosquitto would switch to its own user, who cannot write in this tree.
    [ "$(id -u)" -eq 0 ] && echo "user root" >> "$demo_dir/mosquitto.conf"
    "$mosquitto_bin" -c "$demo_dir/mosquitto.conf" 2> "$demo_dir/mosquitto.log" &
    pids+=($!)
    for _ in $(seq 1 100); do port_open 127.0.0.1 "$port" && break; sleep 0.1; done
    broker=mqtt://127.0.0.1:$port
    echo "broker: $broker (private mosquitto, config $demo_dir/mosquitto.conf)"
fi

http_port=${TELEMETRY_BRIDGE_DEMO_HTTP_PORT:-8080}
port_open 127.0.0.1 "$http_port" && http_port=$(free_port)

"$bin" devices check ./Devices
"$bin" run --broker "$broker" --client-id telemetry-bridge-demo --db ./telemetry.sqlite \
    --http "127.0.0.1:$http_port" 2> "$demo_dir/bridge.log" &
bridge_pid=$!
pids=("$bridge_pid" "${pids[@]}")
tail -n +1 -f --pid="$bridge_pid" "$demo_dir/bridge.log" >&2 &
"$bin" simulate --broker "$broker" --rate 20 --devices-per-type 5 --anomalies --malformed 0.02 \
    2> "$demo_dir/simulator.log" &
pids=("$!" "${pids[@]}")

cat <<INFO

telemetry-bridge demo is running.
  dashboard                 -> http://127.0.0.1:$http_port/
  readings and dead letters -> $(pwd)/telemetry.sqlite (SQLite, WAL)
  bridge log                -> $demo_dir/bridge.log (a summary line every 10 s)
  alert events              -> MQTT alerts/# and the alerts table (rules in ./Rules)
  simulator                 -> 20 messages/s from 20 devices, with anomalies and 2 % bad messages
Look at it from another terminal:
  $bin export --from -5m | tail
  $bin replay --from -1h
  mosquitto_sub -h 127.0.0.1 -p ${broker##*:} -t 'alerts/#' -v
Press Ctrl-C to stop (the bridge commits everything it holds before it exits).

INFO
wait "$bridge_pid"
