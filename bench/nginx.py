"""Benchmark anonymous article views behind the documented nginx proxy cache (docs/nginx.conf).

    .venv/bin/python bench/nginx.py --articles 2000 --duration 10

On a copy of the corpus of `run.py` (generated when missing), starts `wikiterritoire serve` and
an nginx whose configuration is made from `docs/nginx.conf` (TLS lines removed, listening on
127.0.0.1 only), checks what the cache does with the wiki's headers, then measures with wrk:
(a) nginx serving a static file of the size of a typical article page, (b) anonymous article
views through the proxy cache over rotating URLs, (c) the same views straight from gunicorn.
Last, it edits three pages and looks at how soon anonymous readers see the edits. It prints
figures, writes them to `bench/out/nginx-results-<timestamp>.json`, asserts nothing, and stops
the processes it started by their PIDs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import generate_corpus
import run as bench
from run import HOST, OUT, ROOT, Server, free_port, log, run_wrk, view_paths, warm_views

from wikiterritoire.titles import to_url

TEMPLATE = ROOT / "docs" / "nginx.conf"
STATIC_FILE = "article.html"
#: An account made on the copy of the corpus, to read pages logged in.
LOGIN_NAME = "bench-nginx"
#: What the bench changes in docs/nginx.conf besides `listen` and `ssl_*` lines.
PLACEHOLDERS = ("127.0.0.1:8000", "/srv/wikiterritoire/static/", "/var/cache/nginx/wikiterritoire")

MAIN_CONF = """\
# Made by bench/nginx.py: Debian's nginx.conf (without its includes) around docs/nginx.conf.
{user}worker_processes auto;
pid {prefix}/nginx.pid;
daemon off;
error_log {prefix}/error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include {mime_types};
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;

{site}
}}
"""


# --- nginx --------------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    return found


def site_config(
    template: str, *, port: int, redirect_port: int, upstream: str, static: Path, cache: Path
) -> str:
    """`template` (docs/nginx.conf) listening on 127.0.0.1 without TLS, with the bench's paths."""
    for path in (static, cache):
        if re.search(r"[\s;{}'\"]", str(path)):
            raise SystemExit(f"nginx paths must not hold spaces or quotes: {path}")
    for old, new in zip(PLACEHOLDERS, (upstream, f"{static}/", str(cache)), strict=True):
        if old not in template:
            raise SystemExit(f"{TEMPLATE} no longer holds {old!r}: update bench/nginx.py")
        template = template.replace(old, new)
    lines, listens = [], {"443": 0, "80": 0}
    for line in template.splitlines():
        indent, directive = line[: len(line) - len(line.lstrip())], line.strip()
        if directive.startswith(("listen [::]", "ssl_")):
            line = f"{indent}# (bench: no IPv6, no TLS) {directive}"
        elif directive.startswith("listen 443"):
            listens["443"] += 1
            line = f"{indent}listen {HOST}:{port};"
        elif directive.startswith("listen 80"):
            listens["80"] += 1
            line = f"{indent}listen {HOST}:{redirect_port};"
        lines.append(line)
    if listens != {"443": 1, "80": 1}:
        raise SystemExit(f"{TEMPLATE}: expected one `listen 443` and one `listen 80`: update me")
    return "\n".join("    " + x if x else x for x in lines)


class Nginx:
    """An nginx master in the foreground (`daemon off`) with its own prefix; stopped by PID."""

    def __init__(self, prefix: Path, config: str):
        self.prefix, self.proc = prefix, None
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(config)
        (prefix / "tmp").mkdir(exist_ok=True)
        self.command = [nginx_binary(), "-p", f"{prefix}/", "-c", str(self.conf)]
        self.command += ["-e", str(prefix / "error.log")]
        self.pids: list[int] = []

    def start(self, port: int, ready_timeout: float = 15.0) -> None:
        tested = subprocess.run(
            [*self.command, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
        )
        if tested.returncode != 0:
            raise SystemExit(f"nginx -t failed:\n{tested.stdout}{tested.stderr}")
        log_file = (self.prefix / "nginx.stderr").open("wb")
        self.proc = subprocess.Popen(self.command, stdout=log_file, stderr=subprocess.STDOUT)
        log_file.close()
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: see {self.prefix / 'error.log'}")
            with socket.socket() as s:
                if s.connect_ex((HOST, port)) == 0:
                    time.sleep(0.2)  # the workers and the cache manager are being forked
                    self.pids = bench.children(self.proc.pid)
                    return
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not listen within {ready_timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.pids = sorted(set(self.pids) | set(bench.children(self.proc.pid)))
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: the workers finish, then exit
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for pid in self.pids:  # workers left behind by a killed master, by their PIDs only
            try:
                if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"nginx"):
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                continue


def nginx_version() -> str:
    done = subprocess.run([nginx_binary(), "-v"], capture_output=True, text=True, check=False)
    return (done.stderr or done.stdout).strip().split(":", 1)[-1].strip()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of `pids` so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


# --- HTTP helpers -------------------------------------------------------------------------------


def fetch(
    port: int, path: str, headers: dict | None = None, method: str = "GET", body: bytes = b""
):
    """(status, headers as a dict, body) on a fresh connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def login(port: int, name: str, password: str) -> str:
    """Log in through nginx with the login form; the `Cookie` header of the session."""
    status, headers, body = fetch(port, "/login")
    found = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    if status != 200 or not found or not cookie:
        raise SystemExit(f"GET /login through nginx: {status}, no form token or cookie")
    form = urlencode({"csrf_token": found.group(1).decode(), "name": name, "password": password})
    status, headers, _ = fetch(
        port,
        "/login",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        "POST",
        form.encode(),
    )
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    if status != 302 or not cookie.startswith("session="):
        raise SystemExit(f"POST /login through nginx: {status}, cookie {cookie[:20]!r}")
    return cookie


def cache_behaviour(port: int, path: str, name: str, cookie: str, token: str) -> dict:
    """What nginx does with the wiki's headers, on an article nobody has read yet."""
    marker = f">{name}<".encode()  # the user's name in the header, on logged-in pages only

    def get(headers: dict | None = None, method: str = "GET") -> dict:
        status, answer, body = fetch(port, path, headers, method)
        return {
            "status": status,
            "x_cache_status": answer.get("X-Cache-Status"),
            "cache_control": answer.get("Cache-Control"),
            "etag": answer.get("ETag"),
            "vary": answer.get("Vary"),
            "shows_user": marker in body,
            "body": body,
        }

    steps = {
        "logged_in_first": get({"Cookie": cookie}),
        "anonymous_1": get(),
        "anonymous_2": get(),
        "logged_in_again": get({"Cookie": cookie}),
        "head": get(method="HEAD"),
    }
    etag = steps["anonymous_2"]["etag"] or ""
    steps["if_none_match"] = get({"If-None-Match": etag})
    steps["bearer_token"] = get({"Authorization": f"Bearer {token}"})
    steps["remember_cookie"] = get({"Cookie": "remember_token=bench"})
    steps["anonymous_3"] = get()
    same = steps["anonymous_3"]["body"] == steps["anonymous_1"]["body"]
    for step in steps.values():
        del step["body"]
    return {"path": path, "steps": steps, "anonymous_copy_unchanged": same}


def warm_cache(port: int, paths: list[str]) -> list[dict[str, int]]:
    """Two passes over `paths` through nginx: X-Cache-Status counts of each pass."""
    passes = []
    for _ in range(2):
        counts: dict[str, int] = {}
        for path in paths:
            status, headers, _ = fetch(port, path)
            key = f"{status} {headers.get('X-Cache-Status', '-')}"
            counts[key] = counts.get(key, 0) + 1
        passes.append(counts)
    return passes


def create_user(data_dir: Path, name: str) -> str:
    """`wikiterritoire create-user NAME --password-stdin`; the password."""
    password = uuid.uuid4().hex
    done = subprocess.run(
        [*bench.wiki_command(), "create-user", name, "--role", "contributor", "--password-stdin"],
        input=password + "\n",
        env=bench.wiki_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"`wikiterritoire create-user {name}` failed:\n{done.stdout}{done.stderr}")
    return password


def typical_page(port: int, paths: list[str], mean_bytes: int) -> tuple[str, bytes]:
    """The article page whose size is nearest the mean, fetched straight from gunicorn."""
    best: tuple[int, str, bytes] | None = None
    for path in paths:
        status, _, body = fetch(port, path)
        if status == 200 and (best is None or abs(len(body) - mean_bytes) < best[0]):
            best = (abs(len(body) - mean_bytes), path, body)
    if best is None:
        raise SystemExit("no article page answered 200")
    return best[1], best[2]


# --- Freshness after an edit --------------------------------------------------------------------


def edit(app_port: int, title: str, token: str, marker: str) -> int:
    """Append `marker` to the article through the API; the PUT's status."""
    path = f"/api/v1/pages/{to_url(title)}"
    status, _, body = fetch(app_port, path)
    if status != 200:
        return -status
    page = json.loads(body)
    payload = {
        "markdown": page["markdown"].rstrip() + f"\n\n{marker}\n",
        "summary": "Mesure de fraîcheur (bench/nginx.py)",
        "base_revision": page["revision_id"],
    }
    conn = http.client.HTTPConnection(HOST, app_port, timeout=60)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request("PUT", path, json.dumps(payload).encode(), headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def inactive_seconds(config: str) -> int:
    """`inactive=` of proxy_cache_path in seconds (nginx's default: 10 minutes)."""
    found = re.search(r"\binactive=(\d+)([smhd]?)\b", config)
    if not found:
        return 600
    return int(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[found.group(2)]


def freshness(
    port: int, app_port: int, titles: list[str], token: str, s_maxage: int, inactive: int
) -> dict:
    """How soon anonymous readers see an edit: a page read often, and pages left unread."""

    def marked(title: str) -> tuple[str, str]:
        return f"/wiki/{to_url(title)}", f"Marqueur de fraîcheur {uuid.uuid4().hex}."

    results = {}
    # Read often: a reader every 0.2 s, until the edit shows (at most 30 s).
    path, marker = marked(titles[1])
    fetch(port, path)
    put = edit(app_port, titles[1], token, marker)
    start, seen, statuses = time.monotonic(), None, []
    while time.monotonic() - start < 30:
        _, headers, body = fetch(port, path)
        statuses.append(headers.get("X-Cache-Status", "-"))
        if marker.encode() in body:
            seen = round(time.monotonic() - start, 2)
            break
        time.sleep(0.2)
    results["read_often"] = {"put": put, "visible_after_s": seen, "statuses": statuses}
    # Left unread: cached, edited, then read once `delay` seconds later (then twice more).
    delays = [s_maxage + 2]
    if s_maxage + inactive + 3 <= 90:
        delays.append(s_maxage + inactive + 3)
    pages = []
    for n, delay in enumerate(delays):
        path, marker = marked(titles[3 + n])
        fetch(port, path)
        pages.append((delay, path, marker, edit(app_port, titles[3 + n], token, marker)))
    start, idle = time.monotonic(), []
    for delay, path, marker, put in pages:
        time.sleep(max(0.0, start + delay - time.monotonic()))
        reads = []
        for _ in range(3):
            _, headers, body = fetch(port, path)
            reads.append([headers.get("X-Cache-Status", "-"), marker.encode() in body])
            time.sleep(0.3)
        idle.append({"put": put, "read_after_s": delay, "reads": reads})
    results["left_unread"] = idle
    results["inactive_s"] = inactive
    return results


# --- Measurements -------------------------------------------------------------------------------


def measure(label, port, paths, args, work, headers, pids: dict[str, list[int]]) -> dict:
    """A warm-up, then one wrk run; also the CPU time each process group used during it."""
    run_wrk(port, paths, args.connections, min(2.0, args.duration), work, headers)
    log(f"{label}: {args.connections} connections for {args.duration:g} s")
    before = {name: cpu_seconds(group) for name, group in pids.items()}
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    row = run_wrk(port, paths, args.connections, args.duration, work, headers)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    row["cpu_s"] = {name: round(cpu_seconds(g) - before[name], 2) for name, g in pids.items()}
    row["cpu_s"]["wrk"] = round(
        children_after.ru_utime + children_after.ru_stime
        - children_before.ru_utime - children_before.ru_stime,
        2,
    )  # fmt: skip
    row["bytes_per_response"] = round(row["mb_per_s"] * 1e6 / max(row["requests_per_s"], 1))
    return row


def print_report(results: dict) -> None:
    c = results["config"]
    print(
        f"\nwikiterritoire behind nginx — {results['corpus']['articles']} articles; "
        f"gunicorn {c['workers']} workers × {c['threads']} threads; {c['nginx']} "
        f"(worker_processes auto); {c['cpus']} CPUs; {c['generator']}, {c['connections']} "
        f"connections, {c['duration']:g} s per run"
        + ("; Accept-Encoding: gzip" if c["gzip"] else "")
    )
    b = results["cache_behaviour"]
    print(f"\nCache behaviour ({c['template']}), {b['path']}, never read before")
    first = b["steps"]["anonymous_1"]
    print(f"  anonymous: Cache-Control: {first['cache_control']}; Vary: {first['vary']}")
    labels = {
        "logged_in_first": "logged in (session cookie)",
        "anonymous_1": "anonymous",
        "anonymous_2": "anonymous",
        "logged_in_again": "logged in",
        "head": "anonymous HEAD (curl -I)",
        "if_none_match": "If-None-Match: <ETag>",
        "bearer_token": "Authorization: Bearer",
        "remember_cookie": "Cookie: remember_token=…",
        "anonymous_3": "anonymous",
    }
    for n, (key, label) in enumerate(labels.items(), 1):
        step = b["steps"][key]
        user = "shows the user" if step["shows_user"] else "anonymous page"
        private = f", {step['cache_control']}" if "private" in (step["cache_control"] or "") else ""
        print(
            f"  {n}. {label:<28} {step['status']} {step['x_cache_status'] or '-':<9} "
            f"{user}{private}"
        )
    print(f"  anonymous copy unchanged by the logged-in requests: {b['anonymous_copy_unchanged']}")
    s = results["static_file"]
    print(f"  static file:                  Cache-Control: {s['cache_control']}")
    first, second = results["cache_warmup"]
    print(f"  warm-up over {c['urls']} URLs:       {first}, then {second}")

    print(f"\nThroughput, {c['connections']} connections (CPU s: nginx / gunicorn / wrk)")
    header = ("req/s", "p50 ms", "p99 ms", "max ms", "errors", "non-2xx", "KiB/resp")
    print(f"  {'':<36}" + " ".join(f"{h:>8}" for h in header) + "   CPU s")
    labels = {
        "static": f"(a) nginx, static {STATIC_FILE}",
        "cached": f"(b) nginx cache, {c['urls']} articles",
        "direct": f"(c) gunicorn, {c['urls']} articles",
    }
    for key, label in labels.items():
        row = results["throughput"][key]
        cells = [row["requests_per_s"], row["p50_ms"], row["p99_ms"], row["max_ms"]]
        cells += [row["errors"], row["non_2xx_3xx"], round(row["bytes_per_response"] / 1024, 1)]
        cpu = row["cpu_s"]
        print(
            f"  {label:<36}"
            + " ".join(bench._fmt(x, 8, 2 if isinstance(x, float) and x < 10 else 1) for x in cells)
            + f"   {cpu['nginx']} / {cpu['gunicorn']} / {cpu['wrk']}"
        )
    ratios = results["ratios"]
    print(f"  (b)/(a) = {ratios['cached_over_static']}   (b)/(c) = {ratios['cached_over_direct']}")

    f = results.get("freshness")
    if f:
        often = f["read_often"]
        print(f"\nFreshness after an edit (PUT {often['put']}), anonymous reads through nginx")
        print(
            f"  page read every 0.2 s: edit visible after {often['visible_after_s']} s "
            f"({len(often['statuses'])} reads, last {often['statuses'][-3:]})"
        )
        for idle in f["left_unread"]:
            reads = ", ".join(f"{st} {'new' if new else 'OLD'}" for st, new in idle["reads"])
            print(
                f"  page cached, edited, unread for {idle['read_after_s']} s, then read 3 times: "
                f"{reads}"
            )
        print(f"  (s-maxage {f['s_maxage']} s, inactive {f['inactive_s']} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data-dir", type=Path, help="default: bench/out/corpus-<articles>-seed<seed>"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--urls", type=int, default=200, help="rotating article URLs")
    parser.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip")
    parser.add_argument("--template", type=Path, default=TEMPLATE, help="nginx site config")
    parser.add_argument("--no-freshness", action="store_true", help="skip the edit checks")
    parser.add_argument("--keep-copy", action="store_true", help="keep the corpus copy")
    args = parser.parse_args(argv)
    if args.duration <= 0 or not 1 <= args.connections <= 4000 or not 1 <= args.workers <= 64:
        parser.error("bad --duration, --connections or --workers")
    if not 1 <= args.urls <= 10_000 or (args.threads is not None and not 1 <= args.threads <= 64):
        parser.error("bad --urls or --threads")
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")
    template = args.template.read_text()

    OUT.mkdir(parents=True, exist_ok=True)
    data_dir = (args.data_dir or OUT / f"corpus-{args.articles}-seed{args.seed}").resolve()
    if not (data_dir / "wiki.sqlite3").exists():
        log(f"no wiki in {data_dir}: generating {args.articles} articles")
        generate_corpus.generate(data_dir, args.articles, args.seed)
    manifest = generate_corpus.load_manifest(data_dir)
    if manifest is None:
        raise SystemExit(f"{data_dir} was not made by bench/generate_corpus.py (no manifest).")
    titles = manifest["titles"]
    paths = view_paths(titles, args.urls)

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    prefix = OUT / f"nginx-{stamp}"
    copy, static, cache = prefix / "data", prefix / "static", prefix / "cache"
    app_port, port, redirect_port = free_port(), free_port(), free_port()
    headers = {"Accept-Encoding": "gzip"} if args.gzip else None
    results: dict = {
        "timestamp": datetime.now().isoformat(timespec="seconds"),
        "config": {
            "data_dir": str(data_dir),
            "template": str(args.template),
            "duration": args.duration,
            "connections": args.connections,
            "workers": args.workers,
            "threads": args.threads or 4,
            "urls": len(paths),
            "gzip": args.gzip,
            "nginx": nginx_version(),
            "generator": bench.wrk_version(),
            "cpus": os.cpu_count(),
        },
        "corpus": {k: v for k, v in manifest.items() if k != "titles"},
    }
    prefix.mkdir(parents=True)
    server = Server(copy, app_port, args.workers, args.threads, prefix / "server.log")
    nginx = None
    try:
        log(f"copying the corpus to {copy}")
        shutil.copytree(data_dir, copy)
        bench.upgrade_storage(copy)
        token = bench.new_token(copy, manifest.get("bench_user", generate_corpus.BENCH_USER))
        password = create_user(copy, LOGIN_NAME)
        log(f"starting gunicorn on http://{HOST}:{app_port}/")
        server.start()
        warm = warm_views(app_port, paths)
        results["views_warmup"] = warm
        page_path, page = typical_page(app_port, paths, warm["mean_html_bytes"])
        shutil.copytree(ROOT / "static", static)
        (static / STATIC_FILE).write_bytes(page)
        results["static_file"] = {"copy_of": page_path, "bytes": len(page)}

        config = bench_conf(template, prefix, port, redirect_port, app_port, static, cache)
        nginx = Nginx(prefix, config)
        log(f"starting nginx on http://{HOST}:{port}/ ({prefix / 'nginx.conf'})")
        nginx.start(port)
        results["config"]["nginx_pids"] = [nginx.proc.pid, *nginx.pids]
        _, static_headers, _ = fetch(port, f"/static/{STATIC_FILE}")
        results["static_file"]["cache_control"] = static_headers.get("Cache-Control")
        cookie = login(port, LOGIN_NAME, password)
        results["cache_behaviour"] = cache_behaviour(port, paths[0], LOGIN_NAME, cookie, token)
        results["cache_warmup"] = warm_cache(port, paths)

        groups = {"nginx": nginx.pids, "gunicorn": server.worker_pids}
        work = prefix / "tmp"
        static_path = [f"/static/{STATIC_FILE}"]
        results["throughput"] = {
            "static": measure("(a) static", port, static_path, args, work, headers, groups),
            "cached": measure("(b) cached", port, paths, args, work, headers, groups),
            "direct": measure("(c) direct", app_port, paths, args, work, headers, groups),
        }
        t = results["throughput"]
        results["ratios"] = {
            "cached_over_static": round(
                t["cached"]["requests_per_s"] / max(t["static"]["requests_per_s"], 1), 3
            ),
            "cached_over_direct": round(
                t["cached"]["requests_per_s"] / max(t["direct"]["requests_per_s"], 1), 1
            ),
        }
        if not args.no_freshness:
            cache_control = results["cache_behaviour"]["steps"]["anonymous_1"]["cache_control"]
            found = re.search(r"s-maxage=(\d+)", cache_control or "")
            s_maxage = min(int(found.group(1)), 60) if found else 5
            inactive = inactive_seconds(config)
            log(f"freshness: three edits, about {s_maxage * 2 + min(inactive, 60) + 5} s")
            results["freshness"] = freshness(port, app_port, titles, token, s_maxage, inactive) | {
                "s_maxage": s_maxage
            }
    finally:
        log("stopping nginx and gunicorn")
        if nginx is not None:
            nginx.stop()
        server.stop()
        if not args.keep_copy:
            shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    out = OUT / f"nginx-results-{stamp}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_report(results)
    print(f"\nFigures written to {out.relative_to(ROOT)}; nginx config and logs in {prefix}")
    return 0


def bench_conf(template, prefix, port, redirect_port, app_port, static, cache) -> str:
    """The whole nginx.conf of the bench: MAIN_CONF around the documented site config."""
    mime = Path("/etc/nginx/mime.types")
    user = ""
    if os.geteuid() == 0:  # workers must not run as root; they need to read static/ only
        user = "user nobody nogroup;\n" if _group_exists("nogroup") else "user nobody;\n"
    site = site_config(
        template,
        port=port,
        redirect_port=redirect_port,
        upstream=f"{HOST}:{app_port}",
        static=static.resolve(),
        cache=cache.resolve(),
    )
    return MAIN_CONF.format(
        user=user,
        prefix=prefix.resolve(),
        mime_types=mime if mime.exists() else "mime.types",
        site=site,
    )


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
