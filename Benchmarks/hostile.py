#!/usr/bin/env python3
"""Hostile-input soak for telemetry-bridge (not part of `make test`): the attacks of issue 9,
from outside the process, against the release build.

A private mosquitto on a free port, `telemetry-bridge run` (dashboard on a free port, open-file
limit 1024 as under systemd) and `telemetry-bridge simulate` publishing a fleet, then:

1. the request that used to kill the daemon (`to=-9223372036854775808`) and other extremes;
2. rounds of event-stream clients that never read: RSS before, at the peak and after they leave,
   and the slowest `/healthz` meanwhile;
3. 1,100 connections that send nothing (more than the open-file limit allows): the slowest
   `/healthz` meanwhile, and a broker restart the bridge must survive (readings keep coming);
4. 200,000 invented device ids against `--max-devices` (default 100,000): RSS and the
   `device_limit` dead letters.

Prints one line per measurement. Usage: python3 Benchmarks/hostile.py --bin .build/release/telemetry-bridge
"""
import argparse, os, socket, sqlite3, subprocess, sys, tempfile, threading, time, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port, wait_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


class HealthProbe(threading.Thread):
    """Polls /healthz every 50 ms; keeps the slowest answer and counts failures."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.slowest, self.failures, self.unhealthy, self.count, self.stop = port, 0.0, 0, 0, 0, False

    def run(self):
        while not self.stop:
            start = time.perf_counter()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5).read()
            except urllib.error.HTTPError:
                self.unhealthy += 1  # answered 503: the broker is away
            except Exception:
                self.failures += 1
            self.slowest = max(self.slowest, time.perf_counter() - start)
            self.count += 1
            time.sleep(0.05)


class Soak:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="tb-hostile-")
        self.mqtt = free_port()
        self.conf = os.path.join(self.tmp, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write(f"listener {self.mqtt} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_inflight_messages 1000\n")
        self.start_broker()
        self.http = free_port()
        self.db = os.path.join(self.tmp, "hostile.sqlite")
        log = open(os.path.join(self.tmp, "bridge.log"), "w")
        self.bridge = subprocess.Popen(
            ["prlimit", "--nofile=1024:1024", args.bin, "run", "--broker", f"mqtt://127.0.0.1:{self.mqtt}",
             "--devices", os.path.join(ROOT, "Devices"), "--rules", os.path.join(ROOT, "Rules"), "--db", self.db,
             "--http", f"127.0.0.1:{self.http}", "--summary-interval", "0", "--client-id", "hostile"],
            stdout=log, stderr=log)
        wait_port(self.http, deadline=30)
        self.simulator = None

    def start_broker(self):
        self.broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", self.conf],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.mqtt)

    def simulate(self, extra, wait=False):
        cmd = [self.args.bin, "simulate", "--broker", f"mqtt://127.0.0.1:{self.mqtt}", "--devices",
               os.path.join(ROOT, "Devices"), "--log-level", "warning", "--client-id", f"sim-{time.time_ns()}"] + extra
        if wait:
            subprocess.run(cmd, check=True)
            return None
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def alive(self):
        return self.bridge.poll() is None

    def get(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http}{path}", timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def readings(self):
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as db:
            return db.execute("select count(*) from all_readings").fetchone()[0]

    def requests(self):
        for path in ["/api/series?device=dev1&metric=temperature&to=-9223372036854775808",
                     "/api/series?device=climate-001&metric=temperature&from=-99999999999w",
                     "/api/state?at=9223372036854775807", "/api/alerts?limit=99999999999999999999",
                     "/api/overview?at=0000-01-01T00:00:00Z"]:
            print(f"request {path}: {self.get(path)}, daemon alive: {self.alive()}")

    def streams(self, clients, rounds):
        baseline = rss_mib(self.bridge.pid)
        print(f"streams: RSS {baseline:.0f} MiB before, simulator publishing")
        for round_ in range(rounds):
            probe = HealthProbe(self.http)
            probe.start()
            sockets = []
            for _ in range(clients):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.connect(("127.0.0.1", self.http))
                s.sendall(b"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                sockets.append(s)
            peak = 0
            for _ in range(int(self.args.hold / 0.5)):
                peak = max(peak, rss_mib(self.bridge.pid))
                time.sleep(0.5)
            for s in sockets:
                s.close()
            time.sleep(65)  # the daemon trims the heap once a minute
            probe.stop = True
            probe.join()
            print(f"streams round {round_ + 1}: {clients} non-reading clients, RSS peak {peak:.0f} MiB, "
                  f"after they left {rss_mib(self.bridge.pid):.0f} MiB; /healthz slowest {probe.slowest * 1000:.0f} ms, "
                  f"{probe.failures} failed of {probe.count}; alive {self.alive()}")

    def idle(self, count):
        probe = HealthProbe(self.http)
        probe.start()
        sockets = []
        refused = 0
        for _ in range(count):
            try:
                s = socket.create_connection(("127.0.0.1", self.http), timeout=2)
                sockets.append(s)
            except OSError:
                refused += 1
        before = self.readings()
        self.broker.terminate()
        self.broker.wait()
        time.sleep(1)
        self.start_broker()
        time.sleep(self.args.hold)
        after = self.readings()
        probe.stop = True
        probe.join()
        for s in sockets:
            s.close()
        print(f"idle: {len(sockets)} idle connections opened ({refused} refused), broker restarted: "
              f"readings {before} -> {after}; /healthz slowest {probe.slowest * 1000:.0f} ms, "
              f"{probe.failures} unanswered and {probe.unhealthy} 503 (broker away) of {probe.count}; alive {self.alive()}")

    def cardinality(self, devices):
        before = rss_mib(self.bridge.pid)
        # zigbee-sensor: one message per device, so `devices` messages name `devices` ids.
        self.simulate(["--type", "zigbee-sensor", "--devices-per-type", str(devices), "--rate", "0",
                       "--count", str(devices)], wait=True)
        last, stable = -1, 0
        while stable < 3:  # until nothing new is stored for 3 s
            time.sleep(1)
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as db:
                now = db.execute("select (select count(*) from devices) + (select count(*) from dead_letters)").fetchone()[0]
            stable = stable + 1 if now == last else 0
            last = now
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as db:
            known = db.execute("select count(*) from devices").fetchone()[0]
            limited = db.execute("select count(*) from dead_letters where reason = 'device_limit'").fetchone()[0]
        print(f"cardinality: {devices} invented ids: {known} devices stored, {limited} device_limit dead letters, "
              f"RSS {before:.0f} -> {rss_mib(self.bridge.pid):.0f} MiB; alive {self.alive()}")

    def close(self):
        for process in [self.simulator, self.bridge, self.broker]:
            if process and process.poll() is None:
                process.terminate()
                process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/telemetry-bridge"))
    parser.add_argument("--hold", type=float, default=10, help="seconds each attack is held")
    parser.add_argument("--rate", type=int, default=2000, help="simulated messages per second meanwhile")
    args = parser.parse_args()
    soak = Soak(args)
    try:
        soak.simulator = soak.simulate(["--devices-per-type", "50", "--rate", str(args.rate)])
        time.sleep(2)
        soak.requests()
        soak.streams(200, 1)
        soak.streams(100, 4)
        soak.idle(1100)
        soak.simulator.terminate()
        soak.cardinality(200_000)
        print(f"log: {soak.tmp}/bridge.log")
    finally:
        soak.close()


if __name__ == "__main__":
    main()
