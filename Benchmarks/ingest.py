#!/usr/bin/env python3
"""Ingest benchmark for telemetry-bridge.

A private mosquitto is started on a free loopback port. For QoS 0 and QoS 1, alternating, each
round queues N messages (1,000 devices x 2 metrics, JSON, published flat out by
`telemetry-bridge simulate`) for a persistent session that is offline, then measures how fast
the session's consumer drains them:

* baseline: `mosquitto_sub` alone (output to /dev/null)
* bridge:   `telemetry-bridge run`, until every reading is committed to SQLite (ack after commit)

It prints the rates, the ratio bridge/baseline, readings stored vs expected (counted in SQLite)
and the bridge's peak RSS (VmHWM). Both consumers are timed from process start.
"""
import argparse, os, re, signal, socket, sqlite3, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port, wait_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="tb-bench-")
        self.port = free_port()
        conf = os.path.join(self.tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 1000\n"
                    "queue_qos0_messages true\n")
        self.broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.devices = os.path.join(ROOT, "Benchmarks", "Devices")

    def close(self):
        self.broker.terminate()
        self.broker.wait()

    def publish(self, qos):
        subprocess.run([self.args.bin, "simulate", "--broker", self.url, "--devices", self.devices,
                        "--devices-per-type", str(self.args.devices), "--rate", "0",
                        "--count", str(self.args.messages), "--qos", str(qos), "--log-level", "warning",
                        "--client-id", f"bench-pub-{time.time_ns()}"], check=True)

    def drain_mosquitto_sub(self, qos, round_):
        cid = f"drain-{qos}-{round_}-{time.time_ns()}"
        base = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.port), "-i", cid, "-c", "-q", str(qos),
                "-t", "bench/#"]
        subprocess.run(base + ["-E"], check=True)
        self.publish(qos)
        start = time.perf_counter()
        subprocess.run(base + ["-C", str(self.args.messages)], check=True, stdout=subprocess.DEVNULL)
        return self.args.messages / (time.perf_counter() - start)

    def bridge(self, qos, round_):
        cid = f"bridge-{qos}-{round_}-{time.time_ns()}"
        db = os.path.join(self.tmp, f"{cid}.sqlite")
        cmd = [self.args.bin, "run", "--http", "off", "--broker", self.url, "--devices", self.devices, "--db", db,
               "--client-id", cid, "--qos", str(qos), "--summary-interval", "10ms", "--log-level", "info"]
        # First run registers the persistent session, then stops.
        self.run_bridge(cmd, until=lambda line: "ready" in line or "subscribed" in line)
        self.publish(qos)
        expected = 2 * self.args.messages
        start = time.perf_counter()
        pattern = re.compile(r"readings=(\d+)")
        done = {}

        def until(line):
            if "ready" in line and "ready" not in done:
                done["ready"] = time.perf_counter()
            m = pattern.search(line)
            if m and int(m.group(1)) >= expected:
                done["t"] = time.perf_counter()
                return True
            return False

        rss = self.run_bridge(cmd, until=until, timeout=self.args.timeout)
        elapsed = done.get("t", time.perf_counter()) - start
        if "ready" in done:
            print(f"    bridge start-up to ready: {(done['ready'] - start) * 1000:.0f} ms, "
                  f"ready to all committed: {(done.get('t', 0) - done['ready']) * 1000:.0f} ms", flush=True)
        with sqlite3.connect(db) as conn:
            stored = conn.execute("select count(*) from all_readings").fetchone()[0]
        return self.args.messages / elapsed, stored, expected, rss

    def run_bridge(self, cmd, until, timeout=60):
        proc = subprocess.Popen(cmd, cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        end = time.time() + timeout
        rss = 0
        last = []
        satisfied = False
        try:
            for line in proc.stderr:
                last = (last + [line.strip()])[-5:]
                if until(line):
                    satisfied = True
                    break
                if time.time() > end:
                    break
            with open(f"/proc/{proc.pid}/status") as f:
                for l in f:
                    if l.startswith("VmHWM:"):
                        rss = int(l.split()[1]) / 1024
        except FileNotFoundError:
            pass
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
        if not satisfied:
            print("  the bridge stopped before the condition held; last lines:\n    " + "\n    ".join(last),
                  file=sys.stderr)
        return rss


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--messages", type=int, default=200_000)
    p.add_argument("--devices", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--timeout", type=int, default=300)
    args = p.parse_args()
    bench = Bench(args)
    print(f"ingest benchmark: {args.messages} messages, {args.devices} devices x 2 metrics, "
          f"{args.rounds} alternating rounds per QoS")
    try:
        for qos in (0, 1):
            subs, bridges, rss_all, lost = [], [], [], 0
            for r in range(args.rounds):
                subs.append(bench.drain_mosquitto_sub(qos, r))
                rate, stored, expected, rss = bench.bridge(qos, r)
                bridges.append(rate)
                rss_all.append(rss)
                lost += expected - stored
                print(f"  qos {qos} round {r}: mosquitto_sub {subs[-1]:,.0f} msg/s  bridge {rate:,.0f} msg/s  "
                      f"stored {stored}/{expected}  peak RSS {rss:.1f} MB", flush=True)
            ratio = statistics.median(bridges) / statistics.median(subs)
            print(f"QoS {qos}: median mosquitto_sub {statistics.median(subs):,.0f} msg/s, bridge "
                  f"{statistics.median(bridges):,.0f} msg/s, ratio {ratio:.2f} (target >= 0.90), "
                  f"readings lost {lost}, peak RSS {max(rss_all):.1f} MB (target <= 64)", flush=True)
    finally:
        bench.close()


if __name__ == "__main__":
    main()
