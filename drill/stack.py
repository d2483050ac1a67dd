"""The whole production stack on loopback, started the way the Dockerfile and docker-compose.yml start it.

Web (granian), worker, beat and the release step run from the same deploy/*.sh scripts as the
containers, with DJANGO_DEBUG=0 and collected static files. PostgreSQL is the one DATABASE_URL
names (a fresh database of the drill's own), reached through a proxy on loopback that the drill can
cut or close; Redis is a redis-server of the drill's own on a free port (append-only, as compose
runs it), so stopping it touches no one else's; mail goes to an SMTP server in this process.
"""

import contextlib
import email
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from email import policy
from pathlib import Path
from urllib.parse import quote

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
# Production sits behind TLS and one proxy (Caddy). On loopback the drill (and make bench) are that
# proxy: plain HTTP, so cookies can't be Secure, and each visitor's address in X-Forwarded-For.
PLAIN_HTTP_BEHIND_ONE_PROXY = {
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "TRUSTED_PROXY_COUNT": "1",
}

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


class Mailbox:
    """What the SMTP server accepted: recipient, subject and Message-ID of each message."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append(
                    {"to": recipient.lower(), "subject": str(message["Subject"]), "id": str(message["Message-ID"])}
                )
        return "250 Message accepted for delivery"

    def received(self):
        with self.lock:
            return list(self.messages)


class MailServer:
    """An SMTP server on a fixed loopback port that the drill can stop and start again."""

    def __init__(self, port):
        self.port = port
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname=HOST, port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


class DatabaseProxy:
    """A TCP proxy in front of PostgreSQL: cut() drops every open connection, stop() refuses new ones."""

    def __init__(self, port, target):
        self.port, self.target = port, target
        self.listener = None
        self.pairs = set()
        self.lock = threading.Lock()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, self.port))
        listener.listen(128)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self):
        listener, self.listener = self.listener, None
        if listener:
            # shutdown() wakes the thread blocked in accept(); close() alone would leave it accepting.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        self.cut()

    def cut(self):
        """Close every connection the site has open, as a failover or a restarted pooler does."""
        with self.lock:
            pairs, self.pairs = self.pairs, set()
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        return len(pairs)

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            pair = (client, upstream)
            with self.lock:
                self.pairs.add(pair)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink, pair), daemon=True).start()

    def _pump(self, source, sink, pair):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self.lock:
            self.pairs.discard(pair)
        for sock in pair:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class Redis:
    """A redis-server of the drill's own, append-only like compose's, that can be stopped and started."""

    def __init__(self, port, directory):
        self.port, self.directory = port, directory
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--dir", str(self.directory),  # noqa: S607
             "--appendonly", "yes", "--maxmemory-policy", "noeviction", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.ping, 20, "redis-server")

    def ping(self):
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # redis-server flushes its append-only file on SIGTERM
            self.process.wait(timeout=20)


class Process:
    """One of the site's processes, started from its deploy script, its output kept in a log file."""

    def __init__(self, name, script, env, logs):
        self.name, self.script, self.env = name, script, env
        self.log_path = logs / f"{name}.log"
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes it for its whole life
        self.process = subprocess.Popen(  # noqa: S603
            [str(DEPLOY / self.script)], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()

    def kill(self, sig=signal.SIGKILL):
        """Kill the process and its children (granian's and Celery's pool processes) at once."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class Stack:
    def __init__(self, workdir, *, database_url, settings_module="thrive.settings"):
        self.workdir = Path(workdir)
        self.logs = self.workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
        self.database = database_url.rsplit("/", 1)[1] + "_drill"
        self.direct_url = database_url.rsplit("/", 1)[0] + "/" + self.database
        info = psycopg.conninfo.conninfo_to_dict(database_url)
        self.web_port, smtp_port, proxy_port, redis_port = (free_port() for _ in range(4))
        self.base_url = f"http://{HOST}:{self.web_port}"
        self.mail = MailServer(smtp_port)
        self.db_proxy = DatabaseProxy(proxy_port, (info.get("host") or HOST, int(info.get("port") or 5432)))
        self.redis = Redis(redis_port, self.workdir)
        proxied = psycopg.conninfo.make_conninfo(database_url, host=HOST, port=proxy_port, dbname=self.database)
        self.env = {
            **os.environ,
            "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": _as_url(proxied),
            "REDIS_URL": f"redis://{HOST}:{redis_port}/0",
            "CACHE_KEY_PREFIX": "drill",
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "SITE_URL": self.base_url,
            "EMAIL_URL": f"smtp://{HOST}:{smtp_port}",
            "EMAIL_TIMEOUT": "5",
            "MEDIA_ROOT": str(self.workdir / "media"),
            **PLAIN_HTTP_BEHIND_ONE_PROXY,
            "LOG_LEVEL": "WARNING",
            "PORT": str(self.web_port),
            "WEB_BIND": HOST,
            "BEAT_SCHEDULE": str(self.workdir / "celerybeat-schedule"),
            "PYTHONUNBUFFERED": "1",
        }
        self.web = Process("web", "start-web.sh", self.env, self.logs)
        self.worker = Process("worker", "start-worker.sh", self.env, self.logs)
        self.beat = Process("beat", "start-beat.sh", self.env, self.logs)

    def start(self):
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{self.database}"')
        self.redis.start()
        self.mail.start()
        self.db_proxy.start()
        # As the Dockerfile builds the image: static files collected with production settings.
        self.run("python", "manage.py", "collectstatic", "--no-input", "--verbosity", "0")
        self.run(str(DEPLOY / "release.sh"))
        for process in (self.web, self.worker, self.beat):
            process.start()
        wait_for(lambda: self.status("/healthz") == 200, 60, "the web server's /healthz")

    def run(self, *command):
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
        return result.stdout

    def status(self, path):
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=10) as response:  # noqa: S310 - loopback
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def query(self, sql, params=()):
        """Read the drill's database directly, around the proxy the faults go through."""
        with psycopg.connect(self.direct_url) as db:
            return db.execute(sql, params).fetchall()

    def stop(self):
        for process in (self.beat, self.worker, self.web):
            process.stop()
        self.db_proxy.stop()
        self.mail.stop()
        self.redis.stop()
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _as_url(conninfo):
    """psycopg's key=value connection string as the postgres:// URL the site's settings read."""
    parts = psycopg.conninfo.conninfo_to_dict(conninfo)
    auth = quote(parts.get("user", ""), safe="") + (
        f":{quote(parts['password'], safe='')}" if parts.get("password") else ""
    )
    return f"postgres://{auth}@{parts['host']}:{parts['port']}/{parts['dbname']}"
