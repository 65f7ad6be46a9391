"""Newsroom benchmark (issue "Newsroom scale"): ``make bench``.

Serves the site with gunicorn on PostgreSQL and drives it with wrk, one page
kind at a time, over many different URLs per kind. Every number is also given
as a ratio to the true floor measured in the same run, because absolute
requests per second drift between machines and runs: a plain Django view
under ``startproject``'s default middleware (bench/floor), served by a second
gunicorn with the same settings. The site's own /health/ view is measured as
a page like the others, so what the site's middleware costs shows beside it.

Steps: create the database if needed, migrate, generate the data set
(``manage.py bench_data``) when it has fewer articles than asked for, collect
static files, start gunicorn with gunicorn.conf.py, pick URLs, then for each
page kind: a short warm-up, then three rounds of a ``wrk -t1 -c16 -d4s`` run
of the page and a 3 s run of the floor, sampling the workers' memory.
Queries per request and search latency are measured in-process
(bench/probe.py) against the same database. A second pass repeats it all
with the page cache on, if the app has one. Results go to
bench/results/latest.md, latest.json and latest.png, and the table is
printed.

Settings (environment variable, or the flag in brackets):

    BENCH_DATABASE_URL   database for the run (created if missing)
                         default postgres://postgres@127.0.0.1:5432/newsroom_bench
    BENCH_ARTICLES       data set size [--articles], default 100000. Generated only when the
                         database holds fewer benchmark articles, so reruns start in seconds.
    BENCH_REGENERATE     1 = regenerate the data set even if it is big enough [--regenerate]
    BENCH_DURATION       seconds of each wrk run of a page kind [--duration], default 4
    BENCH_ROUNDS         wrk runs per page kind [--rounds], default 3; each is followed by a floor
                         sample, and a page's ratio is the median over its rounds
    BENCH_WARMUP         seconds of warm-up before each measurement [--warmup], default 2
    BENCH_FLOOR_SAMPLE   seconds of each floor sample between two page runs [--floor-sample],
                         default 3 (each run's ratio is to the mean of the floor just before and after it)
    BENCH_CONNECTIONS    wrk connections, default 16
    BENCH_THREADS        wrk threads, default 1
    BENCH_WORKERS        gunicorn workers, default 4
    BENCH_MAX_REQUESTS   gunicorn max_requests during the run, default 0 (workers are never
                         recycled mid-measurement, so memory and pids stay comparable)
    BENCH_URLS           URLs per page kind, default 2000
    BENCH_KINDS          comma-separated page kinds to run (default all; "floor" and "health" always run)
    BENCH_PORT           gunicorn port, default a free one
    BENCH_REDIS_PORT     port of the run's own redis-server, default a free one
    BENCH_CACHE          auto | on | off: second pass with PAGE_CACHE=on and the run's Redis
                         [--cache/--no-cache]. auto and on skip the pass, saying why, when
                         redis-server is missing or PAGE_CACHE=on changes nothing.
    BENCH_CACHE_WARM     seconds at most for requesting every URL once before the cached pass
                         measures (a warm cache), default 300
    BENCH_LIVE           seconds of the live-newsroom phase [--live], default 60, 0 = none: readers
                         under wrk over every page kind with the page cache on while a writer
                         (bench/live_writer.py) saves a story every BENCH_LIVE_INTERVAL seconds
                         (default 5); reports the hit ratio and throughput, and checks after
                         every save that no page still shows what the save changed
    BENCH_FAULTS         1 = fault phase: stop the run's own Redis under load and check that
                         pages still answer 200 and an editor can still save [--faults]
    BENCH_PG_RESTART     1 = fault phase: restart PostgreSQL under load [--pg-restart].
                         OFF by default: it restarts the server every other client on the
                         machine uses. Needs root or the postgres user.
    BENCH_PG_RESTART_CMD how to restart it; default "pg_ctlcluster <version> <cluster> restart -m fast"
                         worked out from the server's data directory

The machine's shared Redis (port 6379) is never touched: the run starts its own
redis-server on a free port and stops it at the end.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gzip
import itertools
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    target: float | None  # ratio to the floor, page cache off (issue 7, point 2)
    cached_target: float | None = 0.6  # with the page cache on


KINDS = [
    Kind("floor", "plain Django view (floor)", None, None),
    Kind("health", "/health/ (the site's middleware)", None, None),
    Kind("article", "article", 0.10),
    Kind("topic_p1", "topic, page 1", 0.08),
    Kind("topic_p200", "topic, page 200", 0.08),
    Kind("country_p1", "country, page 1", 0.08),
    Kind("country_p200", "country, page 200", 0.08),
    Kind("agreement", "agreement", 0.08),
    Kind("home", "home", 0.06),
    Kind("person", "person, page 1", 0.08),
    Kind("search", "search", 0.03),
    Kind("feed", "feed", None),
    # Never page-cached (newsroom.api): no target with the cache on.
    Kind("api_article", "API: article", 0.08, None),
    Kind("api_list", "API: article list", 0.05, None),
]
SEARCH_TARGET_MS = 20.0
SEARCH_TARGETS_MS = {"rare": 20.0, "mid": 20.0, "common": 40.0}  # medians, per band of document frequency
SEARCH_P95_TARGET_MS = 100.0
LIVE_TARGET = 0.5  # readers' throughput with a save every 5 s, as a ratio to the floor
TARGET_ARTICLES = 100_000


def env_str(name: str, default: str) -> str:
    return os.environ.get(name) or default


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes", "on"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=env_str("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--articles", type=int, default=int(env_str("BENCH_ARTICLES", "100000")))
    parser.add_argument("--regenerate", action="store_true", default=env_flag("BENCH_REGENERATE"))
    parser.add_argument("--duration", type=int, default=int(env_str("BENCH_DURATION", "4")))
    parser.add_argument("--rounds", type=int, default=int(env_str("BENCH_ROUNDS", "3")))
    parser.add_argument("--warmup", type=int, default=int(env_str("BENCH_WARMUP", "2")))
    parser.add_argument("--floor-sample", type=int, default=int(env_str("BENCH_FLOOR_SAMPLE", "3")))
    parser.add_argument("--connections", type=int, default=int(env_str("BENCH_CONNECTIONS", "16")))
    parser.add_argument("--threads", type=int, default=int(env_str("BENCH_THREADS", "1")))
    parser.add_argument("--workers", type=int, default=int(env_str("BENCH_WORKERS", "4")))
    parser.add_argument("--max-requests", type=int, default=int(env_str("BENCH_MAX_REQUESTS", "0")))
    parser.add_argument("--urls", type=int, default=int(env_str("BENCH_URLS", "2000")))
    parser.add_argument("--kinds", default=env_str("BENCH_KINDS", ""))
    parser.add_argument("--port", type=int, default=int(env_str("BENCH_PORT", "0")))
    parser.add_argument("--redis-port", type=int, default=int(env_str("BENCH_REDIS_PORT", "0")))
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache", dest="cache", action="store_const", const="on")
    cache.add_argument("--no-cache", dest="cache", action="store_const", const="off")
    parser.set_defaults(cache=env_str("BENCH_CACHE", "auto"))
    parser.add_argument("--cache-warm", type=int, default=int(env_str("BENCH_CACHE_WARM", "300")))
    parser.add_argument("--live", type=int, default=int(env_str("BENCH_LIVE", "60")))
    parser.add_argument("--live-interval", type=float, default=float(env_str("BENCH_LIVE_INTERVAL", "5")))
    parser.add_argument("--faults", action="store_true", default=env_flag("BENCH_FAULTS"))
    parser.add_argument("--pg-restart", action="store_true", default=env_flag("BENCH_PG_RESTART"))
    args = parser.parse_args()
    if args.rounds < 1 or args.duration < 1 or args.floor_sample < 1:
        parser.error("--rounds, --duration and --floor-sample must be at least 1")
    return args


def say(message: str) -> None:
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: DTZ005 - a log clock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- child processes -----------------------------------------------------------


class Processes:
    """Every long-running child (gunicorn, redis-server) is registered here
    and stopped on any exit: normal end, exception, Ctrl-C or SIGTERM."""

    def __init__(self):
        self.running: list[subprocess.Popen] = []
        atexit.register(self.stop_all)
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, frame):
        raise SystemExit(128 + signum)

    def start(self, argv: list[str], *, env: dict, log: Path) -> subprocess.Popen:
        with log.open("ab") as out:
            # A session of its own, so stopping it also stops its children.
            proc = subprocess.Popen(
                argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 20) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(self.running):
            self.stop(proc)


def run_checked(argv: list[str], *, env: dict, timeout: float, log: Path | None = None) -> str:
    say("$ " + " ".join(shlex.quote(a) for a in argv[1:] if a))
    result = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if log is not None:
        with log.open("a") as out:
            out.write(result.stdout + result.stderr)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(argv)}")
    return result.stdout


def manage(*args: str, env: dict, timeout: float = 600, log: Path | None = None) -> str:
    return run_checked([PYTHON, "manage.py", *args], env=env, timeout=timeout, log=log)


def probe(*args: str, env: dict, timeout: float = 600) -> dict:
    out = run_checked([PYTHON, str(ROOT / "bench" / "probe.py"), *args], env=env, timeout=timeout)
    for line in out.splitlines():
        if line.startswith("PROBE_JSON "):
            return json.loads(line.removeprefix("PROBE_JSON "))
    raise SystemExit(f"probe {args[0]} printed no result")


# -- database ----------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("The benchmark needs PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def pg_restart_command(url: str) -> list[str]:
    configured = os.environ.get("BENCH_PG_RESTART_CMD")
    if configured:
        return shlex.split(configured)
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as conn:
        data_dir = Path(conn.execute("SHOW data_directory").fetchone()[0])
    if shutil.which("pg_ctlcluster") and data_dir.parent.name.replace(".", "").isdigit():
        return ["pg_ctlcluster", data_dir.parent.name, data_dir.name, "restart", "-m", "fast"]
    return ["su", "postgres", "-c", f"pg_ctl restart -D {shlex.quote(str(data_dir))} -m fast -w"]


# -- HTTP --------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http_status(base: str, path: str, timeout: float = 10) -> int | str:
    """Status of one GET; a connection failure is reported by name, not raised."""
    try:
        with OPENER.open(base + path, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return type(reason).__name__ if isinstance(reason, BaseException) else str(reason)


def fetch_bytes(url: str, timeout: float = 10) -> bytes | None:
    try:
        with OPENER.open(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, OSError):
        return None


class AssetFinder(HTMLParser):
    """The style sheets, scripts and images a page makes a browser load
    (an image's ``src``: the fallback a phone without srcset support takes)."""

    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.assets.append((attrs["href"], "css_js"))
        elif tag == "script" and attrs.get("src"):
            self.assets.append((attrs["src"], "css_js"))
        elif tag == "img" and attrs.get("src") and attrs.get("loading") != "lazy":
            self.assets.append((attrs["src"], "images"))

    @classmethod
    def find(cls, html: str) -> list[tuple[str, str]]:
        finder = cls()
        finder.feed(html)
        return list(dict.fromkeys(finder.assets))


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up; see its log")
        if isinstance(http_status(base, "/", timeout=5), int):
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f}s")


# -- memory --------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces; the parent pid follows the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB, (0, 0) if it is gone."""
    values = {"VmRSS": 0, "VmHWM": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in values:
                values[key] = int(line.split()[1])
    except OSError:
        pass
    return values["VmRSS"], values["VmHWM"]


class MemorySampler:
    """Samples the workers' resident memory four times a second while a
    measurement runs; VmHWM is the kernel's own high-water mark per process."""

    def __init__(self, master_pid: int):
        self.master_pid = master_pid
        self.peak_rss_kb = 0
        self.peak_hwm_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid in children_of(self.master_pid):
            rss, hwm = memory_kb(pid)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_hwm_kb = max(self.peak_hwm_kb, hwm)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._sample()

    def __enter__(self):
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        self._sample()


# -- wrk -----------------------------------------------------------------------

LUA_TEMPLATE = """-- generated by bench/run.py: cycle through many URLs of one page kind
local urls = {
%(urls)s
}
local i = 0

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  i = math.random(#urls) - 1
end

function request()
  i = (i %% #urls) + 1
  return wrk.format("GET", urls[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,' ..
    '"mean_us":%%.1f,"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


# The live phase's script: the same, also counting what the page cache
# answered (X-Page-Cache), per thread, summed in done().
_COUNTING = """local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  local state = headers["X-Page-Cache"]
  if state == "hit" then hits = (hits or 0) + 1
  elseif state == "miss" then misses = (misses or 0) + 1
  else uncached = (uncached or 0) + 1 end
end

function totals()
  local h, m, u = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + (thread:get("hits") or 0); m = m + (thread:get("misses") or 0); u = u + (thread:get("uncached") or 0)
  end
  return h, m, u
end

function done(summary, latency, requests)
  local h, m, u = totals()
"""
LIVE_LUA_TEMPLATE = (
    LUA_TEMPLATE.replace("function done(summary, latency, requests)\n", _COUNTING)
    .replace('"mean_us":%%.1f,', '"mean_us":%%.1f,"hits":%%d,"misses":%%d,"uncached":%%d,')
    .replace("latency.max, latency.mean,", "latency.max, latency.mean, h, m, u,")
)


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_lua(urls: list[str], path: Path, template: str = LUA_TEMPLATE) -> Path:
    path.write_text(template % {"urls": ",\n".join(lua_string(u) for u in urls)})
    return path


def run_wrk(base: str, script: Path, *, duration: int, args: argparse.Namespace) -> dict:
    argv = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(script), base + "/",
    ]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6) if data["duration_us"] else 0.0
            return data
    raise RuntimeError(f"wrk printed no result: {result.stdout[-500:]} {result.stderr[-500:]}")


# -- results -------------------------------------------------------------------


@dataclass
class Row:
    kind: Kind
    note: str = ""
    error: str = ""
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    queries: list[int] | None = None  # fewest and most over the URLs counted in-process
    rss_mb: float | None = None
    non_2xx: int = 0
    urls: int = 0  # the size of the URL set the rounds cycle through
    ratio: float | None = None
    raw: dict = field(default_factory=dict)

    def target(self, cached: bool) -> float | None:
        return self.kind.cached_target if cached else self.kind.target

    def verdict(self, cached: bool) -> str:
        if self.error:
            return "error"
        target = self.target(cached)
        if target is None or self.ratio is None:
            return ""
        return "pass" if self.ratio >= target else "FAIL"


@dataclass
class Pass:
    name: str  # "cache off" / "cache on"
    cached: bool
    rows: list[Row] = field(default_factory=list)
    skipped: str = ""
    search: dict = field(default_factory=dict)
    peak_hwm_mb: float = 0.0


def fmt(value, spec: str = ".0f", empty: str = "–") -> str:
    return empty if value is None else format(value, spec)


def queries_text(counts: list[int] | None) -> str:
    if not counts:
        return "–"
    low, high = counts
    return f"{low}" if low == high else f"{low}–{high}"


def search_lines(s: dict) -> list[str]:
    """The in-process search timings, band by band, against their targets."""
    if s.get("statuses") != [200]:
        return ["", f"Search: error, HTTP {', '.join(map(str, s.get('statuses', [])))}."]
    bands = s.get("bands") or {}
    lines = [
        "",
        f"Search, full request in-process, {s.get('runs')} distinct queries drawn from the data by document "
        f"frequency (bench/search_mix.py). {describe_mix(bands)}",
        "",
        "| band | queries | median ms | p95 ms | target | result |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, info in bands.items():
        median_target = SEARCH_TARGETS_MS.get(name, SEARCH_TARGET_MS)
        ok = info.get("median_ms", 1e9) < median_target and info.get("p95_ms", 1e9) < SEARCH_P95_TARGET_MS
        lines.append(
            f"| {name} | {info.get('runs')} | {info.get('median_ms')} | {info.get('p95_ms')} | "
            f"median < {median_target:.0f}, p95 < {SEARCH_P95_TARGET_MS:.0f} | {'pass' if ok else 'FAIL'} |"
        )
    return lines


def describe_mix(bands: dict) -> str:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # search_mix imports the site's text folding
    from bench.search_mix import describe

    return describe(bands) if bands else ""


def live_lines(live: dict) -> list[str]:
    if not live:
        return []
    if live.get("skipped"):
        return ["", "## A live newsroom", "", f"Skipped: {live['skipped']}"]
    ratio = live.get("ratio")
    verdict = "pass" if ratio is not None and ratio >= LIVE_TARGET and not live["violations"] else "FAIL"
    saves = [ms for ms in live["save_ms"] if ms is not None]
    lines = [
        "",
        "## A live newsroom",
        "",
        f"Readers under wrk for {live['seconds']} s over {live['urls']:,} URLs of every page kind but search, page "
        f"cache on, while a writer published, edited and unpublished {live['saves']} stories through the services "
        f"(one save every {meta_interval(live)}): {fmt(live['rps'], ',.0f')} req/s, "
        f"x{fmt(ratio, '.3f')} the floor (target {LIVE_TARGET}), hit ratio {fmt(live['hit_ratio'], '.2f')}, "
        f"p50 {fmt(live['p50_ms'], '.1f')} ms, p99 {fmt(live['p99_ms'], '.1f')} ms, "
        f"{live.get('non_2xx') or 0} non-2xx: {verdict}.",
        "",
        f"After each save committed, {live['checked']} requests for the pages it changed: "
        + (
            "every one showed the change."
            if not live["violations"]
            else f"{len(live['violations'])} did not: " + "; ".join(live["violations"][:10])
        )
        + (
            f" Writer's save time: median {statistics.median(saves):.0f} ms, worst {max(saves):.0f} ms."
            if saves
            else ""
        ),
    ]
    return lines


def extras_markdown(extras: dict) -> str:
    lines = []
    cold = extras.get("cold")
    if cold:
        lines += [
            "",
            "## A new worker's first requests",
            "",
            f"One gunicorn worker, just started, page cache off: its first article page took "
            f"{cold['first_ms']:.0f} ms, the second {cold['second_ms']:.0f} ms, then {cold['steady_ms']:.0f} ms "
            "(median of the next twenty).",
        ]
    if extras.get("middleware"):
        lines += [
            "",
            "## What each middleware class costs",
            "",
            "In-process (bench/middleware_cost.py): the median time of a request with the site's middleware, then "
            "with each class left out; the difference is the class's cost. Noise of a few microseconds either way.",
            "",
            extras["middleware"].strip(),
        ]
    weights = extras.get("weights")
    if weights:
        lines += [
            "",
            "## Page weight on a phone",
            "",
            "Bytes a first view downloads (HTML gzipped as a proxy sends it, style sheets and scripts gzipped, "
            "images not lazy-loaded as served); a repeat view downloads the HTML alone.",
            "",
            "| page | HTML (gzip) | CSS and JS (gzip) | images | first view | repeat view |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        labels = {k.key: k.label for k in KINDS}
        phone = weights.get("phone") or {}
        for key, w in weights.items():
            if key == "phone":
                continue
            lines.append(
                f"| {labels.get(key, key)} | {w['html']:,} | {w['css_js']:,} | {w['images']:,} | "
                f"{w['first_view']:,} | {w['html']:,} |"
            )
        if "total" in phone:
            parts = ", ".join(f"{kind} {size:,}" for kind, size in sorted(phone["by_type"].items()))
            verdict = "pass" if phone["total"] <= phone["budget"] else "FAIL"
            lines += [
                "",
                f"A story with a photographic 2,400 px hero ({phone['path']}), first view in Chromium on a 375 x 800 "
                f"phone at device pixel ratio 2, bytes as its network log counts them (HTML uncompressed): "
                f"**{phone['total']:,}** ({parts}); budget {phone['budget']:,}: {verdict}.",
            ]
        elif phone:
            lines += ["", f"Phone first view in Chromium: not measured ({phone.get('skipped')})."]
    return "\n".join(lines) + ("\n" if lines else "")


def meta_interval(live: dict) -> str:
    return f"{live.get('interval', 5):g} s"


def markdown(passes: list[Pass], meta: dict, faults: list[str], live: dict | None = None) -> str:
    lines = [
        "# Newsroom benchmark: latest run",
        "",
        f"{meta['when']} · {meta['articles']:,} benchmark articles · {meta['cores']} cores · "
        f"gunicorn {meta['workers']} sync workers · {meta['rounds']} rounds of `wrk -t{meta['threads']} "
        f"-c{meta['connections']} -d{meta['duration']}s` per page kind over {meta['urls']} URLs · "
        f"PostgreSQL {meta['pg_version']}",
        "",
        f"Ratios are to the floor (GET {meta['floor_url']}, a plain view) measured in the same pass: "
        "floor and page take turns, each page run is divided by the mean of the floor runs just before and "
        "just after it, and a page's ratio is the median over its rounds (req/s and p50 are medians too, "
        "p99 the worst round's). "
        f"The targets (issue 19) apply at {TARGET_ARTICLES:,} articles"
        + (
            "."
            if meta["articles"] >= TARGET_ARTICLES
            else f"; this run had {meta['articles']:,}, so they are indicative."
        ),
    ]
    for p in passes:
        lines += ["", f"## Page cache {p.name.split()[-1]}", ""]
        if p.skipped:
            lines.append(f"Skipped: {p.skipped}")
            continue
        lines += [
            "| page | URLs | req/s | p50 ms | p99 ms | queries/request | worker RSS MB | x floor | target | result |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in p.rows:
            target = row.target(p.cached)
            label = row.kind.label + (f" ({row.note})" if row.note else "")
            if row.error:
                lines.append(f"| {label} | {row.urls:,} | – | – | – | {queries_text(row.queries)} | – | – | "
                             f"{fmt(target, '.2f')} | error: {row.error} |")  # fmt: skip
                continue
            result = row.verdict(p.cached) + (f", {row.non_2xx} non-2xx" if row.non_2xx else "")
            lines.append(
                f"| {label} | {row.urls:,} | {fmt(row.rps, ',.0f')} | {fmt(row.p50_ms, '.1f')} | "
                f"{fmt(row.p99_ms, '.1f')} | {queries_text(row.queries)} | {fmt(row.rss_mb, '.0f')} | "
                f"{fmt(row.ratio, '.3f')} | {fmt(target, '.2f')} | {result} |"
            )
        if p.search:
            lines += search_lines(p.search)
        lines += ["", f"Peak memory of a gunicorn worker under load (VmHWM): {p.peak_hwm_mb:.0f} MB."]
    lines += live_lines(live or {})
    if faults:
        lines += ["", "## Faults", "", *[f"- {line}" for line in faults]]
    return "\n".join(lines) + "\n"


def chart(passes: list[Pass], path: Path) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install -r bench/requirements.txt); no chart"
    measured = [p for p in passes if not p.skipped]
    kinds = [k for k in KINDS if k.key != "floor"]
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / max(1, len(measured))
    for n, p in enumerate(measured):
        by_key = {r.kind.key: r for r in p.rows}
        xs = [i + (n - (len(measured) - 1) / 2) * width for i in range(len(kinds))]
        values = [(by_key.get(k.key).ratio or 0) if by_key.get(k.key) else 0 for k in kinds]
        bars = ax.bar(xs, values, width, label=f"page {p.name}")
        ax.bar_label(bars, labels=[f"{v:.2f}" if v else "" for v in values], fontsize=7, padding=2)
        for x, k in zip(xs, kinds, strict=True):
            target = k.cached_target if p.cached else k.target
            if target is not None:
                ax.hlines(target, x - width / 2, x + width / 2, colors="black", linewidth=2)
    ax.plot([], [], color="black", linewidth=2, label="target")
    ax.set_xticks(range(len(kinds)), [k.label for k in kinds], rotation=30, ha="right")
    ax.set_ylabel("requests/s as a ratio to a plain Django view")
    ax.set_title("Newsroom benchmark: throughput relative to a plain Django view")
    highest = max((r.ratio or 0 for p in measured for r in p.rows if r.kind.key != "floor"), default=0)
    ax.set_ylim(0, max(1.05, highest * 1.1))
    if not any(r.ratio for p in measured for r in p.rows):
        ax.text(0.5, 0.5, "no ratios: the floor could not be measured", transform=ax.transAxes, ha="center")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return ""


# -- the run ---------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.procs = Processes()
        self.work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        self.port = args.port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.floor_port = free_port()
        self.floor_base = f"http://127.0.0.1:{self.floor_port}"
        self.redis: subprocess.Popen | None = None
        self.redis_port = 0
        self.faults: list[str] = []
        self.live_result: dict = {}
        self.extras: dict = {}
        self.env = self.base_env()

    def base_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PAGE_CACHE"}}
        env.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            DATABASE_URL=self.args.database_url,
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            SECURE_SSL_REDIRECT="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
            WEB_CONCURRENCY=str(self.args.workers),
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_MAX_REQUESTS=str(self.args.max_requests),
            GUNICORN_LOG_LEVEL="warning",
            PAGE_CACHE="off",
            # The API's limit stays on (its counter is part of every answer)
            # but out of reach: a 429 would count as a failure.
            API_RATE_LIMIT="1000000000/minute",
        )
        return env

    def pass_env(self, cached: bool) -> dict:
        env = dict(self.env)
        if self.redis_port:
            env["REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
        env["PAGE_CACHE"] = "on" if cached else "off"
        return env

    # -- set-up

    def prepare(self) -> dict:
        args = self.args
        ensure_database(args.database_url)
        log = self.work / "setup.log"
        manage("migrate", "--noinput", env=self.env, log=log)
        count = probe("count", env=self.env)["articles"]
        if count < args.articles or args.regenerate:
            say(f"{count:,} benchmark articles, {args.articles:,} wanted: generating (see {log})")
            started = time.monotonic()
            # 5,000 agreements at full size; proportionally fewer in a small trial run.
            agreements = min(5_000, max(50, args.articles // 20))
            # The generator is a bench-only app: only bench.settings installs it.
            manage("bench_data", "--clear", "--articles", str(args.articles), "--agreements", str(agreements),
                   env={**self.env, "DJANGO_SETTINGS_MODULE": "bench.settings"}, timeout=3 * 3600, log=log)  # fmt: skip
            say(f"data generated in {time.monotonic() - started:.0f}s")
            count = probe("count", env=self.env)["articles"]
        manage("collectstatic", "--noinput", "-v0", env=self.env, log=log)
        return {"articles": count}

    def start_redis(self) -> str:
        """The run's own Redis on a free port, without persistence: stopping it
        is part of the fault phase, which must never touch the shared one."""
        if not shutil.which("redis-server"):
            return "redis-server is not installed"
        self.redis_port = self.args.redis_port or free_port()
        self.redis = self.procs.start(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            env=dict(os.environ), log=self.work / "redis.log",
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.redis_port), 0.5):
                return ""
            time.sleep(0.1)
        return "redis-server did not start"

    def start_gunicorn(self, env: dict, name: str, *, app: str = "", base: str = "") -> subprocess.Popen:
        gunicorn = Path(PYTHON).parent / "gunicorn"
        proc = self.procs.start(
            [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), *([app] if app else [])],
            env=env,
            log=self.work / f"gunicorn-{name}.log",
        )
        wait_until_up(base or self.base, proc)
        # Wait for every worker, so the first measurement does not pay for boots.
        deadline = time.monotonic() + 30
        while len(children_of(proc.pid)) < self.args.workers and time.monotonic() < deadline:
            time.sleep(0.2)
        return proc

    # -- measuring

    def measure_pass(self, name: str, cached: bool, urls: dict, url_file: Path) -> Pass:
        result = Pass(name=name, cached=cached)
        env = self.pass_env(cached)
        say(f"pass '{name}': queries per request and search latency, in-process")
        inproc = probe("measure", str(url_file), env=env)
        if cached:
            reason = self.cache_unsupported(inproc)
            if reason:
                result.skipped = reason
                say(f"pass '{name}' skipped: {reason}")
                return result
        result.search = inproc.get("search", {}) if not cached else {}
        server = self.start_gunicorn(env, name.replace(" ", "-"))
        floor = self.floor
        try:
            # The machine's speed drifts during a run (other tenants of the
            # host): a single floor at the start, or one per page kind, made
            # a page's ratio depend on when it happened to be measured. So
            # floor and page take turns: floor, page, floor, page, ... floor,
            # each page sample divided by the mean of the floors on either
            # side, and the row's ratio is the median over the rounds.
            floors: list[float | None] = []  # every floor sample of the pass, None where one failed
            for kind in self.selected_kinds():
                info = urls.get(kind.key, {"urls": [], "note": "no URLs"})
                if kind.key == "floor":
                    row = self.measure_kind(
                        kind, info, floor.pid, rounds=1, duration=self.args.floor_sample, base=self.floor_base
                    )
                    row.ratio = 1.0 if row.rps else None
                    floors.append(row.rps if row.rps and not row.error else None)
                else:
                    if cached:
                        info = self.warm_cache(urls, [kind]).get(kind.key, info)
                    row = self.measure_kind(kind, info, server.pid, floors=floors, floor=urls["floor"])
                # Cached: what a repeat read of the same page costs.
                counted = inproc["kinds"].get(kind.key, {})
                row.queries = counted.get("queries_repeat_range" if cached else "queries_range")
                result.rows.append(row)
                say(
                    f"  {kind.label:<20} {fmt(row.rps, ',.0f'):>8} req/s  p50 {fmt(row.p50_ms, '.1f')} ms  "
                    f"p99 {fmt(row.p99_ms, '.1f')} ms  x{fmt(row.ratio, '.3f')}  "
                    f"(rounds {', '.join(fmt(r.get('ratio'), '.3f') for r in row.raw.get('rounds', []))})  "
                    f"{row.error}"
                )
            floor_row = next((r for r in result.rows if r.kind.key == "floor"), None)
            measured = [x for x in floors if x]
            if floor_row is not None and measured:
                floor_row.raw["floor_samples"] = floors
                floor_row.rps = statistics.median(measured)
                floor_row.note = "; ".join(
                    filter(
                        None, [floor_row.note, f"{len(measured)} samples, {min(measured):,.0f}-{max(measured):,.0f}"]
                    )
                )
            result.peak_hwm_mb = max((r.raw.get("hwm_kb", 0) for r in result.rows), default=0) / 1024
        finally:
            self.procs.stop(server)
        return result

    def warm_cache(self, urls: dict, kinds: list | None = None) -> dict:
        """Request every URL of ``kinds`` (all selected kinds by default) once,
        so the cached pass measures a warm cache (as the numbers in
        PERFORMANCE.md were). The cached pass warms each kind just before
        measuring it: a page lives PAGE_CACHE_SECONDS (300 s by default) and
        a pass takes longer, so warming everything first measured, in the
        last kinds, the expiry of the pages warmed first (search on
        2026-12-06: 254 req/s, p99 1.1 s). Kinds take turns, so a time limit
        cuts all of them short evenly; each kind is then measured over the
        URLs that were warmed."""
        kinds = kinds if kinds is not None else self.selected_kinds()
        lists = [[(k.key, u) for u in urls.get(k.key, {}).get("urls", [])] for k in kinds]
        order = [pair for group in itertools.zip_longest(*lists) for pair in group if pair]
        deadline = time.monotonic() + self.args.cache_warm
        say(f"warming the page cache: {len(order)} URLs, at most {self.args.cache_warm}s")

        def fetch(pair):
            return pair, (http_status(self.base, pair[1]) if time.monotonic() < deadline else None)

        keys = {k.key for k in kinds}
        warmed = {key: {**info, "urls": []} for key, info in urls.items() if key in keys}
        with ThreadPoolExecutor(max_workers=self.args.connections) as pool:
            for (key, url), status in pool.map(fetch, order):
                if status == 200:
                    warmed[key]["urls"].append(url)
        for key, info in warmed.items():
            total = len(urls[key]["urls"])
            if not info["urls"]:
                warmed[key] = urls[key]  # nothing to warm (an error page): measure as is
            elif len(info["urls"]) < total:
                info["note"] = ", ".join(
                    filter(None, [info.get("note"), f"{len(info['urls'])} of {total} URLs warmed"])
                )
        say("warmed: " + ", ".join(f"{k} {len(v['urls'])}/{len(urls[k]['urls'])}" for k, v in warmed.items()))
        return warmed

    def cache_unsupported(self, inproc: dict) -> str:
        if not self.redis_port:
            return "no Redis for the page cache (redis-server missing)"
        if inproc.get("page_cache_setting") is True:
            return ""
        home = inproc["kinds"].get("home", {})
        if home.get("queries_repeat") is not None and home.get("queries_repeat") < (home.get("queries") or 0):
            return ""
        return "PAGE_CACHE=on made no difference: the app has no page cache yet"

    def selected_kinds(self) -> list[Kind]:
        wanted = {k.strip() for k in self.args.kinds.split(",") if k.strip()}
        return [k for k in KINDS if not wanted or k.key in wanted or k.key in ("floor", "health")]

    def start_floor(self) -> subprocess.Popen:
        """The true floor (bench/floor): startproject's middleware and one
        view, under the same gunicorn settings as the site, on its own port
        for the whole run."""
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "bench.floor.settings",
               "GUNICORN_BIND": f"127.0.0.1:{self.floor_port}"}  # fmt: skip
        return self.start_gunicorn(env, "floor", app="bench.floor.wsgi:application", base=self.floor_base)

    def sample_floor(self, script: Path) -> float | None:
        """A short measurement of the floor, between two page samples."""
        try:
            data = run_wrk(self.floor_base, script, duration=self.args.floor_sample, args=self.args)
        except (RuntimeError, subprocess.TimeoutExpired):
            return None
        return data["rps"] if data["errors"]["status"] == 0 else None

    def measure_kind(
        self,
        kind: Kind,
        info: dict,
        master_pid: int,
        *,
        rounds: int | None = None,
        duration: int | None = None,
        floors: list[float] | None = None,
        floor: dict | None = None,
        base: str = "",
    ) -> Row:
        """Measure one page kind in rounds of ``duration`` seconds. With
        ``floors`` (the floor samples so far) and ``floor`` (its URLs), every round is
        followed by a floor sample, appended to ``floors``, and each round's
        ratio is its rate over the mean of the floors just before and after.
        The row gives the medians over the rounds (rate, p50, ratio) and the
        worst p99."""
        notes = [info.get("note", "")]
        if kind.key.endswith("_p200") and info.get("page") not in (None, 200):
            notes.insert(0, f"page {info['page']}, the deepest in this data set")
        row = Row(kind=kind, note="; ".join(filter(None, notes)))
        url_list = info.get("urls", [])
        row.urls = len(url_list)
        if not url_list:
            row.error = info.get("note") or "no URLs to request"
            return row
        base = base or self.base
        statuses = Counter(http_status(base, u) for u in url_list[:5])
        if statuses.get(200, 0) == 0:
            row.error = "HTTP " + ", ".join(f"{s}" for s in statuses)
            return row
        script = write_lua(url_list, self.work / f"{kind.key}.lua")
        floor_script = write_lua(floor["urls"], self.work / "floor.lua") if floor else None
        samples = []
        # The floor sample just before the next page run: the last one taken
        # (after the previous kind, or the floor row's), None if it failed.
        before = floors[-1] if floors else None
        try:
            if self.args.warmup:
                run_wrk(base, script, duration=self.args.warmup, args=self.args)
            with MemorySampler(master_pid) as memory:
                for _ in range(rounds or self.args.rounds):
                    data = run_wrk(base, script, duration=duration or self.args.duration, args=self.args)
                    if floor_script is not None:
                        after = self.sample_floor(floor_script)
                        floors.append(after)
                        around = [x for x in (before, after) if x]
                        before = after
                        data["floor_rps"] = sum(around) / len(around) if around else None
                        data["ratio"] = data["rps"] / data["floor_rps"] if around else None
                    samples.append(data)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            row.error = str(exc)[:200]
            return row
        requests = sum(d["requests"] for d in samples)
        errors = {key: sum(d["errors"][key] for d in samples) for key in samples[0]["errors"]}
        row.raw = {
            "rounds": samples,
            "hwm_kb": memory.peak_hwm_kb,
            "sample_statuses": {str(k): v for k, v in statuses.items()},
        }
        row.rps = statistics.median(d["rps"] for d in samples)
        row.p50_ms = statistics.median(d["p50_us"] for d in samples) / 1000
        row.p99_ms = max(d["p99_us"] for d in samples) / 1000
        ratios = [d["ratio"] for d in samples if d.get("ratio") is not None]
        row.ratio = statistics.median(ratios) if ratios else None
        row.rss_mb = memory.peak_rss_kb / 1024
        row.non_2xx = errors["status"]
        transport = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
        if transport > requests * 0.01 or row.non_2xx > requests * 0.5:
            row.error = f"{row.non_2xx} non-2xx and {transport} socket errors in {requests} requests"
        return row

    # -- first requests and page weight

    def cold_start(self, urls: dict) -> dict:
        """The first requests a new worker serves: one gunicorn worker is
        started, then an article it has never rendered is requested, then
        another; steady state is the median of the next twenty."""
        env = {**self.pass_env(cached=False), "WEB_CONCURRENCY": "1"}
        articles = urls.get("article", {}).get("urls", [])[-25:]
        if len(articles) < 22:
            return {}
        server = self.start_gunicorn(env, "cold")
        try:
            timings = []
            for path in articles[:22]:
                started = time.perf_counter()
                http_status(self.base, path)
                timings.append((time.perf_counter() - started) * 1000)
        finally:
            self.procs.stop(server)
        result = {"first_ms": timings[0], "second_ms": timings[1], "steady_ms": statistics.median(timings[2:])}
        say(f"cold start: {result}")
        return result

    def page_weights(self, urls: dict) -> dict:
        """What a phone downloads for the first page of each kind: the HTML
        (gzip, as the proxy sends it), then the style sheets, scripts and
        images it references; a repeat view downloads the HTML alone (static
        files have hashed names and a year's lifetime)."""
        server = self.start_gunicorn(self.pass_env(cached=False), "weight")
        weights = {}
        try:
            for kind in self.selected_kinds():
                path = next(iter(urls.get(kind.key, {}).get("urls", [])), None)
                if path is None or kind.key in ("floor", "health"):
                    continue
                html = fetch_bytes(self.base + path)
                if html is None:
                    continue
                assets = AssetFinder.find(html.decode("utf-8", "replace"))
                sizes = {"html": len(gzip.compress(html, 6)), "css_js": 0, "images": 0}
                for asset, group in assets:
                    body = fetch_bytes(urljoin(self.base + path, asset))
                    if body is not None:
                        sizes[group] += len(gzip.compress(body, 6)) if group == "css_js" else len(body)
                sizes["first_view"] = sizes["html"] + sizes["css_js"] + sizes["images"]
                weights[kind.key] = sizes
        finally:
            self.procs.stop(server)
        weights["phone"] = self.phone_first_view()
        say(f"page weights: {weights}")
        return weights

    def phone_first_view(self) -> dict:
        """The first view of a story with a photographic hero on a 375 x 800
        phone at device pixel ratio 2, in Chromium, counted from its network
        log (bench/weight.py; the budget is issue 21's 80 KB). The server
        runs the production settings; uploaded media come as files, as the
        README's proxy serves them (bench/media_wsgi.py). The HTML goes
        uncompressed: a proxy that gzips it only makes this smaller."""
        if not Path("/usr/bin/chromium").exists():
            return {"skipped": "no /usr/bin/chromium"}
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        env = self.pass_env(cached=False)
        story = probe("photo-story", env=env, timeout=300)
        if "path" not in story:
            return {"skipped": story.get("error", "no story")}
        server = self.start_gunicorn(env, "phone", app="bench.media_wsgi:application")
        try:
            from playwright.sync_api import sync_playwright

            from bench.weight import BUDGET_BYTES, first_view

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync"],
                )  # fmt: skip
                try:
                    weight = first_view(browser, self.base + story["path"])
                finally:
                    browser.close()
        finally:
            self.procs.stop(server)
        return {"total": weight.total, "by_type": weight.by_type, "budget": BUDGET_BYTES, "path": story["path"]}

    def middleware_costs(self) -> str:
        """bench/middleware_cost.py's table: what each middleware class costs
        a request, in-process, page cache off."""
        say("middleware costs, in-process")
        try:
            return run_checked(
                [PYTHON, str(ROOT / "bench" / "middleware_cost.py"), "300"], env=self.pass_env(cached=False),
                timeout=1800,
            )  # fmt: skip
        except SystemExit as exc:
            return f"not measured: {exc}"

    # -- a live newsroom

    def live(self, urls: dict, url_file: Path) -> dict:
        """Readers over every page kind with the page cache on, while a writer
        saves a story every few seconds; after each save commits, the pages
        it changed are requested at once and must show the change."""
        if not self.redis_port:
            return {"skipped": "no Redis for the page cache"}
        env = self.pass_env(cached=True)
        server = self.start_gunicorn(env, "live")
        # The task worker, as in production: it ranks the related lists of a
        # published story's neighbours after the commit.
        worker = self.procs.start(
            [PYTHON, "manage.py", "db_worker", "--no-reload"], env=env, log=self.work / "live-worker.log"
        )
        kinds = (
            "article", "topic_p1", "topic_p200", "country_p1", "country_p200", "agreement", "home", "person", "feed",
        )  # fmt: skip
        mix = [pair for group in itertools.zip_longest(*[urls.get(k, {}).get("urls", []) for k in kinds])
               for pair in group if pair]  # fmt: skip
        script = write_lua(mix, self.work / "live.lua", LIVE_LUA_TEMPLATE)
        floor_script = write_lua(urls["floor"]["urls"], self.work / "floor.lua")
        checks = {"saves": 0, "checked": 0, "violations": [], "save_ms": []}
        try:
            say(f"live newsroom: warming {len(mix)} URLs")
            deadline = time.monotonic() + self.args.cache_warm
            with ThreadPoolExecutor(max_workers=self.args.connections) as pool:
                list(pool.map(lambda u: time.monotonic() < deadline and http_status(self.base, u), mix))
            before = self.sample_floor(floor_script)
            with (self.work / "live-writer.log").open("wb") as log:
                writer = subprocess.Popen(
                    [PYTHON, str(ROOT / "bench" / "live_writer.py"), str(url_file), str(self.args.live),
                     str(self.args.live_interval)],
                    env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True,
                )  # fmt: skip
            loaded: dict = {}
            load = threading.Thread(
                target=lambda: loaded.update(run_wrk(self.base, script, duration=self.args.live, args=self.args))
            )
            load.start()
            for line in writer.stdout:
                if not line.startswith("WRITE_JSON "):
                    continue
                save = json.loads(line.removeprefix("WRITE_JSON "))
                checks["saves"] += 1
                checks["save_ms"].append(save.get("save_ms"))
                for path, status, text in save["checks"]:
                    checks["checked"] += 1
                    problem = self.check_page(path, status, text)
                    if problem:
                        checks["violations"].append(f"{save['kind']} {path}: {problem}")
            writer.wait(60)
            load.join(self.args.live + 60)
            after = self.sample_floor(floor_script)
        finally:
            self.procs.stop(server)
            self.procs.stop(worker)
        floors = [x for x in (before, after) if x]
        answered = loaded.get("hits", 0) + loaded.get("misses", 0) + loaded.get("uncached", 0)
        result = {
            "seconds": self.args.live,
            "urls": len(mix),
            "rps": loaded.get("rps"),
            "p50_ms": loaded.get("p50_us", 0) / 1000,
            "p99_ms": loaded.get("p99_us", 0) / 1000,
            "non_2xx": loaded.get("errors", {}).get("status"),
            "hit_ratio": loaded.get("hits", 0) / answered if answered else None,
            "ratio": loaded.get("rps", 0) / statistics.mean(floors) if floors and loaded.get("rps") else None,
            **checks,
        }
        say(f"live newsroom: {result}")
        return result

    def check_page(self, path: str, status: int, text: str | None) -> str:
        """ "" if an anonymous request for ``path`` now answers ``status`` and
        shows ``text`` ("!text": does not show it); else what went wrong."""
        try:
            with OPENER.open(self.base + path, timeout=10) as response:
                got, body = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            got, body = exc.code, ""
        except (urllib.error.URLError, OSError) as exc:
            return f"no answer ({exc})"
        if got != status:
            return f"HTTP {got}, expected {status}"
        if text and text.startswith("!") and text[1:] in body:
            return "still shows what was unpublished"
        if text and not text.startswith("!") and text not in body:
            return "does not show the change yet"
        return ""

    # -- faults

    def sample_paths(self, urls: dict) -> list[str]:
        paths = []
        for key in ("home", "article", "topic_p1", "country_p1", "agreement", "search", "feed"):
            paths += urls.get(key, {}).get("urls", [])[:3]
        return paths

    def tally(self, paths: list[str], seconds: float) -> Counter:
        statuses: Counter = Counter()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for path in paths:
                statuses[http_status(self.base, path, timeout=5)] += 1
                if time.monotonic() >= deadline:
                    break
        return statuses

    def redis_fault(self, urls: dict, url_file: Path) -> None:
        if self.redis is None:
            self.faults.append("Redis stopped: not tried (" + (self.start_redis() or "no Redis") + ")")
            return
        env = self.pass_env(cached=True)
        server = self.start_gunicorn(env, "fault-redis")
        paths = self.sample_paths(urls)
        try:
            before = self.tally(paths, 3)
            script = write_lua(urls.get("article", {}).get("urls", ["/"]) + paths, self.work / "fault-redis.lua")
            say("fault: stopping the run's own Redis under load")
            loaded: dict = {}
            seconds = max(10, self.args.duration * 2)
            load = threading.Thread(
                target=lambda: loaded.update(run_wrk(self.base, script, duration=seconds, args=self.args))
            )
            load.start()
            time.sleep(3)
            self.procs.stop(self.redis)
            self.redis = None
            load.join(seconds + 60)
            # Then every page kind once more, one request at a time.
            during = self.tally(paths, 5)
            saved = probe("editor-save", env=env)
            self.faults.append(
                f"Redis stopped under load (PAGE_CACHE=on): page statuses {dict(before)} before; wrk over "
                f"articles and every page kind {loaded.get('rps', 0):,.0f} req/s with "
                f"{loaded.get('errors', {}).get('status', '?')} non-2xx answers across the stop; with Redis down "
                f"{dict(during)}; an editor's save "
                + ("succeeded." if saved.get("ok") else f"FAILED: {saved.get('error')}")
            )
            say(self.faults[-1])
            if self.start_redis() == "":
                after = self.tally(paths, 3)
                self.faults.append(f"Redis started again: {dict(after)}")
        finally:
            self.procs.stop(server)

    def postgres_fault(self, urls: dict) -> None:
        command = pg_restart_command(self.args.database_url)
        server = self.start_gunicorn(self.pass_env(cached=False), "fault-pg")
        paths = urls.get("article", {}).get("urls", [])[:200] or ["/"]
        try:
            pids_before = sorted(children_of(server.pid))
            timeline: list[tuple[float, int | str]] = []
            stop = threading.Event()

            def prober():
                started = time.monotonic()
                n = 0
                while not stop.is_set() and time.monotonic() - started < 120:
                    timeline.append((time.monotonic() - started, http_status(self.base, paths[n % len(paths)], 5)))
                    n += 1
                    time.sleep(0.05)

            script = write_lua(paths, self.work / "fault-pg.lua")
            loaded: dict = {}
            duration = max(20, self.args.duration * 2)
            load = threading.Thread(
                target=lambda: loaded.update(run_wrk(self.base, script, duration=duration, args=self.args))
            )
            watcher = threading.Thread(target=prober)
            load.start()
            watcher.start()
            time.sleep(3)
            say("fault: restarting PostgreSQL: " + " ".join(command))
            restart = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
            load.join(duration + 60)
            stop.set()
            watcher.join(10)
            pids_after = sorted(children_of(server.pid))
            statuses = Counter(status for _t, status in timeline)
            failures = [t for t, status in timeline if status != 200]
            recovered = [t for t, status in timeline if status == 200 and failures and t > failures[-1]]
            self.faults.append(
                f"PostgreSQL restarted under load ({' '.join(command)}, exit {restart.returncode}): "
                f"sequential probe {dict(statuses)}; non-200 answers for "
                f"{(failures[-1] - failures[0]) if failures else 0:.1f}s, 200 again at "
                f"{recovered[0] if recovered else float('nan'):.1f}s; wrk {loaded.get('rps', 0):,.0f} req/s, "
                f"{loaded.get('errors', {}).get('status', '?')} non-2xx; workers "
                + (
                    "unchanged (no restart)."
                    if pids_before == pids_after
                    else f"changed {pids_before} -> {pids_after}."
                )
            )
            say(self.faults[-1])
        finally:
            self.procs.stop(server)

    # -- everything

    def run(self) -> int:
        args = self.args
        if not shutil.which("wrk"):
            raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
        say(f"work files and logs in {self.work}")
        data = self.prepare()
        want_redis = args.cache != "off" or args.faults
        redis_problem = self.start_redis() if want_redis else "not requested"
        if redis_problem:
            say(f"no dedicated Redis: {redis_problem}")

        urls = probe("urls", str(args.urls), env=self.env)
        url_file = self.work / "urls.json"
        url_file.write_text(json.dumps(urls))
        urls["floor"] = {"urls": ["/floor/"], "note": "bench/floor: startproject's middleware, one view"}
        self.floor = self.start_floor()

        passes = [self.measure_pass("cache off", False, urls, url_file)]
        if args.cache != "off":
            passes.append(self.measure_pass("cache on", True, urls, url_file))
        self.extras = {
            "cold": self.cold_start(urls),
            "weights": self.page_weights(urls),
            "middleware": self.middleware_costs(),
        }
        live = self.live(urls, url_file) if args.live > 0 and args.cache != "off" else {}
        self.live_result = {**live, "interval": args.live_interval}
        if args.faults:
            self.redis_fault(urls, url_file)
        if args.pg_restart:
            self.postgres_fault(urls)

        meta = {
            "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "articles": data["articles"],
            "cores": os.cpu_count(),
            "workers": args.workers,
            "threads": args.threads,
            "connections": args.connections,
            "duration": args.duration,
            "rounds": args.rounds,
            "floor_sample": args.floor_sample,
            "urls": args.urls,
            "pg_version": self.pg_version(),
            "floor_url": "/floor/ of bench/floor (startproject's middleware)",
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        # Every number first, so a failure in the report loses none of them.
        (RESULTS / "latest.json").write_text(json.dumps(self.as_json(passes, meta), indent=2) + "\n")
        table = markdown(passes, meta, self.faults, self.live_result if live else {}) + extras_markdown(self.extras)
        (RESULTS / "latest.md").write_text(table)
        problem = chart(passes, RESULTS / "latest.png")
        print("\n" + table)
        print(problem or f"Wrote {RESULTS / 'latest.md'}, latest.json and latest.png")
        return 0

    def pg_version(self) -> str:
        import psycopg

        with psycopg.connect(self.args.database_url, connect_timeout=10) as conn:
            return conn.execute("SHOW server_version").fetchone()[0].split()[0]

    def as_json(self, passes: list[Pass], meta: dict) -> dict:
        return {
            "meta": meta,
            "passes": [
                {
                    "name": p.name,
                    "skipped": p.skipped,
                    "search": p.search,
                    "peak_worker_hwm_mb": round(p.peak_hwm_mb, 1),
                    "rows": [
                        {
                            "kind": r.kind.key,
                            "label": r.kind.label,
                            "note": r.note,
                            "error": r.error,
                            "rps": r.rps,
                            "p50_ms": r.p50_ms,
                            "p99_ms": r.p99_ms,
                            "queries": r.queries,
                            "worker_rss_mb": r.rss_mb,
                            "ratio": r.ratio,
                            "urls": r.urls,
                            "target": r.target(p.cached),
                            "result": r.verdict(p.cached),
                            "wrk": r.raw,
                        }  # fmt: skip
                        for r in p.rows
                    ],
                }
                for p in passes
            ],
            "faults": self.faults,
            "live": self.live_result,
            **self.extras,
        }


def main() -> int:
    args = parse_args()
    bench = Bench(args)
    try:
        return bench.run()
    finally:
        bench.procs.stop_all()
        say(f"stopped all processes; logs kept in {bench.work}")


if __name__ == "__main__":
    sys.exit(main())
