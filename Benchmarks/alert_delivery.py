#!/usr/bin/env python3
"""Alert delivery benchmark for telemetry-bridge (issue 10): the alert log as an outbox.

A private mosquitto, a local webhook receiver (Python's ThreadingHTTPServer, HTTP/1.1 keep-alive)
and a paho-mqtt subscriber on `alerts/#` (QoS 1) run beside `telemetry-bridge run` with one
threshold rule on the bench-sensor devices (`last(temperature) > 30`, cleared below 25), so every
reading published alternately hot and cool is one alert event.

1. Delivery lag, live. A storm of `--events` crossing readings (default 10,000: 1,000 devices x
   10) is published at `--rate` (default 1,000/s, QoS 0). Each event's lag = its arrival at the
   subscriber or the webhook receiver (wall clock) - the time its commit was logged
   (`alerts.logged_at`, wall clock, same machine). p50 / p99 / max per sink.
2. Ingest cost. `--drain` crossing readings (default 40,000) are queued for the bridge's offline
   persistent session; then the bridge drains them, timed from its start until every reading is
   committed, with the sinks off (`--alert-topic off`, no webhook) and on (MQTT + webhook),
   alternating off/on/off/on; medians. Cost = 1 - rate(on) / rate(off).

Targets: p99 lag < 100 ms to each sink while they are healthy, ingest cost < 5 %. Every wait has a
deadline; every process started is stopped.
"""
import argparse, http.server, json, os, shutil, signal, sqlite3, statistics, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port, wait_port  # noqa: E402
from alert_latency import RULES, RawPublisher, connect, cpu_seconds, ensure_paho, make_client, percentile  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def now_ms():
    return time.time_ns() / 1e6


class Arrivals:
    """Event id -> first arrival (wall-clock ms), filled from several threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.first = {}
        self.total = 0

    def add(self, event_id, at):
        with self.lock:
            self.total += 1
            self.first.setdefault(event_id, at)

    def count(self):
        with self.lock:
            return len(self.first)


def event_id(payload):
    try:
        return json.loads(payload)["id"]
    except (ValueError, KeyError, TypeError):
        return None


class WebhookReceiver:
    """Runs in its own process (`--role webhook`), so it shares no GIL with the MQTT subscriber.
    POSTs are events; `GET /reset`, `/count` and `/dump` (event id -> first arrival) drive it."""

    def __init__(self, port=0):
        self.arrivals = Arrivals()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                if self.path == "/reset":
                    receiver.arrivals = Arrivals()
                    body = b"{}"
                elif self.path == "/count":
                    body = json.dumps(receiver.arrivals.count()).encode()
                else:
                    with receiver.arrivals.lock:
                        body = json.dumps({"first": receiver.arrivals.first, "total": receiver.arrivals.total}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                at = now_ms()
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                identifier = event_id(body)
                if identifier:
                    receiver.arrivals.add(identifier, at)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]


class RemoteWebhook:
    """The receiver process, seen from the benchmark."""

    def __init__(self, procs):
        self.port = free_port()
        procs.append(subprocess.Popen([sys.executable, os.path.abspath(__file__), "--role", "webhook",
                                       "--webhook-port", str(self.port)]))
        wait_port(self.port)

    def get(self, path):
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
            return json.loads(response.read())

    def reset(self):
        self.get("/reset")

    def count(self):
        return self.get("/count")

    def dump(self):
        answer = self.get("/dump")
        return answer["first"], answer["total"]


class Subscriber:
    def __init__(self, port):
        self.arrivals = Arrivals()
        self.client = make_client(f"bench-delivery-sub-{os.getpid()}")
        subscribed = threading.Event()

        def on_message(client, userdata, msg):
            if msg.topic.startswith("alerts/active/"):
                return
            identifier = event_id(msg.payload)
            if identifier:
                self.arrivals.add(identifier, now_ms())

        self.client.on_message = on_message
        self.client.on_subscribe = lambda *a: subscribed.set()
        connect(self.client, port)
        self.client.subscribe("alerts/#", qos=1)
        self.client.loop_start()
        if not subscribed.wait(10):
            raise SystemExit("the subscriber could not subscribe")

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="tb-delivery-")
        self.procs = []
        self.rules = os.path.join(self.tmp, "rules")
        os.mkdir(self.rules)
        with open(os.path.join(self.rules, "bench.yaml"), "w") as f:
            f.write(RULES)
        self.port = free_port()
        conf = os.path.join(self.tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 1000\n"
                    "queue_qos0_messages true\nset_tcp_nodelay true\n")
        self.procs.append(subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(self.port)
        self.webhook = RemoteWebhook(self.procs)
        self.hot = {}

    def close(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def bridge(self, name, sinks, ready=True, which=None):
        which = which or (self.args.sinks if sinks else "none")
        db = os.path.join(self.tmp, f"{name}.sqlite")
        cmd = [os.path.abspath(self.args.bin), "run", "--http", "off", "--broker", f"mqtt://127.0.0.1:{self.port}",
               "--devices", os.path.join(ROOT, "Benchmarks", "Devices"), "--rules", self.rules, "--db", db,
               "--client-id", f"bench-{name}", "--summary-interval", "0", "--log-level", "info"]
        if which in ("both", "webhook"):
            cmd += ["--webhook", f"http://127.0.0.1:{self.webhook.port}/hook"]
        if which in ("none", "webhook"):
            cmd += ["--alert-topic", "off"]
        log_path = os.path.join(self.tmp, f"{name}.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen(cmd, cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=log)
        self.procs.append(proc)
        if ready:
            wait_for(lambda: "] ready" in open(log_path).read() or proc.poll() is not None, 30, f"{name} ready")
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited: {open(log_path).read()[-2000:]}")
        return proc, db

    def stop(self, proc):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)

    def register_session(self, name):
        """Connects the bridge's client id once, so the broker keeps its session while it is offline."""
        proc, db = self.bridge(name, sinks=False)  # "ready": connected and subscribed
        self.stop(proc)
        os.remove(db)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)

    def publish(self, messages, rate=None):
        client = RawPublisher(self.port, f"bench-delivery-pub-{time.time_ns()}")
        devices = self.args.devices
        topics = [RawPublisher.topic_header(f"bench/bench-{d:04d}/state") for d in range(devices)]
        start = time.monotonic()
        base = time.time_ns() // 1_000_000 - 3_600_000
        for k in range(messages):
            d, n = k % devices, k // devices
            self.hot[d] = not self.hot.get(d, False)
            payload = b'{"ts":%d,"t":%.1f,"h":50}' % (base + n * 100 + k // devices, 35.0 if self.hot[d] else 20.0)
            client.publish(topics[d], payload)
            if rate:
                ahead = start + (k + 1) / rate - time.monotonic()
                if ahead > 0.001:
                    time.sleep(ahead)
        client.close()

    def lag(self):
        a = self.args
        sub = Subscriber(self.port)
        self.webhook.reset()
        proc, db = self.bridge("lag", sinks=True, which="both")
        started = time.monotonic()
        self.publish(a.events, rate=a.rate)
        published = time.monotonic() - started
        wait_for(lambda: count(db, "SELECT count(*) FROM alerts") >= a.events, 120, "events committed")
        wait_for(lambda: sub.arrivals.count() >= a.events and self.webhook.count() >= a.events, 120,
                 "events delivered", lambda: f"mqtt {sub.arrivals.count()}, webhook {self.webhook.count()}")
        logged = dict(rows(db, "SELECT id, logged_at FROM alerts"))
        self.stop(proc)
        sub.close()
        results = {}
        webhook_first, webhook_total = self.webhook.dump()
        for sink, first, total in (("mqtt", sub.arrivals.first, sub.arrivals.total), ("webhook", webhook_first, webhook_total)):
            lags = sorted(max(0.0, at - logged[i]) for i, at in first.items() if i in logged)
            results[sink] = (len(lags), total, percentile(lags, 0.5), percentile(lags, 0.99), lags[-1])
        return a.events / published, results

    def drain(self, name, sinks):
        self.register_session(name)
        self.publish(self.args.drain)
        started = time.monotonic()
        proc, db = self.bridge(name, sinks, ready=False)
        expected = 2 * self.args.drain
        wait_for(lambda: os.path.exists(db) and count(db, "SELECT count(*) FROM all_readings") >= expected, 300,
                 f"{name}: readings committed")
        elapsed = time.monotonic() - started
        delivered = None
        if sinks and self.args.sinks == "both":
            wait_for(lambda: count(db, "SELECT min(delivered) FROM alert_deliveries") >= count(db, "SELECT max(rowid) FROM alerts"),
                     300, f"{name}: events delivered")
            delivered = time.monotonic() - started
        cpu = cpu_seconds(proc.pid)
        self.stop(proc)
        return self.args.drain / elapsed, cpu, elapsed, delivered


def count(db, sql):
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            value = connection.execute(sql).fetchone()[0]
        finally:
            connection.close()
        return value or 0
    except sqlite3.Error:
        return -1


def rows(db, sql):
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def wait_for(condition, deadline, what, detail=lambda: ""):
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what} {detail()}")
        time.sleep(0.02)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/telemetry-bridge"))
    parser.add_argument("--events", type=int, default=10_000, help="alert storm size for the lag measurement")
    parser.add_argument("--rate", type=float, default=1000, help="crossing readings per second in the storm")
    parser.add_argument("--drain", type=int, default=40_000, help="crossing readings per ingest-cost round")
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--sinks", choices=["both", "mqtt", "webhook"], default="both",
                        help="the sinks of the ingest rounds with sinks on (the lag storm always has both)")
    parser.add_argument("--rounds", type=int, default=6, help="ingest rounds with sinks off and on, alternating (fewer: the medians move by 10 %% between runs on a shared 2-core machine)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--role", default="main", help=argparse.SUPPRESS)
    parser.add_argument("--webhook-port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "webhook":
        receiver = WebhookReceiver(args.webhook_port)
        signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=receiver.server.shutdown).start())
        receiver.server.serve_forever()
        return
    ensure_paho()
    bench = Bench(args)
    try:
        rate, results = bench.lag()
        print(f"storm: {args.events:,} alert events published at {rate:,.0f}/s")
        for sink, (n, total, p50, p99, worst) in results.items():
            verdict = "met" if p99 < 100 else "MISSED"
            print(f"  {sink:8s} delivered {n:,} ({total:,} with duplicates)  lag p50 {p50:.1f} ms  p99 {p99:.1f} ms  "
                  f"max {worst:.1f} ms  (target p99 < 100 ms: {verdict})")
        off, on = [], []
        for round_ in range(args.rounds):
            off.append(bench.drain(f"off-{round_}", sinks=False))
            on.append(bench.drain(f"on-{round_}", sinks=True))
        cost = 1 - statistics.median(r[0] for r in on) / statistics.median(r[0] for r in off)
        print(f"ingest of {args.drain:,} crossing readings: sinks off {', '.join(f'{r[0]:,.0f}' for r in off)} msg/s, "
              f"on (MQTT + webhook) {', '.join(f'{r[0]:,.0f}' for r in on)} msg/s")
        print(f"  bridge CPU per round (ingest, and with sinks on every event delivered): off "
              f"{', '.join(f'{r[1]:.2f}' for r in off)} s, on {', '.join(f'{r[1]:.2f}' for r in on)} s")
        if all(r[3] is not None for r in on):
            print("  with sinks on, ingest done / every event delivered (s after start): "
                  + ", ".join(f"{r[2]:.2f} / {r[3]:.2f}" for r in on))
        print(f"  ingest cost of delivery: {cost * 100:.1f} % (target < 5 %: {'met' if cost < 0.05 else 'MISSED'})")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
