#!/usr/bin/env python3
"""End-to-end alert latency benchmark for telemetry-bridge (DESIGN.md section 9).

A private mosquitto is started on a free loopback port, and `telemetry-bridge run` with one
threshold rule (`last(temperature) > 30`, cleared by `last(temperature) < 25`) on the bench-sensor
devices. A publisher process sends JSON readings at a fixed rate (default 10,000 msg/s for 10 s,
1,000 devices, QoS 0, one TCP_NODELAY connection) on `bench/{device}/state`. Readings are
normally 27 degrees; a known set of them (after one warm-up second) is hot (35) or cool (20),
alternating per device, so every crossing raises or clears one alert. The publisher records when
it published each crossing reading.

A subscriber process on `alerts/#` (the retained `alerts/active/...` copies are ignored) records
when each AlertRaised / AlertCleared arrives, and matches it to its reading by device and event
time (`cause.at` of a raise, `at` of a clear: both are the reading's `ts`). Latency = arrival -
publish, both on CLOCK_MONOTONIC, from two processes (no GIL shared with the publisher).

Side by side, each crossing reading is also published unchanged on `bench-echo/{device}`, a topic
the bridge does not read, and the same subscriber receives it straight from the broker: that is
the harness's own latency (publisher -> mosquitto -> Python subscriber), the floor under the
bridge's figure.

It prints the achieved publish rate, count / p50 / p99 / max of both latencies, the bridge's CPU
use, latency per second of the run, and whether the bridge's p99 is under the 5 ms target.
mosquitto runs with `set_tcp_nodelay true` (its default, false, adds Nagle / delayed-ACK waits of
tens of milliseconds to every delivery; `--no-broker-nodelay` measures that). The run is bounded
(about 15 s with the defaults; every wait has a deadline) and stops every process it started.

The subscriber uses paho-mqtt; when it is missing it is installed with pip (PyPI) first. The
publisher writes MQTT packets on a plain socket (see `RawPublisher`): paho would cost it a core.
"""
import argparse, datetime, json, math, os, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port, wait_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NORMAL, HOT, COOL = 27.0, 35.0, 20.0
RULES = """rules:
  - alert: BenchTooHot
    devices: bench-sensor
    when: last(temperature) > 30
    clear: last(temperature) < 25
    severity: warning
    message: "{{device}} at {{value}}"
"""


def ensure_paho():
    try:
        import paho.mqtt.client  # noqa: F401
        return
    except ImportError:
        pass
    print("paho-mqtt is not installed: installing it from PyPI (python3 -m pip install paho-mqtt) ...", flush=True)
    for extra in ([], ["--user"]):
        result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *extra, "paho-mqtt>=2"])
        if result.returncode == 0:
            break
    try:
        import paho.mqtt.client  # noqa: F401
    except ImportError:
        raise SystemExit("paho-mqtt could not be installed; install it with `python3 -m pip install paho-mqtt` "
                         "and run the benchmark again")


def make_client(client_id):
    import paho.mqtt.client as mqtt
    try:
        return mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
    except AttributeError:  # paho-mqtt 1.x
        return mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)


def device_name(index):
    return f"bench-{index:04d}"


def schedule(args):
    """Yields (device index, kind) for every message in publish order; kind is None, 'hot' or 'cool'.

    Message k goes to device k % devices. A device's n-th message is a crossing when
    (n + 7 * device) % every == 0, after the first `warm-up` messages of every device (so the bridge
    has seen each device before anything is measured); a device's crossings alternate hot, cool.
    """
    total = int(args.rate * args.seconds)
    hot = [False] * args.devices
    for k in range(total):
        d, n = k % args.devices, k // args.devices
        if n >= args.warm_up and (n + 7 * d) % args.every == 0:
            hot[d] = not hot[d]
            yield d, "hot" if hot[d] else "cool"
        else:
            yield d, None


def connect(client, port, deadline=10):
    connected = threading.Event()
    client.on_connect = lambda *a: connected.set()
    client.connect("127.0.0.1", port, keepalive=60)
    # paho leaves Nagle on: PUBACKs and other small writes would wait for delayed ACKs.
    client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    end = time.time() + deadline
    while not connected.is_set():
        if time.time() > end:
            raise SystemExit("could not connect to the broker")
        client.loop(timeout=0.05)


# ---------------------------------------------------------------------------------------------
# Publisher process. paho's publish() costs tens of microseconds of CPython per message: a whole
# core at 10 k msg/s on a 2-core machine, taken from the broker and the bridge. The publisher
# therefore speaks the few MQTT 3.1.1 packets it needs (CONNECT, QoS 0 PUBLISH, DISCONNECT) on a
# plain socket; the subscriber, which needs QoS 1 acknowledgements, uses paho.

def remaining_length(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def mqtt_string(text):
    data = text.encode()
    return len(data).to_bytes(2, "big") + data


class RawPublisher:
    def __init__(self, port, client_id):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = mqtt_string("MQTT") + bytes([4, 0x02, 0, 60]) + mqtt_string(client_id)
        self.sock.sendall(b"\x10" + remaining_length(len(body)) + body)
        connack = b""
        while len(connack) < 4:
            chunk = self.sock.recv(4 - len(connack))
            if not chunk:
                raise SystemExit("the broker closed the connection before CONNACK")
            connack += chunk
        if connack[0] != 0x20 or connack[3] != 0:
            raise SystemExit(f"the broker refused the publisher: CONNACK {connack.hex()}")

    @staticmethod
    def topic_header(topic):
        """The bytes of a QoS 0 PUBLISH before the payload, less the length: cached per topic."""
        return mqtt_string(topic)

    def publish(self, topic_header, payload):
        n = len(topic_header) + len(payload)
        self.sock.sendall(b"\x30" + remaining_length(n) + topic_header + payload)

    def close(self):
        self.sock.sendall(b"\xe0\x00")
        self.sock.close()


def publisher(args):
    client = RawPublisher(args.port, f"bench-pub-{os.getpid()}")
    topics = [RawPublisher.topic_header(f"bench/{device_name(d)}/state") for d in range(args.devices)]
    echo_topics = [RawPublisher.topic_header(f"bench-echo/{device_name(d)}") for d in range(args.devices)]
    crossings, echoes = [], []
    last_ts = [0] * args.devices
    step = 1e9 / args.rate
    start, start_wall = time.monotonic_ns(), time.time()
    count = 0
    for k, (d, kind) in enumerate(schedule(args)):
        due = start + int(k * step)
        ahead = due - time.monotonic_ns()
        if ahead > 1_000_000:  # sleep only when a millisecond ahead: sub-ms sleeps overshoot
            time.sleep(ahead / 1e9)
        ts = max(time.time_ns() // 1_000_000, last_ts[d] + 1)
        last_ts[d] = ts
        temperature = NORMAL if kind is None else HOT if kind == "hot" else COOL
        payload = b'{"ts":%d,"t":%.1f,"h":50}' % (ts, temperature)
        sent = time.monotonic_ns()
        client.publish(topics[d], payload)
        if kind is not None:
            crossings.append([device_name(d), ts, kind, sent])
            echoes.append([device_name(d), ts, time.monotonic_ns()])
            client.publish(echo_topics[d], payload)
        count += 1
    elapsed = (time.monotonic_ns() - start) / 1e9
    client.close()
    with open(args.out, "w") as f:
        json.dump({"messages": count, "seconds": elapsed, "start": start, "start_wall": start_wall,
                   "crossings": crossings,
                   "echoes": echoes}, f)


# ---------------------------------------------------------------------------------------------
# Subscriber process: alert events and echoes, stamped on arrival.

def subscriber(args):
    client = make_client(f"bench-sub-{os.getpid()}")
    received = []
    counts = {"alerts": 0, "echoes": 0}
    subscribed = set()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())

    def on_message(client, userdata, msg):
        now = time.monotonic_ns()
        if msg.topic.startswith("alerts/active/"):
            return
        received.append((now, msg.topic, msg.payload))
        counts["echoes" if msg.topic.startswith("bench-echo/") else "alerts"] += 1

    def on_subscribe(client, userdata, mid, *rest):
        subscribed.add(mid)
        if len(subscribed) == 2:
            print("ready", flush=True)

    client.on_message = on_message
    client.on_subscribe = on_subscribe
    connect(client, args.port)
    client.subscribe("alerts/#", qos=1)
    client.subscribe("bench-echo/#", qos=0)
    end = time.time() + args.deadline
    while not stop.is_set() and time.time() < end:
        if len(subscribed) == 2 and counts["alerts"] >= args.expect and counts["echoes"] >= args.expect:
            break
        client.loop(timeout=0.05)
    client.disconnect()
    with open(args.out, "w") as f:
        json.dump([[t, topic, payload.decode("utf-8", "replace")] for t, topic, payload in received], f)


# ---------------------------------------------------------------------------------------------
# Orchestration.

def iso_ms(text):
    return round(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def summary(latencies):
    s = sorted(latencies)
    return (f"n={len(s):,}  p50 {percentile(s, 0.50):.2f} ms  p99 {percentile(s, 0.99):.2f} ms  "
            f"max {percentile(s, 1.0):.2f} ms")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Run:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="tb-latency-")
        self.procs = []
        self.bridge_lines = []
        self.bridge_ready = threading.Event()

    def spawn(self, cmd, **kwargs):
        proc = subprocess.Popen(cmd, **kwargs)
        self.procs.append(proc)
        return proc

    def close(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def start_broker(self):
        self.port = free_port()
        conf = os.path.join(self.tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 1000\n"
                    "queue_qos0_messages true\n"
                    + ("set_tcp_nodelay true\n" if self.args.broker_nodelay else ""))
        self.spawn(["/usr/sbin/mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def start_bridge(self):
        rules = os.path.join(self.tmp, "rules")
        os.mkdir(rules)
        with open(os.path.join(rules, "bench.yaml"), "w") as f:
            f.write(RULES)
        cmd = [os.path.abspath(self.args.bin), "run", "--http", "off", "--broker", f"mqtt://127.0.0.1:{self.port}",
               "--devices", os.path.join(ROOT, "Benchmarks", "Devices"), "--rules", rules,
               "--db", os.path.join(self.tmp, "bridge.sqlite"), "--client-id", f"bench-bridge-{os.getpid()}",
               "--summary-interval", "0", "--log-level", "info", *self.args.bridge_option]
        self.bridge = self.spawn(cmd, cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def drain():
            for line in self.bridge.stderr:
                self.bridge_lines.append(line.rstrip())
                if re.search(r"\bready\b", line):
                    self.bridge_ready.set()
        threading.Thread(target=drain, daemon=True).start()
        if not self.bridge_ready.wait(20):
            raise SystemExit("the bridge did not become ready; last lines:\n  " + "\n  ".join(self.bridge_lines[-10:]))

    def role_args(self, role, out, extra):
        a = self.args
        return [sys.executable, os.path.abspath(__file__), "--role", role, "--port", str(self.port), "--out", out,
                "--rate", str(a.rate), "--seconds", str(a.seconds), "--devices", str(a.devices),
                "--every", str(a.every), "--warm-up", str(a.warm_up), *extra]

    def measure(self):
        a = self.args
        expected = sum(1 for _, kind in schedule(a) if kind is not None)
        if expected == 0:
            raise SystemExit("no message crosses the threshold: publish for longer, or lower --every / --warm-up")
        sub_out = os.path.join(self.tmp, "subscriber.json")
        pub_out = os.path.join(self.tmp, "publisher.json")
        sub = self.spawn(self.role_args("subscriber", sub_out, ["--expect", str(expected),
                                                                "--deadline", str(a.seconds + 30)]),
                         stdout=subprocess.PIPE, text=True)
        ready = threading.Event()
        threading.Thread(target=lambda: ready.set() if sub.stdout.readline().strip() == "ready" else None,
                         daemon=True).start()
        if not ready.wait(10):
            raise SystemExit("the subscriber did not subscribe")
        cpu_before = cpu_seconds(self.bridge.pid)
        wall_before = time.monotonic()
        pub = self.spawn(self.role_args("publisher", pub_out, []))
        try:
            pub.wait(timeout=a.seconds * 2 + 15)
        except subprocess.TimeoutExpired:
            raise SystemExit("the publisher did not finish in time")
        if pub.returncode != 0:
            raise SystemExit(f"the publisher failed (exit {pub.returncode})")
        try:
            sub.wait(timeout=5)  # the rest of the alerts: the subscriber stops once all are in
        except subprocess.TimeoutExpired:
            sub.send_signal(signal.SIGTERM)
            sub.wait(timeout=10)
        bridge_cpu = (cpu_seconds(self.bridge.pid) - cpu_before) / (time.monotonic() - wall_before)
        with open(pub_out) as f:
            published = json.load(f)
        with open(sub_out) as f:
            received = json.load(f)
        return expected, published, received, bridge_cpu

    def report(self, expected, published, received, bridge_cpu):
        a = self.args
        crossings = {(device, ts): (kind, sent) for device, ts, kind, sent in published["crossings"]}
        echoes = {(device, ts): sent for device, ts, sent in published["echoes"]}
        start = published["start"]
        latencies, echo_latencies, timeline = [], [], []
        unexpected, wrong_kind, seen = 0, 0, set()
        raised = cleared = 0
        for arrived, topic, payload in received:
            event = json.loads(payload)
            if topic.startswith("bench-echo/"):
                key = (topic.split("/", 1)[1], event["ts"])
                if key in echoes:
                    echo_latencies.append((arrived - echoes[key]) / 1e6)
                continue
            if event.get("type") == "AlertRaised":
                raised += 1
                key, kind = (event["device"], iso_ms(event["cause"]["at"])), "hot"
            elif event.get("type") == "AlertCleared":
                cleared += 1
                key, kind = (event["device"], iso_ms(event["at"])), "cool"
            else:
                unexpected += 1
                continue
            if key not in crossings or key in seen:
                unexpected += 1
                continue
            seen.add(key)
            expected_kind, sent = crossings[key]
            if expected_kind != kind:
                wrong_kind += 1
            latency = (arrived - sent) / 1e6
            latencies.append(latency)
            timeline.append((latency, (sent - start) / 1e9))
        rate = published["messages"] / published["seconds"]
        print(f"  publisher: {published['messages']:,} messages in {published['seconds']:.2f} s = {rate:,.0f} msg/s "
              f"(asked {a.rate:,}/s)" + ("" if rate >= 0.97 * a.rate else "  ** below the asked rate **"))
        print(f"  crossings published {len(crossings):,} (expected {expected:,}); alert events received "
              f"{raised + cleared:,} ({raised:,} raised, {cleared:,} cleared); missing {len(crossings) - len(seen):,}, "
              f"unmatched {unexpected:,}, wrong type {wrong_kind:,}")
        print(f"  reading -> alert event received (through the bridge): {summary(latencies)}")
        print(f"  baseline, reading -> same reading received (broker only): {summary(echo_latencies)}")
        print(f"  bridge: {100 * bridge_cpu:.0f} % of one core during the run, "
              f"peak RSS {peak_rss_mb(self.bridge.pid):.1f} MB")
        seconds = {}
        for l, t in timeline:
            seconds.setdefault(int(t), []).append(l)
        print("  per second of publishing, p50/max ms: " + "  ".join(
            f"{sec}s {percentile(sorted(v), 0.5):.1f}/{max(v):.0f}" for sec, v in sorted(seconds.items())))
        if a.dump:
            with open(a.dump, "w") as f:
                f.write("published_unix_s,latency_ms\n")
                for l, t in sorted(timeline, key=lambda x: x[1]):
                    f.write(f"{published['start_wall'] + t:.6f},{l:.3f}\n")
        slow = sum(1 for l in latencies if l > 5)
        if latencies:
            print(f"  {slow:,} of {len(latencies):,} alerts ({100 * slow / len(latencies):.1f} %) took over 5 ms")
        p99 = percentile(sorted(latencies), 0.99)
        complete = len(seen) == len(crossings) and unexpected == 0 and wrong_kind == 0
        print(f"alert latency p99 {p99:.2f} ms at {rate:,.0f} msg/s: target p99 < 5 ms "
              f"{'met' if p99 < 5 else 'missed'}" + ("" if complete else " (alert events missing or unmatched)"),
              flush=True)
        summaries = [l for l in self.bridge_lines if re.search(r"\bsummary\b", l)]
        if summaries:  # only with --bridge-option=--summary-interval=...
            print("  bridge's last summary: " + summaries[-1])
        noisy = [l for l in self.bridge_lines if "error" in l.lower() or "warning" in l.lower()]
        if noisy:
            print("  bridge warnings/errors:\n    " + "\n    ".join(noisy[:10]))
        return complete


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "telemetry-bridge"))
    p.add_argument("--rate", type=int, default=10_000, help="messages per second (default 10000)")
    p.add_argument("--seconds", type=float, default=10, help="publishing time (default 10)")
    p.add_argument("--devices", type=int, default=1000)
    p.add_argument("--every", type=int, default=50, help="a device's every N-th message crosses (default 50)")
    p.add_argument("--warm-up", type=int, default=10, help="messages per device before the first crossing")
    p.add_argument("--broker-nodelay", action=argparse.BooleanOptionalAction, default=True,
                   help="mosquitto's set_tcp_nodelay (default on; mosquitto's own default is off, which adds "
                        "Nagle/delayed-ACK waits of tens of ms to every delivery)")
    p.add_argument("--bridge-option", action="append", default=[], metavar="ARG",
                   help="extra argument for `telemetry-bridge run` (repeatable), "
                        "e.g. --bridge-option=--batch-delay=5ms")
    p.add_argument("--dump", metavar="CSV", help="write each alert's publish time (unix s) and latency (ms)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    p.add_argument("--role", choices=["publisher", "subscriber"], help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--expect", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--deadline", type=float, default=60, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.role == "publisher":
        return publisher(args)
    if args.role == "subscriber":
        return subscriber(args)

    if not os.access(args.bin, os.X_OK):
        raise SystemExit(f"{args.bin} is not built (swift build -c release --product telemetry-bridge)")
    ensure_paho()
    print(f"alert latency benchmark: {args.rate:,} msg/s for {args.seconds:g} s over {args.devices:,} devices "
          f"(bench-sensor JSON, QoS 0), rule last(temperature) > 30 / clear < 25, every {args.every}th message "
          f"of a device crosses; mosquitto set_tcp_nodelay {'true' if args.broker_nodelay else 'false'}", flush=True)
    run = Run(args)
    try:
        run.start_broker()
        run.start_bridge()
        complete = run.report(*run.measure())
    finally:
        run.close()
    sys.exit(0 if complete else 1)  # a missed latency target is a result, not a failure


if __name__ == "__main__":
    main()
