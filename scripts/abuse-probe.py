#!/usr/bin/env python3
"""Abuse probes against a running `keel serve` on loopback, for the figures in docs/reliability.md.

Loopback only: the target must be 127.0.0.0/8 or ::1. Each probe prints one line of figures.

  scripts/abuse-probe.py --pid PID --port 8080 pipeline   # pipelined GETs, reader never reads
  scripts/abuse-probe.py --pid PID --port 8080 slow N     # N slow connections, then one real request
  scripts/abuse-probe.py --pid PID --port 8080 --stun 3478 stun SECONDS
"""
import argparse, socket, statistics, struct, sys, threading, time, os


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])  # utime + stime


def get_latency(host, port, path="/version", timeout=10):
    t = time.perf_counter()
    try:
        s = socket.create_connection((host, port), timeout=timeout)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return time.perf_counter() - t, ok


def latencies(host, port, seconds, stop):
    out = []
    end = time.time() + seconds
    while time.time() < end and not stop.is_set():
        dt, ok = get_latency(host, port)
        out.append(dt if ok else float("inf"))
        time.sleep(0.02)
    return out


def p(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))] if v else float("nan")


def pipeline(a):
    base = rss_mib(a.pid)
    s = socket.create_connection((a.host, a.port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setblocking(False)
    req = b"GET /register/a HTTP/1.1\r\nHost: x\r\n\r\n"
    blob = req * (4 * 1024 * 1024 // len(req))
    sent = 0
    stop = threading.Event()
    lat = []
    t = threading.Thread(target=lambda: lat.extend(latencies(a.host, a.port, 20, stop)))
    t.start()
    end = time.time() + 15
    while sent < len(blob) and time.time() < end:
        try:
            sent += s.send(blob[sent:sent + 65536])
        except BlockingIOError:
            time.sleep(0.01)
    peak = base
    for _ in range(50):
        peak = max(peak, rss_mib(a.pid))
        time.sleep(0.1)
    stop.set()
    t.join()
    print(f"pipeline: sent {sent} bytes of requests ({sent // len(req)} GETs), reader never reads; "
          f"RSS {base:.0f} -> peak {peak:.0f} MiB; /version p50 {p(lat, .5) * 1000:.1f} ms "
          f"p99 {p(lat, .99) * 1000:.1f} ms over {len(lat)} requests")
    time.sleep(a.hold)
    alive = True
    try:
        s.setblocking(True)
        s.settimeout(0.5)
        s.send(b"x")
        s.recv(1)
    except socket.timeout:
        pass
    except OSError:
        alive = False
    print(f"pipeline: after {a.hold} s the server {'still holds' if alive else 'dropped'} the connection; "
          f"RSS {rss_mib(a.pid):.0f} MiB")
    s.close()


def slow(a):
    n = a.n
    conns = []
    c0 = cpu_ticks(a.pid)
    for i in range(n):
        try:
            s = socket.create_connection((a.host, a.port), timeout=2)
            s.sendall(b"GET /version HTTP/1.1\r\nHo")
            conns.append(s)
        except OSError:
            break
    t0 = time.time()
    time.sleep(3)
    c1 = cpu_ticks(a.pid)
    cpu = (c1 - c0) / os.sysconf("SC_CLK_TCK") / (time.time() - t0 + 0.001) * 100
    dt, ok = get_latency(a.host, a.port, timeout=10)
    print(f"slow: {len(conns)} slow connections open; server CPU {cpu:.0f} % over 3 s; "
          f"a new GET /version {'answered' if ok else 'NOT answered'} in {dt * 1000:.0f} ms")
    for s in conns:
        s.close()


def stun(a):
    txid = os.urandom(12)
    req = struct.pack(">HHI", 1, 8, 0x2112A442) + txid + struct.pack(">HH", 0x8022, 4) + b"tail"
    stop = threading.Event()
    count = [0]

    def flood():
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.setblocking(False)
        while not stop.is_set():
            for _ in range(256):
                try:
                    u.sendto(req, (a.host, a.stun))
                    count[0] += 1
                except BlockingIOError:
                    pass
            try:
                while u.recv(2048):
                    pass
            except BlockingIOError:
                pass

    quiet = latencies(a.host, a.port, 3, threading.Event())
    t = threading.Thread(target=flood)
    t.start()
    time.sleep(0.5)
    busy = latencies(a.host, a.port, a.seconds, threading.Event())
    stop.set()
    t.join()
    print(f"stun: {count[0] / (a.seconds + 0.5):.0f} requests/s from one socket; /version p50/p99 "
          f"quiet {p(quiet, .5) * 1000:.1f}/{p(quiet, .99) * 1000:.1f} ms, flooded "
          f"{p(busy, .5) * 1000:.1f}/{p(busy, .99) * 1000:.1f} ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--stun", type=int, default=3478)
    ap.add_argument("--hold", type=int, default=40)
    sub = ap.add_subparsers(dest="probe", required=True)
    sub.add_parser("pipeline")
    sp = sub.add_parser("slow")
    sp.add_argument("n", type=int)
    st = sub.add_parser("stun")
    st.add_argument("seconds", type=int)
    a = ap.parse_args()
    if not (a.host.startswith("127.") or a.host == "::1"):
        sys.exit("loopback targets only")
    {"pipeline": pipeline, "slow": slow, "stun": stun}[a.probe](a)


if __name__ == "__main__":
    main()
