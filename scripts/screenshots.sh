#!/usr/bin/env bash
# Screenshots of the dashboard for people to look at: a private mosquitto, the bridge with its
# dashboard over a fresh database, six hours of simulated history (virtual time, with anomalies and
# bad messages), then headless chromium saves PNGs of every page into screenshots/.
set -euo pipefail
bin=${1:-.build/release/telemetry-bridge}
out=${SCREENSHOTS_DIR:-screenshots}
size=${SCREENSHOTS_WINDOW:-1280,900}

chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chromium" ] || { echo "screenshots: chromium is not installed (apt-get install chromium)" >&2; exit 1; }
[ -x "$bin" ] || { echo "screenshots: $bin is not built (make release)" >&2; exit 1; }
mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
command -v mosquitto_sub >/dev/null || { echo "screenshots: mosquitto_sub is not installed (apt-get install mosquitto-clients)" >&2; exit 1; }

work=$(mktemp -d /tmp/telemetry-bridge-screenshots.XXXXXX)
pids=()
cleanup() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "${SCREENSHOTS_KEEP:-}" ]; then echo "screenshots: kept $work"; else rm -rf "$work"; fi
}
trap cleanup INT TERM EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
get() { curl -fsS --max-time 10 "http://127.0.0.1:$http_port$1"; }

mqtt_port=$(free_port)
http_port=$(free_port)
cat > "$work/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
max_queued_messages 0
max_inflight_messages 1000
CONF
[ "$(id -u)" -eq 0 ] && echo "user root" >> "$work/mosquitto.conf"
"$mosquitto_bin" -c "$work/mosquitto.conf" 2> "$work/mosquitto.log" &
pids+=($!)
for _ in $(seq 1 100); do port_open 127.0.0.1 "$mqtt_port" && break; sleep 0.1; done
broker=mqtt://127.0.0.1:$mqtt_port

# A day of history for 3 devices of each type, one round of the fleet per simulated minute,
# ending a couple of minutes before now. The simulator's --count is in messages and a device may send
# several per round, so one round is measured first on a throwaway subscription (event times in
# 1970, before the bridge subscribes: nothing of it is stored).
sim=("$bin" simulate --broker "$broker" --devices-per-type 3 --seed 7)
mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t '#' -W 20 -C 400 -F '%t' > "$work/probe.txt" 2>/dev/null &
probe=$!
sleep 0.5
"${sim[@]}" --client-id screenshots-probe --start 0 --step 60s --count 400 --rate 0 2> "$work/probe.log"
wait "$probe" || true
per_round=$(awk 'NR == 1 { first = $0 } NR > 1 && $0 == first { print NR - 1; exit }' "$work/probe.txt")
[ -n "$per_round" ] || { echo "screenshots: could not measure the fleet's messages per round" >&2; exit 1; }

# The silence rules are left out: during a backfill in virtual time they compare event times a day
# old with the wall clock and would raise "silent" alerts for the whole fleet.
mkdir -p "$work/rules"
for rule in Rules/*.yaml; do [ "$(basename "$rule")" = silence.yaml ] || cp "$rule" "$work/rules/"; done
"$bin" run --broker "$broker" --client-id screenshots-bridge --db "$work/telemetry.sqlite" \
    --devices ./Devices --rules "$work/rules" --http "127.0.0.1:$http_port" --summary-interval 0 2> "$work/bridge.log" &
pids=("$!" "${pids[@]}")
for _ in $(seq 1 200); do get /healthz >/dev/null 2>&1 && break; sleep 0.1; done
get /healthz >/dev/null || { echo "screenshots: the dashboard did not come up; bridge log:" >&2; tail -20 "$work/bridge.log" >&2; exit 1; }

rounds=1438
echo "screenshots: simulating $rounds minutes of history ($per_round messages a minute)"
"${sim[@]}" --client-id screenshots-history --anomalies --malformed 0.02 --start -24h --step 60s \
    --count $((rounds * per_round)) --rate 0 2> "$work/simulator.log"

# Wait until the bridge has stored everything (the latest reading stops moving).
latest() { get /api/state | python3 -c 'import json,sys; print(max((l["t"] for l in json.load(sys.stdin)["latest"]), default=""))'; }
previous=""
for _ in $(seq 1 120); do
    current=$(latest || true)
    [ -n "$current" ] && [ "$current" = "$previous" ] && break
    previous=$current
    sleep 1
done

# A device that raised an alert (else the first one), and a moment in the middle of the history.
device=$(get '/api/alerts?type=raised&limit=1' | python3 -c 'import json,sys; a=json.load(sys.stdin); print(a[0]["device"] if a else "")')
[ -n "$device" ] || device=$(get /api/devices | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
device_path=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$device")
travel=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)-datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:00Z"))')

mkdir -p "$out"
shot() {
    local name=$1 path=$2 window=${3:-$size}
    "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions \
        --user-data-dir="$work/chromium" --window-size="$window" --virtual-time-budget=10000 \
        --screenshot="$out/$name.png" "http://127.0.0.1:$http_port$path" 2>> "$work/chromium.log" >/dev/null
    echo "  $out/$name.png  <- $path"
}
echo "screenshots: saving PNGs"
shot overview "/?live=0"
shot device "/devices/$device_path?live=0"
shot device-7d "/devices/$device_path?range=7d&live=0"
shot alerts "/alerts?live=0"
shot deadletters "/deadletters?live=0"
shot time-travel "/?at=$travel&live=0"
shot device-time-travel "/devices/$device_path?at=$travel&live=0"
shot overview-narrow "/?live=0" 390,844
