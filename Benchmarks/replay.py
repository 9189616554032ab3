#!/usr/bin/env python3
"""Replay benchmark for telemetry-bridge (issue 4: >= 1 M readings/s through the example rules).

Builds a database the real way, once: a private mosquitto, `telemetry-bridge run` with the
shipped Devices/ and Rules/, and `telemetry-bridge simulate` publishing a month of virtual time
(`--start -30d --step`) from 1,000 devices, flat out at QoS 0, until the database holds at least
--readings readings. Then, in the same run, alternating:

* baseline: `telemetry-bridge export --format csv > /dev/null` (reading every reading back), and
* `telemetry-bridge replay --format jsonl > /dev/null` with the shipped rules,

and prints readings/s of each, the ratio, and the target.
"""
import argparse, os, signal, sqlite3, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port, wait_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def count(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from all_readings").fetchone()[0]


def build(args, tmp, db):
    port = free_port()
    conf = os.path.join(tmp, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                "max_queued_messages 0\nmax_inflight_messages 1000\nqueue_qos0_messages true\n")
    broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    url = f"mqtt://127.0.0.1:{port}"
    bridge = subprocess.Popen([args.bin, "run", "--http", "off", "--broker", url, "--db", db, "--devices", f"{ROOT}/Devices",
                               "--rules", f"{ROOT}/Rules", "--client-id", "replay-bench", "--qos", "0",
                               "--summary-interval", "0", "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # let it subscribe before the first publish (setup only; nothing is timed here)
    try:
        # ~2.6 readings per message over the four shipped types.
        messages = int(args.readings / 2.4)
        subprocess.run([args.bin, "simulate", "--broker", url, "--devices", f"{ROOT}/Devices",
                        "--devices-per-type", "250", "--rate", "0", "--count", str(messages), "--qos", "0",
                        "--start", "-30d", "--step", "10s", "--seed", "3", "--log-level", "warning"], check=True)
        deadline = time.time() + 600
        last = -1
        while time.time() < deadline:
            time.sleep(2)
            now = count(db)
            if now == last:
                break
            last = now
    finally:
        bridge.send_signal(signal.SIGTERM)
        bridge.wait(timeout=60)
        broker.terminate()
        broker.wait()
    return count(db)


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--readings", type=int, default=10_000_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--db", help="reuse this database instead of building one")
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="tb-replay-bench-")
    db = args.db or os.path.join(tmp, "replay.sqlite")
    if not args.db:
        print(f"building a database of >= {args.readings:,} readings (simulated month, 1,000 devices)...", flush=True)
        start = time.perf_counter()
        readings = build(args, tmp, db)
        print(f"  {readings:,} readings in {time.perf_counter() - start:.0f} s: {db}", flush=True)
    readings = count(db)
    common = ["--db", db]
    exports, replays = [], []
    for r in range(args.rounds):
        exports.append(readings / timed([args.bin, "export", *common, "--format", "csv"]))
        replays.append(readings / timed([args.bin, "replay", *common, "--devices", f"{ROOT}/Devices",
                                         "--rules", f"{ROOT}/Rules", "--format", "jsonl"]))
        print(f"  round {r}: export {exports[-1]:,.0f} readings/s  replay {replays[-1]:,.0f} readings/s", flush=True)
    rate = statistics.median(replays)
    print(f"replay: median {rate:,.0f} readings/s over {readings:,} readings through the shipped rules "
          f"(export baseline {statistics.median(exports):,.0f}/s, ratio {rate / statistics.median(exports):.2f}); "
          f"target >= 1,000,000 readings/s: {'met' if rate >= 1_000_000 else 'missed'}")


if __name__ == "__main__":
    main()
