"""`make bench`: serve the production set-up on loopback, load it with wrk (pages) and locust (bookings).

It builds its own database (thrive_bench) and uses Redis database 7, a mail server on loopback
that answers 5 seconds late, and a real Celery worker; nothing leaves the machine. Every page is
measured against the bare Django site (bench/bare_settings.py) served by the same server command,
turn by turn, and reported as a ratio to it.
"""

import argparse
import csv
import datetime
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.weight import page_weights
from drill.stack import PLAIN_HTTP_BEHIND_ONE_PROXY
from drill.visitor import DAY_LINK

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK = shutil.which("wrk")
OUT = ROOT / "var" / "bench"
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8170"))
SMTP_PORT = PORT + 1
BARE_PORT = PORT + 2
BASE_URL = f"http://{HOST}:{PORT}"
BARE_URL = f"http://{HOST}:{BARE_PORT}"
USERS = 16
# Booking runs (locust) last this long; each page measurement is ROUNDS wrk runs of ROUND_SECONDS,
# alternating with as many runs of the bare Django site, and reports the medians.
SECONDS = int(os.environ.get("BENCH_SECONDS", "12"))
ROUNDS = 3
ROUND_SECONDS = int(os.environ.get("BENCH_ROUND_SECONDS", "5"))
BOOKING_WARM_SECONDS = 4
# What a browser sends: pages may answer with their Brotli or gzip copy.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thrive_bench")

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "bench-only-key-" + "x" * 40,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
    "CACHE_KEY_PREFIX": "bench",
    "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
    "SITE_URL": BASE_URL,
    "EMAIL_URL": f"smtp://{HOST}:{SMTP_PORT}",
    "EMAIL_TIMEOUT": "30",
    **PLAIN_HTTP_BEHIND_ONE_PROXY,
    "LOG_LEVEL": "WARNING",
    "PYTHONUNBUFFERED": "1",
}

PAGES = {
    "fixed string, full stack": "/bench/baseline/",
    "home": "/",
    "content page": "/what-is-ipt/",
    "clinician list": "/clinicians/",
    "profile": "/clinicians/maricor-coquia/",
    "slot page": "/consultation/",
}
# The pages issue 17 holds to ≥ 0.8× the bare Django site, with every server.
CACHED_PAGES = ["home", "content page", "clinician list", "profile"]
THRIVE_APP, BARE_APP = "thrive.wsgi:application", "bench.bare_wsgi:application"


def gunicorn(app, port):
    # Sync workers: each Django request blocks on PostgreSQL and Redis, and two cores serve four workers well.
    # No control socket: it sits at one fixed path, which the bare site's gunicorn beside it would share.
    # A long timeout: on a busy machine a worker can take more than the default 30 s to boot.
    return [
        str(BIN / "gunicorn"), app, "--bind", f"{HOST}:{port}", "--workers", "4", "--log-level", "warning",
        "--no-control-socket", "--timeout", "300",
    ]  # fmt: skip


def granian(app, port):
    # As the Dockerfile runs it.
    return [
        str(BIN / "granian"), "--interface", "wsgi", "--host", HOST, "--port", str(port), "--workers", "2",
        "--blocking-threads", "2", "--log-level", "warning", app,
    ]  # fmt: skip


SERVERS = {"gunicorn": gunicorn, "granian": granian}
TARGETS = {
    "bare_ratio": 0.80,
    "cached_p95_ms": 50,
    "booking_p95_ms": 150,
    # Issue 11: req/s as a share of the fixed string through the whole middleware stack, in the same run.
    "slot_page_vs_full_stack": 0.60,
    "booking_form_vs_full_stack": 0.25,
    "booking_post_vs_full_stack": 0.10,
    "home_total_bytes": 100 * 1024,
    "css_compressed_bytes": 30 * 1024,
    "insights_ms": 300,
}


def log(message):
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)  # noqa: DTZ005 - a wall clock for people


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)


def dataset(*args):
    out = subprocess.run(
        [sys.executable, "-m", "bench.dataset", *args], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"bench.dataset {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare():
    import psycopg
    import redis

    name = DATABASE_URL.rsplit("/", 1)[-1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()
    log("migrating and collecting static files")
    manage("migrate", "--no-input")
    manage("collectstatic", "--no-input", "--clear")


def flush_cache():
    import redis

    redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()


@contextmanager
def background(command, name):
    """Run command for the length of the with-block; show its output if it dies on its own."""
    with tempfile.TemporaryFile() as logfile:
        process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=logfile, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            died = process.poll() is not None
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if died:
                logfile.seek(0)
                log(f"{name} exited with {process.returncode}: {logfile.read()[-2000:].decode(errors='replace')}")


def wait_until_up(url, seconds=300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or still starting its workers
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def warm(path, times=3, base_url=BASE_URL):
    for _ in range(times):
        with urllib.request.urlopen(base_url + path, timeout=10) as response:  # noqa: S310 - loopback only
            response.read()


def wrk(url, seconds=ROUND_SECONDS, connections=USERS):
    """Load url with wrk for `seconds`: {rps, p50_ms, p95_ms, p99_ms, requests, failures}.

    wrk is a C program with one thread here: on a 2-core machine it leaves nearly all the CPU to
    the server, where a Python load generator would take a core of its own.
    """
    out = subprocess.run(
        [WRK, "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s",
         "--latency", "--script", str(ROOT / "bench" / "wrk_report.lua"),
         "--header", f"Accept-Encoding: {ACCEPT_ENCODING}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "requests": summary["requests"],
        "failures": summary["socket_errors"] + summary["http_errors"],
        "rps": round(summary["requests"] / (summary["duration_us"] / 1e6), 1),
        "p50_ms": summary["p50_us"] / 1000,
        "p95_ms": summary["p95_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
    }


def compare(path, rounds=ROUNDS):
    """A page of the running site against the running bare Django site, turn by turn; medians of each.

    Both servers run side by side (an idle one costs nothing), so each page run sits between two
    bare runs under the same machine load; the ratio is what to read on a busy machine.
    """
    page_runs, bare_runs = [], []
    for _ in range(rounds):
        bare_runs.append(wrk(BARE_URL + "/"))
        page_runs.append(wrk(BASE_URL + path))
    result = {key: statistics.median(run[key] for run in page_runs) for key in page_runs[0]}
    result["failures"] = sum(run["failures"] for run in page_runs)
    result["bare_rps"] = statistics.median(run["rps"] for run in bare_runs)
    result["vs_bare"] = round(result["rps"] / result["bare_rps"], 3)
    result["runs"] = {"page_rps": [run["rps"] for run in page_runs], "bare_rps": [run["rps"] for run in bare_runs]}
    return result


@contextmanager
def serving(server):
    """Thrive and the bare Django site, each served by the same server command and worker count."""
    with (
        background(SERVERS[server](THRIVE_APP, PORT), server),
        background(SERVERS[server](BARE_APP, BARE_PORT), f"{server} (bare Django)"),
    ):
        wait_until_up(BASE_URL + PAGES["fixed string, full stack"])
        wait_until_up(BARE_URL + "/")
        yield


def load(user_class, path="/", seconds=SECONDS, request_names=None, users=USERS):
    """Run locust headless for `seconds`; {request name: stats} for the named requests (default: the path).

    Only for the booking journey, which needs a session, CSRF tokens and a form: pages use wrk.
    """
    with tempfile.TemporaryDirectory() as directory:
        prefix = os.path.join(directory, "run")
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
             "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--host", BASE_URL,
             "--csv", prefix, "--loglevel", "ERROR", "--exit-code-on-error", "0", user_class],
            cwd=ROOT, env={**ENV, "BENCH_PATH": path}, check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv", newline="") as stats:
            rows = {row["Name"]: row for row in csv.DictReader(stats)}
    return {name: _stats(rows[name]) if name in rows else None for name in request_names or [path]}


def _stats(row):
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def measure_pages(server):
    results = {}
    with serving(server):
        warm("/", base_url=BARE_URL)
        for name, path in {**PAGES, "booking form": booking_form_path()}.items():
            warm(path)
            results[name] = compare(path)
            row = results[name]
            if name == "booking form" and not still_the_form(path):
                sys.exit(f"{path} stopped showing the booking form during its measurement: rerun make bench")
            log(
                f"{server:8} {name:24} {row['rps']:8.1f} req/s  {row['vs_bare']:.2f}× bare Django "
                f"({row['bare_rps']:.0f} req/s)  p95 {row['p95_ms']:.0f} ms"
            )
    return results


# Who spends the machine's CPU during a booking run, by the command line of each process.
CPU_USERS = {
    "server": ("gunicorn", "granian"),
    "PostgreSQL": ("postgres:",),
    "Celery worker": ("celery",),
    "Redis": ("redis-server",),
}


def cpu_seconds_by_user():
    """CPU seconds used so far by the processes of each CPU_USERS entry (Linux /proc), and by locust.

    locust has finished by the time it is asked: its CPU is that of this process's finished children.
    """
    tick = os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = {**dict.fromkeys(CPU_USERS, 0.0), "locust": children.ru_utime + children.ru_stime}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        for user, marks in CPU_USERS.items():
            if any(mark in command for mark in marks):
                used[user] += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
                break
    return used


def measure_booking(server):
    with background(SERVERS[server](THRIVE_APP, PORT), server):
        wait_until_up(BASE_URL + PAGES["fixed string, full stack"])
        # Each worker's first bookings import and set up what it has not needed yet (the URLs, the
        # form, the Celery connection): booked for a few seconds first, as the pages are warmed.
        load("Booker", seconds=BOOKING_WARM_SECONDS, request_names=["booking POST"])
        before = cpu_seconds_by_user()
        results = load("Booker", request_names=["booking POST", "booking form"])
        after = cpu_seconds_by_user()
    result = results["booking POST"]
    if result is None:
        log(f"{server:8} booking POST    not measured: the booking page offered no open time to book")
        return None
    log(f"{server:8} booking POST    {result['rps']:8.1f} req/s  p95 {result['p95_ms']:.0f} ms")
    # CPU milliseconds per booking (its form, its POST), by process: what a booking costs the machine.
    result["cpu_ms_per_booking"] = {
        user: round((after[user] - before[user]) * 1000 / max(result["requests"], 1), 1) for user in after
    }
    log(f"{server:8} CPU per booking: " + ", ".join(f"{u} {ms} ms" for u, ms in result["cpu_ms_per_booking"].items()))
    # The form page itself is measured with wrk among the pages; this is its time within the booking journey.
    result["form"] = results["booking form"]
    # The same booking with nobody else on the site: its own cost, without queueing behind 15 others.
    with background(SERVERS[server](THRIVE_APP, PORT), server):
        wait_until_up(BASE_URL + PAGES["fixed string, full stack"])
        load("Booker", seconds=BOOKING_WARM_SECONDS, request_names=["booking POST"], users=1)
        result["alone"] = load("Booker", request_names=["booking POST"], users=1)["booking POST"]
    log(f"{server:8} booking POST, one client alone: p95 {result['alone']['p95_ms']:.0f} ms")
    return result


def _read(path):
    with urllib.request.urlopen(BASE_URL + path, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read().decode()


def booking_form_path():
    """The booking form for an open time a week or so ahead, as a visitor reaches it from the slot page.

    Not the first open time: that one can pass the practice's minimum notice in the middle of a
    measurement, or be taken by an earlier booking run, and then the page measured is the one
    offering other times, not the form.
    """
    page = _read("/consultation/")
    days = list(dict.fromkeys(DAY_LINK.findall(page)))
    if days:
        page = _read(f"/consultation/?day={days[len(days) // 2]}")
    found = re.search(r'href="(/consultation/details/\?slot=[0-9TZ]{14})"', page)
    return found.group(1) if found else "/consultation/details/"


def still_the_form(path):
    """True when path still shows the booking form for its own time: what was measured is what was meant."""
    return 'class="chosen-slot"' in _read(path)


def css_compressed_bytes():
    css = sorted((ROOT / "staticfiles" / "css").glob("thrive.*.css"), key=lambda path: path.stat().st_mtime)
    css = [path for path in css if path.name.count(".") == 2]
    if not css:
        return {}
    newest = css[-1]
    return {
        "file": newest.name,
        "raw": newest.stat().st_size,
        "gzip": Path(f"{newest}.gz").stat().st_size if Path(f"{newest}.gz").exists() else None,
        "brotli": Path(f"{newest}.br").stat().st_size if Path(f"{newest}.br").exists() else None,
    }


README = ROOT / "README.md"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(table):
    """Put the latest table between the markers in README's Performance section."""
    text = README.read_text()
    before, found, rest = text.partition(README_START)
    _, found_end, after = rest.partition(README_END)
    if not (found and found_end):
        log(f"README.md has no {README_START} … {README_END} markers; not updated")
        return
    README.write_text(f"{before}{README_START}\n{table}\n{README_END}{after}")
    log("README.md's Performance section updated")


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--update-readme", action="store_true", help="put the table in README's Performance section")
    parser.add_argument(
        "--pages-only", action="store_true", help="measure the pages against bare Django only (no bookings, no scaling)"
    )
    parser.add_argument(
        "--booking-only", action="store_true", help="measure only the booking POST (no pages, no scaling)"
    )
    args = parser.parse_args()
    if not WRK:
        sys.exit("make bench needs wrk, the HTTP load generator: `apt-get install wrk` (Debian and Ubuntu)")
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    prepare()
    log("building the data set: 30 clinicians, 20 pages, 2,000 consultations")
    data = dataset("build", "--clinicians", "30", "--pages", "20", "--consultations", "2000")
    queries = dataset("queries", *PAGES.values())
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "users": USERS,
        "seconds_per_measurement": SECONDS,
        "rounds": ROUNDS,
        "seconds_per_round": ROUND_SECONDS,
        "data": data,
        "queries": queries,
        "servers": {},
    }

    with (
        background([sys.executable, "-m", "bench.slow_smtp", "--port", str(SMTP_PORT), "--delay", "5"], "mail"),
        background(
            [
                str(BIN / "celery"),
                "-A",
                "thrive",
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                "8",
                "--loglevel",
                "WARNING",
            ],
            "celery worker",
        ),
    ):
        for server in SERVERS:
            flush_cache()
            if args.booking_only:
                report["servers"][server] = {"booking": measure_booking(server)}
                continue
            report["servers"][server] = {"pages": measure_pages(server)}
            report["servers"][server]["booking"] = None if args.pages_only else measure_booking(server)
        if args.booking_only:
            return
        best = max(report["servers"], key=lambda server: report["servers"][server]["pages"]["home"]["rps"])
        report["best_server"] = best
        report["page_weight"], report["css"], report["scaling"] = {}, {}, None

        if not args.pages_only:
            with serving(best):
                report["page_weight"] = page_weights(BASE_URL, ["/", "/consultation/", booking_form_path()])
                report["css"] = css_compressed_bytes()
                report["scaling"] = scaling()

    report["targets"] = check_targets(report)
    report["elapsed_seconds"] = round(time.monotonic() - started)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (OUT / f"bench-{stamp}.json", OUT / "latest.json"):
        path.write_text(json.dumps(report, indent=2) + "\n")
    table = render(report)
    (OUT / "latest.md").write_text(table + "\n")
    print(table)
    if args.update_readme:
        update_readme(table)
    log(f"done in {report['elapsed_seconds']} s; results in {OUT / 'latest.json'}")


def scaling():
    """How the slot page, clinician list and admin list cost grows with the practice."""
    result = {"clinicians": {}, "admin_consultations": {}}
    for count in (3, 30, 100):
        dataset("activate", "--clinicians", str(count))
        flush_cache()
        counts = dataset("queries", PAGES["slot page"], PAGES["clinician list"])
        row = {"queries": counts}
        for name in ("slot page", "clinician list"):
            warm(PAGES[name], times=2)
            row[name] = wrk(BASE_URL + PAGES[name], seconds=max(6, SECONDS // 2))
        result["clinicians"][count] = row
        log(
            f"{count:4} clinicians: slot page p95 {row['slot page']['p95_ms']:.0f} ms, "
            f"list p95 {row['clinician list']['p95_ms']:.0f} ms"
        )
    dataset("activate", "--clinicians", "30")
    result["admin_consultations"]["2000"] = dataset("admin-list")
    dataset("add-consultations", "--count", "48000")
    result["admin_consultations"]["50000"] = dataset("admin-list")
    log(f"admin list: {result['admin_consultations']}")
    result["insights_12_months"] = dataset("insights")
    log(f"insights, 12 months of 50,000 consultations: {result['insights_12_months']}")
    return result


def check_targets(report):
    checks = []
    for server, results in report["servers"].items():
        pages = results["pages"]
        for name in CACHED_PAGES:
            ratio = pages[name]["vs_bare"]
            checks.append((f"{name} ({server}): ≥ 0.8× bare Django", f"{ratio:.2f}×", ratio >= TARGETS["bare_ratio"]))
        full_stack = pages["fixed string, full stack"]["rps"]
        shares = [("slot page", pages["slot page"]["rps"], "slot_page_vs_full_stack")]
        if "booking form" in pages:
            shares.append(("booking form", pages["booking form"]["rps"], "booking_form_vs_full_stack"))
        if results.get("booking"):
            shares.append(("booking POST", results["booking"]["rps"], "booking_post_vs_full_stack"))
        for name, rps, target in shares:
            share = rps / full_stack
            checks.append(
                (f"{name} ({server}): ≥ {TARGETS[target]:.2f}× full stack", f"{share:.2f}×", share >= TARGETS[target])
            )
    servers = report["servers"][report["best_server"]]
    pages = servers["pages"]
    cached = [name for name, count in zip(PAGES, report["queries"].values(), strict=True) if count["warm"] == 0]
    for name in cached:
        if name in PAGES and PAGES[name] == "/bench/baseline/":
            continue
        p95 = pages[name]["p95_ms"]
        checks.append((f"{name}: p95 < 50 ms", f"{p95:.0f} ms", p95 < TARGETS["cached_p95_ms"]))
    if servers["booking"]:
        p95 = servers["booking"]["p95_ms"]
        checks.append(("booking POST: p95 < 150 ms (mail 5 s late)", f"{p95:.0f} ms", p95 < TARGETS["booking_p95_ms"]))
        alone = servers["booking"]["alone"]["p95_ms"]
        checks.append(
            ("booking POST, one client alone: p95 < 150 ms", f"{alone:.0f} ms", alone < TARGETS["booking_p95_ms"])
        )
    else:
        checks.append(("booking POST: p95 < 150 ms (mail 5 s late)", "not measured", False))
    home = (report["page_weight"] or {}).get("/", {})
    if home:
        total = home["total"]
        checks.append(("home: < 100 KB transferred", f"{total / 1024:.1f} KB", total < TARGETS["home_total_bytes"]))
    css = (report["css"] or {}).get("brotli") or (report["css"] or {}).get("gzip")
    if css:
        checks.append(("CSS: ≤ 30 KB compressed", f"{css / 1024:.1f} KB", css <= TARGETS["css_compressed_bytes"]))
    insights = (report["scaling"] or {}).get("insights_12_months")
    if insights:
        ms = insights["p50_ms"]
        checks.append(("insights, 12 months of 50,000 calls: < 300 ms", f"{ms:.0f} ms", ms < TARGETS["insights_ms"]))
    return [{"target": target, "measured": measured, "met": met} for target, measured, met in checks]


def render(report):
    """The Markdown tables README's Performance section shows."""
    best = report["best_server"]
    lines = [
        f"Measured {report['when']} on loopback: {report['users']} concurrent connections; each page "
        f"{report['rounds']} × {report['seconds_per_round']} s with wrk, alternating with the bare Django site "
        f"(medians); bookings {report['seconds_per_measurement']} s with locust. "
        f"{report['data']['clinicians']} clinicians, {report['data']['pages']} pages, 2,000 consultations. "
        f"**× bare** is req/s over the bare Django site's in the same rounds; **× full stack** over the "
        f"fixed string served through Thrive's whole middleware stack. Page weights and scaling: {best}.",
        "",
        "| page | server | req/s | × bare | bare req/s | × full stack | p50 ms | p95 ms | p99 ms "
        "| queries (cold / cached) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for server, results in report["servers"].items():
        full_stack = results["pages"]["fixed string, full stack"]["rps"]
        booking = results["booking"]
        rows = [
            *results["pages"].items(),
            *(
                [
                    ("booking POST", booking),
                    ("booking POST, 1 client", booking["alone"]),
                ]
                if booking
                else []
            ),
        ]
        for name, row in rows:
            count = report["queries"].get(PAGES.get(name, ""), {})
            queries = f"{count['cold']} / {count['warm']}" if count else "–"
            # Bookings run under locust, not alternated with the bare site: no ratio to it.
            bare = f"{row['vs_bare']:.2f}× | {row['bare_rps']:.0f}" if "vs_bare" in row else "– | –"
            lines.append(
                f"| {name} | {server} | {row['rps']:.0f} | {bare} | {row['rps'] / full_stack:.2f}× "
                f"| {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {queries} |"
            )
    lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
    lines += [
        f"| {check['target']} | {check['measured']} | {'yes' if check['met'] else '**no**'} |"
        for check in report["targets"]
    ]
    cpu = {
        server: results["booking"]["cpu_ms_per_booking"]
        for server, results in report["servers"].items()
        if results.get("booking") and "cpu_ms_per_booking" in results["booking"]
    }
    if cpu:
        users = list(next(iter(cpu.values())))
        lines += ["", f"| CPU ms per booking (its form and POST) | {' | '.join(users)} |"]
        lines += [f"| --- | {' | '.join('---:' for _ in users)} |"]
        lines += [f"| {server} | {' | '.join(str(row[user]) for user in users)} |" for server, row in cpu.items()]
    lines += ["", "| page weight | total | by type | requests |", "| --- | ---: | --- | ---: |"]
    for path, weight in (report["page_weight"] or {}).items():
        if isinstance(weight, dict):
            kinds = ", ".join(f"{kind} {size / 1024:.1f} KB" for kind, size in sorted(weight["by_type"].items()))
            label = "booking form (`/consultation/details/`)" if "details" in path else f"`{path}`"
            lines.append(f"| {label} | {weight['total'] / 1024:.1f} KB | {kinds} | {weight['requests']} |")
    scaling = report["scaling"]
    if not scaling:
        return "\n".join(lines)
    lines += [
        "",
        "| clinicians | slot page req/s | p95 ms | queries | clinician list req/s | p95 ms | queries |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for count, row in scaling["clinicians"].items():
        slot_q = row["queries"][PAGES["slot page"]]["cold"]
        list_q = row["queries"][PAGES["clinician list"]]["cold"]
        lines.append(
            f"| {count} | {row['slot page']['rps']:.0f} | {row['slot page']['p95_ms']:.0f} | {slot_q} "
            f"| {row['clinician list']['rps']:.0f} | {row['clinician list']['p95_ms']:.0f} | {list_q} |"
        )
    lines += ["", "| consultations | admin list p50 ms | slowest ms | queries |", "| ---: | ---: | ---: | ---: |"]
    for count, row in scaling["admin_consultations"].items():
        lines.append(f"| {int(count):,} | {row['p50_ms']:.0f} | {row['max_ms']:.0f} | {row['queries']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
