"""`make bench`: serve the production set-up on loopback, load it with locust, and print how it did.

It builds its own database (thrive_bench) and uses Redis database 7, a mail server on loopback
that answers 5 seconds late, and a real Celery worker; nothing leaves the machine.
"""

import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.weight import page_weights

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench"
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8170"))
SMTP_PORT = PORT + 1
BASE_URL = f"http://{HOST}:{PORT}"
USERS = 16
SECONDS = int(os.environ.get("BENCH_SECONDS", "12"))
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
    # Production sits behind TLS and one proxy; on plain-HTTP loopback the cookies can't be Secure,
    # and the proxy's X-Forwarded-For tells visitors apart for the booking limit.
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "TRUSTED_PROXY_COUNT": "1",
    "LOG_LEVEL": "WARNING",
    "PYTHONUNBUFFERED": "1",
}

PAGES = {
    "baseline": "/bench/baseline/",
    "home": "/",
    "content page": "/what-is-ipt/",
    "clinician list": "/clinicians/",
    "profile": "/clinicians/maricor-coquia/",
    "slot page": "/consultation/",
}
SERVERS = {
    # Sync workers: each Django request blocks on PostgreSQL and Redis, and two cores serve four workers well.
    "gunicorn": [
        str(BIN / "gunicorn"),
        "thrive.wsgi",
        "--bind",
        f"{HOST}:{PORT}",
        "--workers",
        "4",
        "--log-level",
        "warning",
    ],
    "granian": [
        str(BIN / "granian"),
        "--interface",
        "wsgi",
        "--host",
        HOST,
        "--port",
        str(PORT),
        "--workers",
        "2",
        "--blocking-threads",
        "2",
        "--log-level",
        "warning",
        "thrive.wsgi:application",
    ],
}
TARGETS = {
    "cached_ratio": 0.80,
    "cached_p95_ms": 50,
    "booking_p95_ms": 150,
    "home_total_bytes": 100 * 1024,
    "css_compressed_bytes": 30 * 1024,
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


def wait_until_up(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or still starting its workers
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def warm(path, times=3):
    for _ in range(times):
        with urllib.request.urlopen(BASE_URL + path, timeout=10) as response:  # noqa: S310 - loopback only
            response.read()


def load(user_class, path="/", seconds=SECONDS, request_names=None, users=USERS):
    """Run locust headless for `seconds`; {request name: stats} for the named requests (default: the path)."""
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
    with background(SERVERS[server], server):
        wait_until_up(BASE_URL + PAGES["baseline"])
        for name, path in PAGES.items():
            warm(path)
            results[name] = load("PageVisitor", path)[path]
            log(f"{server:8} {name:15} {results[name]['rps']:8.1f} req/s  p95 {results[name]['p95_ms']:.0f} ms")
    return results


def measure_booking(server):
    with background(SERVERS[server], server):
        wait_until_up(BASE_URL + PAGES["baseline"])
        results = load("Booker", request_names=["booking POST", "booking form"])
    result = results["booking POST"]
    if result is None:
        log(f"{server:8} booking POST    not measured: the booking page offered no open time to book")
        return None
    log(f"{server:8} booking POST    {result['rps']:8.1f} req/s  p95 {result['p95_ms']:.0f} ms")
    result["form"] = results["booking form"]
    # The same booking with nobody else on the site: its own cost, without queueing behind 15 others.
    with background(SERVERS[server], server):
        wait_until_up(BASE_URL + PAGES["baseline"])
        result["alone"] = load("Booker", request_names=["booking POST"], users=1)["booking POST"]
    log(f"{server:8} booking POST, one client alone: p95 {result['alone']['p95_ms']:.0f} ms")
    return result


def booking_form_path():
    """The booking form for the first open time, as a visitor reaches it from the slot page."""
    with urllib.request.urlopen(BASE_URL + "/consultation/", timeout=30) as response:  # noqa: S310 - loopback only
        found = re.search(r'href="(/consultation/details/\?slot=[0-9TZ]{14})"', response.read().decode())
    return found.group(1) if found else "/consultation/details/"


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
    args = parser.parse_args()
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
            report["servers"][server] = {"pages": measure_pages(server), "booking": measure_booking(server)}
        best = max(report["servers"], key=lambda server: report["servers"][server]["pages"]["home"]["rps"])
        report["best_server"] = best

        with background(SERVERS[best], best):
            wait_until_up(BASE_URL + PAGES["baseline"])
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
            row[name] = load("PageVisitor", PAGES[name], seconds=max(6, SECONDS // 2))[PAGES[name]]
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
    return result


def check_targets(report):
    servers = report["servers"][report["best_server"]]
    pages = servers["pages"]
    baseline = pages["baseline"]["rps"]
    cached = [
        name
        for name, count in zip(PAGES, report["queries"].values(), strict=True)
        if name != "baseline" and count["warm"] == 0
    ]
    checks = []
    for name in cached:
        ratio = pages[name]["rps"] / baseline
        checks.append((f"{name}: throughput ≥ 80% of baseline", f"{ratio:.0%}", ratio >= TARGETS["cached_ratio"]))
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
    home = report["page_weight"].get("/", {})
    if home:
        total = home["total"]
        checks.append(("home: < 100 KB transferred", f"{total / 1024:.1f} KB", total < TARGETS["home_total_bytes"]))
    css = report["css"].get("brotli") or report["css"].get("gzip")
    if css:
        checks.append(("CSS: ≤ 30 KB compressed", f"{css / 1024:.1f} KB", css <= TARGETS["css_compressed_bytes"]))
    return [{"target": target, "measured": measured, "met": met} for target, measured, met in checks]


def render(report):
    """The Markdown tables README's Performance section shows."""
    best = report["best_server"]
    lines = [
        f"Measured {report['when']} on loopback: {report['users']} concurrent clients, "
        f"{report['seconds_per_measurement']} s per measurement, {report['data']['clinicians']} clinicians, "
        f"{report['data']['pages']} pages, 2,000 consultations. Served by **{best}** (the faster of the two).",
        "",
        "| page | server | req/s | vs baseline | p50 ms | p95 ms | p99 ms | queries (cold / cached) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for server, results in report["servers"].items():
        baseline = results["pages"]["baseline"]["rps"]
        booking = results["booking"]
        rows = [
            *results["pages"].items(),
            *(
                [
                    ("booking form", booking["form"]),
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
            lines.append(
                f"| {name} | {server} | {row['rps']:.0f} | {row['rps'] / baseline:.0%} | {row['p50_ms']:.0f} "
                f"| {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {queries} |"
            )
    lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
    lines += [
        f"| {check['target']} | {check['measured']} | {'yes' if check['met'] else '**no**'} |"
        for check in report["targets"]
    ]
    lines += ["", "| page weight | total | by type | requests |", "| --- | ---: | --- | ---: |"]
    for path, weight in report["page_weight"].items():
        if isinstance(weight, dict):
            kinds = ", ".join(f"{kind} {size / 1024:.1f} KB" for kind, size in sorted(weight["by_type"].items()))
            label = "booking form (`/consultation/details/`)" if "details" in path else f"`{path}`"
            lines.append(f"| {label} | {weight['total'] / 1024:.1f} KB | {kinds} | {weight['requests']} |")
    scaling = report["scaling"]
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
