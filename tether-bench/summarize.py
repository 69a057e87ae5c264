#!/usr/bin/env python3
"""Turns a tether-bench/run.sh result file into the markdown tables of docs/benchmarks.md.

    python3 tether-bench/summarize.py tether-bench/target/bench-*.txt
"""
import re
import sys

SERVERS = ["tether", "tether-v1", "netty", "netty-flush", "java-websocket", "jetty", "node-ws"]
PEERS = ["java-websocket", "jetty", "node-ws"]


def parse(path):
    results, idle = {}, {}
    for line in open(path):
        if line.startswith("#"):
            continue
        words = line.split()
        if len(words) < 3:
            continue
        server, scenario = words[0], words[1]
        fields = dict(w.split("=", 1) for w in words[2:] if "=" in w)
        (idle if scenario == "idle" else results)[(server, scenario) if scenario != "idle" else server] = fields
    return results, idle


def num(fields, key):
    value = fields.get(key, "").rstrip("%")
    try:
        return float(value)
    except ValueError:
        return None


def cpu_per_unit(fields, rate_key, scale):
    cpu, rate = num(fields, "server_cpu"), num(fields, rate_key)
    if cpu is None or not rate:
        return None
    return cpu / 100 / rate * scale


def main(path):
    results, idle = parse(path)
    def cell(server, scenario, fmt):
        f = results.get((server, scenario))
        return fmt(f) if f else "—"
    def latency(f):
        if not num(f, "msgs_per_s"):
            return "stalled¹"
        return f"{num(f,'p50_us'):.0f} / {num(f,'p99_us'):.0f} / {num(f,'p999_us'):.0f}"
    def rate(key, div, unit, cpu_scale, cpu_unit):
        def fmt(f):
            r = num(f, key)
            c = cpu_per_unit(f, key, cpu_scale)
            extra = f" ({f.get('server_cpu','?')}, {c:.1f} {cpu_unit})" if c is not None else ""
            return f"{r / div:,.0f}{unit}{extra}"
        return fmt
    rows = [
        ("(a) latency p50 / p99 / p99.9 µs", "latency", latency),
        ("(b) 32 B × 100 × 16: msg/s (server CPU, µs CPU per msg)", "throughput", rate("msgs_per_s", 1000, " k", 1e6, "µs")),
        ("(c) 64 KiB × 10 × 4: MB/s (server CPU, ms CPU per GB)", "large", rate("MB_per_s", 1, "", 1e6, "ms/GB")),
        ("(e) handshakes/s (server CPU, µs CPU per handshake)", "handshakes", rate("per_s", 1, "", 1e6, "µs")),
    ]
    print("| scenario | " + " | ".join(SERVERS) + " |")
    print("|---" * (len(SERVERS) + 1) + "|")
    for title, scenario, fmt in rows:
        print(f"| {title} | " + " | ".join(cell(s, scenario, fmt) for s in SERVERS) + " |")
    print()
    print("| idle, heartbeats every 10 s | " + " | ".join(idle) + " |")
    print("|---" * (len(idle) + 1) + "|")
    print("| connections | " + " | ".join(f"{int(num(v,'connections')):,}" for v in idle.values()) + " |")
    for key, title in [("live_heap_per_conn_bytes", "heap after full GC / conn"),
                       ("live_objects_per_conn_bytes", "live objects (class histogram) / conn"),
                       ("rss_per_conn_bytes", "RSS / conn")]:
        print(f"| {title} | " + " | ".join(f"{int(num(v,key)):,} B" for v in idle.values()) + " |")
    print("| server CPU, % of one core | " + " | ".join(f"{num(v,'heartbeat_cpu_percent_of_one_core'):.2f} %" for v in idle.values()) + " |")
    print()
    # Ratios of plain Tether.
    def ratio(a, b):
        return f"{a / b:.2f}×" if a and b else "—"
    def best_peer(scenario, key, lower_is_better=False):
        vals = [(num(results[(p, scenario)], key), p) for p in PEERS if (p, scenario) in results
                and num(results[(p, scenario)], key)]
        if not vals:
            return None, None
        return (min if lower_is_better else max)(vals)
    print("| plain Tether against | netty | netty-flush | best peer |")
    print("|---|---|---|---|")
    for title, scenario, key, lower in [("(a) p99 latency (lower is better)", "latency", "p99_us", True),
                                        ("(b) msg/s", "throughput", "msgs_per_s", False),
                                        ("(c) MB/s", "large", "MB_per_s", False),
                                        ("(e) handshakes/s", "handshakes", "per_s", False)]:
        t = num(results.get(("tether", scenario), {}), key)
        n = num(results.get(("netty", scenario), {}), key)
        nf = num(results.get(("netty-flush", scenario), {}), key)
        bp, who = best_peer(scenario, key, lower)
        print(f"| {title} | {ratio(t, n)} | {ratio(t, nf)} | {ratio(t, bp)} ({who}) |")
    for title, scenario, key in [("(b) server CPU per msg (lower is better)", "throughput", "msgs_per_s"),
                                 ("(c) server CPU per GB (lower is better)", "large", "MB_per_s"),
                                 ("(e) server CPU per handshake (lower is better)", "handshakes", "per_s")]:
        per = {s: cpu_per_unit(results[(s, scenario)], key, 1) for s in SERVERS if (s, scenario) in results}
        peers = [(per[p], p) for p in PEERS if per.get(p)]
        bp, who = min(peers) if peers else (None, None)
        print(f"| {title} | {ratio(per.get('tether'), per.get('netty'))} | {ratio(per.get('tether'), per.get('netty-flush'))} | {ratio(per.get('tether'), bp)} ({who}) |")
    print()
    tp = num(results.get(("tether", "throughput"), {}), "msgs_per_s")
    vp = num(results.get(("tether-v1", "throughput"), {}), "msgs_per_s")
    tl = num(results.get(("tether", "latency"), {}), "p99_us")
    vl = num(results.get(("tether-v1", "latency"), {}), "p99_us")
    print(f"tether.v1 against plain: throughput {ratio(vp, tp)}, p99 latency {ratio(vl, tl)}")
    if "tether" in idle and "netty-hb" in idle:
        print(f"heartbeat CPU, Tether against bare Netty's IdleStateHandler heartbeat: "
              f"{ratio(num(idle['tether'],'heartbeat_cpu_percent_of_one_core'), num(idle['netty-hb'],'heartbeat_cpu_percent_of_one_core'))}")


if __name__ == "__main__":
    main(sys.argv[1])
