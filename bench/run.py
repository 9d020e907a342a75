"""Benchmark the real production server: article views, search, saves and memory.

    .venv/bin/python bench/run.py --articles 2000 --duration 5

Generates the corpus when its data dir is missing (see `generate_corpus.py`), copies it to
`bench/out/run-<timestamp>/` (the saves must not change the corpus of the next run), starts
`wikiterritoire serve` there on a free port of 127.0.0.1, measures, prints a table, writes the
figures to `bench/out/results-<timestamp>.json`, and stops the server it started. Nothing but
127.0.0.1 is contacted. This prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import multiprocessing
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import generate_corpus

from wikiterritoire.titles import to_url

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
HOST = "127.0.0.1"
VIEW_URLS = 200
SEARCH_QUERIES = 200
SEARCH_CLIENTS = 8
SAVES = 100
#: No single request may take longer than this.
REQUEST_TIMEOUT = 30.0


# --- Small helpers ------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of `values` (seconds), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def latency_summary(latencies: list[float]) -> dict:
    return {
        "count": len(latencies),
        "p50_ms": ms(percentile(latencies, 50)),
        "p90_ms": ms(percentile(latencies, 90)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(max(latencies) if latencies else None),
        "mean_ms": ms(sum(latencies) / len(latencies) if latencies else None),
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP/1.1 connection to the server, reopened after an error."""

    def __init__(self, port: int, timeout: float = REQUEST_TIMEOUT):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, float]:
        """(status, body, seconds); status 0 when the connection failed."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, b"", time.perf_counter() - start
        return status, data, time.perf_counter() - start

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- The server ---------------------------------------------------------------------------------


def wiki_command() -> list[str]:
    """The `wikiterritoire` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "wikiterritoire"
    if script.exists():
        return [str(script)]
    found = shutil.which("wikiterritoire")
    return [found] if found else [sys.executable, "-m", "wikiterritoire.cli"]


def wiki_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIKI_")}
    env["WIKI_DATA_DIR"] = str(data_dir)
    return env


def upgrade_storage(data_dir: Path) -> None:
    """`wikiterritoire init`: bring a corpus made by older code up to the current schema."""
    done = subprocess.run(
        [*wiki_command(), "init"],
        env=wiki_env(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"`wikiterritoire init` failed:\n{done.stdout}{done.stderr}")


def new_token(data_dir: Path, user: str) -> str:
    """A personal API token, from `wikiterritoire token NAME`."""
    done = subprocess.run(
        [*wiki_command(), "token", user],
        env=wiki_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"`wikiterritoire token {user}` failed:\n{done.stdout}{done.stderr}")
    return lines[-1]


def children(pid: int) -> list[int]:
    """Direct children of `pid` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(set(found))


MEMORY_FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem")


def memory_kb(pid: int) -> dict:
    """Resident memory of a process in kB: VmRSS (= RssAnon + RssFile + RssShmem), VmHWM (peak).

    RssFile counts mapped files (the Whoosh index segments), shared with the page cache.
    """
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in MEMORY_FIELDS:
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


class Server:
    """`wikiterritoire serve` as a subprocess; `stop()` ends it (and only it) by PID."""

    def __init__(
        self, data_dir: Path, port: int, workers: int, threads: int | None, log_path: Path
    ):
        self.data_dir, self.port, self.workers, self.threads = data_dir, port, workers, threads
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.worker_pids: list[int] = []
        self._log = None

    def start(self, ready_timeout: float = 90.0) -> None:
        cmd = [
            *wiki_command(),
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            *(["--threads", str(self.threads)] if self.threads else []),
        ]
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            cmd, env=wiki_env(self.data_dir), stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + ready_timeout
        client = Client(self.port, timeout=5)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log_tail()}")
            status, _, _ = client.request("GET", "/")
            if 200 <= status < 500:
                client.close()
                # Workers are forked once the master is up; give them a moment to appear.
                for _ in range(50):
                    self.worker_pids = children(self.proc.pid)
                    if len(self.worker_pids) >= self.workers:
                        break
                    time.sleep(0.1)
                return
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {ready_timeout:.0f} s")

    def memory(self) -> dict:
        assert self.proc is not None
        self.worker_pids = children(self.proc.pid) or self.worker_pids
        return {
            "master": memory_kb(self.proc.pid),
            "workers": {str(pid): memory_kb(pid) for pid in self.worker_pids},
        }

    def socket_counts(self) -> dict[int, int]:
        """Established client connections held by each worker (from /proc/net/tcp)."""
        established = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    fields = line.split()
                    local_port = int(fields[1].rsplit(":", 1)[1], 16)
                    if fields[3] == "01" and local_port == self.port:
                        established.add(fields[9])
        counts = {}
        for pid in self.worker_pids:
            n = 0
            with contextlib.suppress(OSError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        target = os.readlink(fd)
                        n += target.startswith("socket:[") and target[8:-1] in established
            counts[pid] = n
        return counts

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        # Workers whose master was killed: end them too, by their recorded PIDs only.
        for pid in self.worker_pids:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"wikiterritoire" in cmdline:
                os.kill(pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()


# --- Load generators ----------------------------------------------------------------------------

WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  -- Each thread starts at a different place in the rotation.
  counter = (id * 37) %% #paths
end

function request()
  counter = counter + 1
  if counter > #paths then counter = 1 end
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\\"requests\\":%%d,\\"duration_us\\":%%d,\\"bytes\\":%%d,\\"connect\\":%%d," ..
    "\\"read\\":%%d,\\"write\\":%%d,\\"status\\":%%d,\\"timeout\\":%%d,\\"p50_us\\":%%d," ..
    "\\"p90_us\\":%%d,\\"p99_us\\":%%d,\\"max_us\\":%%d,\\"mean_us\\":%%f}\\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def run_wrk(
    port: int,
    paths: list[str],
    concurrency: int,
    duration: float,
    work: Path,
    headers: dict[str, str] | None = None,
) -> dict:
    """wrk cycling over `paths`, each request with `headers` (none by default)."""
    script = work / "rotate.lua"
    extra = "".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in (headers or {}).items()
    )
    script.write_text(extra + WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)})
    threads = max(1, min(concurrency, os.cpu_count() or 1))
    seconds = max(1, round(duration))
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://{HOST}:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    elapsed = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "concurrency": concurrency,
        "requests": raw["requests"],
        "seconds": round(elapsed, 2),
        "requests_per_s": round(raw["requests"] / elapsed, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        "errors": errors,
        "non_2xx_3xx": raw["status"],
        "mb_per_s": round(raw["bytes"] / elapsed / 1e6, 2),
    }


def _python_load_process(args: tuple) -> dict:
    """One load process: `threads` keep-alive connections looping over `paths` until `end`."""
    port, paths, offset, threads, start_at, end_at = args
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0, "non_2xx_3xx": 0, "bytes": 0}
    lock = threading.Lock()
    # A hard bound on the number of requests, whatever the speed.
    cap = int((end_at - start_at) * 50_000) + 1

    def loop(thread_no: int) -> None:
        client = Client(port, timeout=10)
        local: list[float] = []
        local_counts = {"requests": 0, "errors": 0, "non_2xx_3xx": 0, "bytes": 0}
        i = offset + thread_no * 37
        while time.time() < start_at:
            time.sleep(0.005)
        while time.time() < end_at and local_counts["requests"] < cap:
            status, body, seconds = client.request("GET", paths[i % len(paths)])
            i += 1
            if status == 0:
                local_counts["errors"] += 1
                time.sleep(0.01)
                continue
            local_counts["requests"] += 1
            local_counts["bytes"] += len(body)
            if not 200 <= status < 400:
                local_counts["non_2xx_3xx"] += 1
            local.append(seconds)
        client.close()
        with lock:
            latencies.extend(local)
            for key, value in local_counts.items():
                counts[key] += value

    pool = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(end_at - time.time() + 30)
    return counts | {"latencies": latencies}


def run_python(port: int, paths: list[str], concurrency: int, duration: float) -> dict:
    """Several processes, each with threads holding keep-alive connections."""
    processes = max(1, min(concurrency, os.cpu_count() or 1))
    shares = [
        concurrency // processes + (1 if n < concurrency % processes else 0)
        for n in range(processes)
    ]
    start_at = time.time() + 1.0  # every process starts together, after the fork
    end_at = start_at + duration
    jobs = [
        (port, paths, n * 1009, share, start_at, end_at) for n, share in enumerate(shares) if share
    ]
    ctx = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with ctx.Pool(len(jobs)) as pool:
        parts = pool.map_async(_python_load_process, jobs).get(timeout=duration + 120)
    latencies = [x for part in parts for x in part["latencies"]]
    requests = sum(p["requests"] for p in parts)
    summary = latency_summary(latencies)
    return {
        "concurrency": concurrency,
        "requests": requests,
        "seconds": round(duration, 2),
        "requests_per_s": round(requests / duration, 1),
        "p50_ms": summary["p50_ms"],
        "p90_ms": summary["p90_ms"],
        "p99_ms": summary["p99_ms"],
        "max_ms": summary["max_ms"],
        "mean_ms": summary["mean_ms"],
        "errors": sum(p["errors"] for p in parts),
        "non_2xx_3xx": sum(p["non_2xx_3xx"] for p in parts),
        "mb_per_s": round(sum(p["bytes"] for p in parts) / duration / 1e6, 2),
    }


def wrk_version() -> str | None:
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "wrk"


# --- The measurements ---------------------------------------------------------------------------


def view_paths(titles: list[str], count: int = VIEW_URLS) -> list[str]:
    """`count` distinct article URLs spread over the corpus, in a fixed shuffled order."""
    step = max(1, len(titles) // count)
    chosen = titles[::step][:count]
    random.Random("views").shuffle(chosen)
    return [f"/wiki/{to_url(t)}" for t in chosen]


def warm_views(port: int, paths: list[str], limit_s: float = 180.0) -> dict:
    """Fetch every URL once (fills the rendered-HTML cache) and check the answers."""
    client = Client(port)
    statuses: dict[int, int] = {}
    sizes, latencies = [], []
    deadline = time.monotonic() + limit_s
    for path in paths:
        if time.monotonic() > deadline:
            break
        status, body, seconds = client.request("GET", path)
        statuses[status] = statuses.get(status, 0) + 1
        sizes.append(len(body))
        latencies.append(seconds)
    client.close()
    return {
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "mean_html_bytes": round(sum(sizes) / max(len(sizes), 1)),
        "first_view": latency_summary(latencies),
    }


def bench_views(port, paths, levels, duration, generator, work, server) -> list[dict]:
    """One run per concurrency level, after a short warm-up.

    Mid-run, the open connections of each worker are counted: gunicorn does not balance
    keep-alive connections between workers, and an uneven split changes the figures a lot.
    """

    def run(concurrency: int, seconds: float) -> dict:
        if generator == "wrk":
            return run_wrk(port, paths, concurrency, seconds, work)
        return run_python(port, paths, concurrency, seconds)

    run(levels[0], min(2.0, duration))  # warm-up: connections, caches
    results = []
    for concurrency in levels:
        log(f"views: concurrency {concurrency} for {duration:g} s ({generator})")
        sample: dict[int, int] = {}
        delay = duration / 2 + (1.0 if generator == "python" else 0.0)
        sampler = threading.Timer(delay, lambda s=sample: s.update(server.socket_counts()))
        sampler.start()
        try:
            row = run(concurrency, duration)
        finally:
            sampler.cancel()
        row["connections_per_worker"] = [sample.get(pid, 0) for pid in server.worker_pids]
        results.append(row)
    return results


def bench_search(port: int, queries: list[str], clients: int = SEARCH_CLIENTS) -> dict:
    def one(client: Client, q: str) -> tuple[int, float, int]:
        status, body, seconds = client.request("GET", f"/api/v1/search?q={quote(q)}")
        total = -1
        if status == 200:
            try:
                total = int(json.loads(body)["total"])
            except (ValueError, KeyError, TypeError):
                total = -1
        return status, seconds, total

    # Warm-up: every worker thread opens its own searcher on first use.
    warm = [Client(port) for _ in range(clients)]
    threads = [threading.Thread(target=lambda c=c: [one(c, q) for q in queries[:5]]) for c in warm]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for c in warm:
        c.close()

    def summarize(rows: list[tuple[int, float, int]], wall: float) -> dict:
        ok = [r for r in rows if r[0] == 200]
        return latency_summary([r[1] for r in ok]) | {
            "queries_per_s": round(len(rows) / wall, 1),
            "errors": len(rows) - len(ok),
            "zero_hits": sum(1 for r in ok if r[2] == 0),
            "mean_hits": round(sum(r[2] for r in ok) / max(len(ok), 1), 1),
        }

    log(f"search: {len(queries)} queries, sequential")
    client = Client(port)
    t0 = time.perf_counter()
    sequential = [one(client, q) for q in queries]
    sequential_wall = time.perf_counter() - t0
    client.close()

    log(f"search: {len(queries)} queries, {clients} concurrent clients")
    rows: list[tuple[int, float, int]] = []
    lock = threading.Lock()
    counter = itertools.count()

    def worker() -> None:
        c = Client(port)
        while (i := next(counter)) < len(queries):
            row = one(c, queries[i])
            with lock:
                rows.append(row)
        c.close()

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(clients)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(len(queries) * REQUEST_TIMEOUT)
    concurrent_wall = time.perf_counter() - t0
    return {
        "queries": len(queries),
        "sequential": summarize(sequential, sequential_wall),
        f"concurrent_{clients}": summarize(rows, concurrent_wall),
    }


def bench_saves(port: int, titles: list[str], token: str, count: int = SAVES) -> dict:
    """GET each page for its current revision, then time only the PUT of a new revision."""
    rng = random.Random(f"saves:{time.time()}")
    chosen = rng.sample(titles, min(count, len(titles)))
    client = Client(port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    unchanged = 0
    run_id = datetime.now().strftime("%Y%m%d%H%M%S")
    deadline = time.monotonic() + count * REQUEST_TIMEOUT
    log(f"save: {len(chosen)} edits through PUT /api/v1/pages/<title>")
    for n, title in enumerate(chosen):
        if time.monotonic() > deadline:
            break
        path = f"/api/v1/pages/{to_url(title)}"
        status, body, _ = client.request("GET", path)
        if status != 200:
            statuses[-status] = statuses.get(-status, 0) + 1  # negative: the GET failed
            continue
        page = json.loads(body)
        text, summary = generate_corpus.revise_text(page["markdown"], f"{run_id}:{n}")
        payload = {"markdown": text, "summary": summary, "base_revision": page["revision_id"]}
        status, body, seconds = client.request("PUT", path, json.dumps(payload).encode(), headers)
        statuses[status] = statuses.get(status, 0) + 1
        if status in (200, 201):
            latencies.append(seconds)
            if not json.loads(body).get("changed", True):
                unchanged += 1
    client.close()
    return latency_summary(latencies) | {
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "unchanged": unchanged,
    }


# --- Main ---------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _fmt(value, width: int = 8, digits: int = 1) -> str:
    if value is None:
        return f"{'–':>{width}}"
    if isinstance(value, float):
        return f"{value:>{width}.{digits}f}"
    return f"{value:>{width}}"


def print_report(results: dict) -> None:
    c = results["config"]
    corpus = results["corpus"]
    print()
    print(
        f"wikiterritoire benchmark — {corpus['articles']} articles, {corpus['revisions']} "
        f"revisions; server: {c['workers']} workers × {c['threads']} threads; {c['cpus']} CPUs; "
        f"load generator: {c['generator']}"
    )
    warm = results["views_warmup"]
    print(
        f"\nAnonymous article views: {c['view_urls']} rotating URLs, {c['duration']:g} s per level"
        f"\n  first fetch of each URL: p50 {warm['first_view']['p50_ms']} ms, statuses "
        f"{warm['statuses']}, mean page {warm['mean_html_bytes'] / 1024:.1f} KiB"
    )
    header = ("clients", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "non-2xx")
    print("  " + " ".join(f"{h:>8}" for h in header) + "  conns/worker")
    for row in results["views"]:
        cells = [row["concurrency"], row["requests_per_s"], row["p50_ms"], row["p99_ms"]]
        cells += [row["max_ms"], row["errors"], row["non_2xx_3xx"]]
        split = "/".join(map(str, row["connections_per_worker"]))
        print("  " + " ".join(_fmt(x) for x in cells) + f"  {split}")

    s = results["search"]
    print(f"\nSearch: GET /api/v1/search, {s['queries']} French queries")
    header = ("mode", "p50 ms", "p99 ms", "q/s", "errors", "0 hits", "mean hits")
    print(f"  {header[0]:<12}" + " ".join(f"{h:>9}" for h in header[1:]))
    for key in ("sequential", f"concurrent_{SEARCH_CLIENTS}"):
        row = s[key]
        label = "sequential" if key == "sequential" else f"{SEARCH_CLIENTS} clients"
        cells = [row["p50_ms"], row["p99_ms"], row["queries_per_s"], row["errors"]]
        cells += [row["zero_hits"], row["mean_hits"]]
        print(f"  {label:<12}" + " ".join(_fmt(x, 9) for x in cells))

    sv = results["save"]
    print(f"\nSave: PUT /api/v1/pages/<title>, sequential, {sv['count']} timed")
    print(
        f"  p50 {sv['p50_ms']} ms, p99 {sv['p99_ms']} ms, max {sv['max_ms']} ms; "
        f"statuses {sv['statuses']}"
    )

    def mib(m: dict, key: str) -> str:
        return f"{m.get(key, 0) / 1024:.0f}"

    print("\nServer memory, MiB, per worker: RSS = anonymous + mapped files (peak RSS)")
    for phase, mem in results["memory_by_phase"].items():
        workers = "; ".join(
            f"{mib(m, 'VmRSS')} = {mib(m, 'RssAnon')} + {mib(m, 'RssFile')} ({mib(m, 'VmHWM')})"
            for m in mem["workers"].values()
        )
        print(f"  {phase:<13} {workers}   [master {mib(mem['master'], 'VmRSS')}]")

    print(
        f"\nCorpus generation: {corpus.get('seconds_total')} s "
        f"(saving {corpus.get('seconds_saving')} s, indexing {corpus.get('seconds_indexing')} s, "
        f"index mode {corpus.get('index_mode')})"
        + (", generated by this run" if results["corpus_generated_now"] else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data-dir", type=Path, help="default: bench/out/corpus-<articles>-seed<seed>"
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds per concurrency level"
    )
    parser.add_argument("--concurrency", default="16,64", help="comma-separated levels")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, help="threads per worker (default: the server's own default, 4)"
    )
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--keep-copy", action="store_true", help="keep the run's copy of the data dir afterwards"
    )
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.concurrency.split(",") if x.strip()]
    if not levels or min(levels) < 1 or args.duration <= 0 or not 1 <= args.workers <= 64:
        parser.error("bad --concurrency, --duration or --workers")
    if args.threads is not None and not 1 <= args.threads <= 64:
        parser.error("bad --threads")
    if not 0 <= args.port <= 65535:
        parser.error("bad --port")
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    elif generator == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed")

    OUT.mkdir(parents=True, exist_ok=True)
    data_dir = (args.data_dir or OUT / f"corpus-{args.articles}-seed{args.seed}").resolve()
    generated_now = False
    if not (data_dir / "wiki.sqlite3").exists():
        log(f"no wiki in {data_dir}: generating {args.articles} articles")
        generate_corpus.generate(data_dir, args.articles, args.seed)
        generated_now = True
    manifest = generate_corpus.load_manifest(data_dir)
    if manifest is None:
        raise SystemExit(f"{data_dir} was not made by bench/generate_corpus.py (no manifest).")
    if manifest["articles"] != args.articles:
        log(f"note: {data_dir} holds {manifest['articles']} articles, not {args.articles}")
    titles = manifest["titles"]

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    paths = view_paths(titles)
    port = args.port or free_port()
    results: dict = {
        "timestamp": datetime.now().isoformat(timespec="seconds"),
        "config": {
            "data_dir": str(data_dir),
            "duration": args.duration,
            "concurrency": levels,
            "workers": args.workers,
            "threads": args.threads or 4,
            "port": port,
            "generator": wrk_version()
            if generator == "wrk"
            else "python (multiprocessing + threads)",
            "view_urls": len(paths),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "corpus": {k: v for k, v in manifest.items() if k != "titles"},
        "corpus_generated_now": generated_now,
    }
    # The server works on a copy, so that the saves of one run do not change the next one's corpus.
    run_dir = OUT / f"run-{stamp}"
    server = Server(run_dir, port, args.workers, args.threads, OUT / f"server-{stamp}.log")
    try:
        log(f"copying the corpus to {run_dir}")
        shutil.copytree(data_dir, run_dir)
        upgrade_storage(run_dir)
        token = new_token(run_dir, manifest.get("bench_user", generate_corpus.BENCH_USER))
        log(f"starting the server on http://{HOST}:{port}/ ({args.workers} workers)")
        server.start()
        log(f"server ready: master {server.proc.pid}, workers {server.worker_pids}")
        memory = results["memory_by_phase"] = {"started": server.memory()}
        log(f"views: first fetch of {len(paths)} URLs")
        results["views_warmup"] = warm_views(port, paths)
        with tempfile.TemporaryDirectory(prefix="wt-bench-") as work:
            results["views"] = bench_views(
                port, paths, levels, args.duration, generator, Path(work), server
            )
        memory["after_views"] = server.memory()
        results["search"] = bench_search(
            port, generate_corpus.search_queries(SEARCH_QUERIES, args.seed)
        )
        memory["after_search"] = server.memory()
        results["save"] = bench_saves(port, titles, token)
        results["memory"] = memory["end"] = server.memory()
    finally:
        log("stopping the server")
        server.stop()
        if not args.keep_copy:
            shutil.rmtree(run_dir, ignore_errors=True)
    out = OUT / f"results-{stamp}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_report(results)
    print(f"\nFigures written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
