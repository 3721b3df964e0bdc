"""Throwaway Redis, PostgreSQL and web servers for the fault-injection tests.

The machine's own PostgreSQL (5432) and Redis (6379) are shared by everyone running tests,
so the fault tests never stop them: each test that needs to take a service down starts its
own on a free port and points the app at it through the environment. The binaries come
from the Debian packages `redis-server` and `postgresql` (both installed by `.ci/run`); if
one is missing the test fails, saying which.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_binary(name: str, *, package: str) -> str:
    """The path of `name` on PATH or in /usr/lib/postgresql/<newest>/bin; fail if absent."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    if versions:
        return str(versions[0])
    pytest.fail(
        f"The fault tests need {name!r} (Debian package {package}) to run their own "
        "throwaway server; install it (.ci/run does)."
    )


def wait_until(check, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception as exc:  # noqa: BLE001 - keep trying until the deadline
            last = exc
        else:
            if result:
                return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what} (last error: {last!r})")


@dataclass
class PrivateRedis:
    """A Redis of our own, with no persistence: stopping it loses every queued message,
    as a crashed Redis without an append-only file would."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        binary = find_binary("redis-server", package="redis-server")
        log = open(self.workdir / f"redis-{self.port}.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_until(client.ping, timeout=15, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # a crash: nothing is saved (there is no persistence anyway)
            self.process.wait(timeout=10)
        self.process = None

    def redeliver_unacked(self, db: int) -> int:
        """Put messages that a dead worker had taken but not acknowledged back on their
        queues, as Kombu does once the visibility timeout (an hour) has passed."""
        client = redis.Redis(port=self.port, db=db)
        return redeliver_unacked(client)


def redeliver_unacked(client: redis.Redis) -> int:
    count = 0
    for tag, raw in client.hgetall("unacked").items():
        payload, _exchange, routing_key = json.loads(raw)
        payload["headers"]["redelivered"] = True
        payload["properties"]["delivery_info"]["redelivered"] = True
        client.rpush(routing_key, json.dumps(payload))
        client.hdel("unacked", tag)
        client.zrem("unacked_index", tag)
        count += 1
    return count


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary folder (initdb, pg_ctl)."""

    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="t2a-faults-pg-")))

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, name: str = "t2a") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            log = self.root / "postgres.log"
            pytest.fail(
                f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}\n"
                + (log.read_text() if log.exists() else "")
            )

    def init(self) -> None:
        initdb = find_binary("initdb", package="postgresql")
        self.pg_ctl = find_binary("pg_ctl", package="postgresql")
        if os.geteuid() == 0:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "postgres", "postgres")
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    def _pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "postgres.log")
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l", log,
                  "-m", "fast", "-w", "-t", "60", action)  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop")

    def create_database(self, name: str = "t2a") -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def app_env(**overrides: str) -> dict[str, str]:
    """The environment of an app process (web, worker, manage.py) in test settings."""
    return {
        **os.environ,
        "DJANGO_ENV": "test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "INFO",
        **overrides,
    }


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


@dataclass
class WebServer:
    """gunicorn serving the app with one worker process, so the same process (and its
    persistent database connection) answers every request of a test."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.log_path, "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "t2a.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until(
            lambda: self.get("/health/").status == 200, timeout=30, what="gunicorn to answer"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self) -> str:
        return self.log_path.read_text()

    def request(
        self, method: str, path: str, *, cookies: dict | None = None, data: dict | None = None
    ) -> "Response":
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        opener = urllib.request.build_opener(NoRedirect)
        started = time.monotonic()
        try:
            raw = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            raw = error
        seconds = time.monotonic() - started
        set_cookies = SimpleCookie()
        for header in raw.headers.get_all("Set-Cookie") or []:
            set_cookies.load(header)
        return Response(
            status=raw.status if hasattr(raw, "status") else raw.code,
            text=raw.read().decode("utf-8", "replace"),
            headers=raw.headers,
            cookies={k: v.value for k, v in set_cookies.items()},
            seconds=seconds,
        )

    def get(self, path: str, **kwargs) -> "Response":
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, *, cookies: dict) -> "Response":
        """POST a form the way a browser would: with the CSRF cookie and token."""
        csrf = cookies.get("csrftoken") or self.get(path, cookies=cookies).cookies["csrftoken"]
        cookies = {**cookies, "csrftoken": csrf}
        return self.request(
            "POST", path, cookies=cookies, data={**data, "csrfmiddlewaretoken": csrf}
        )


@dataclass
class Response:
    status: int
    text: str
    headers: object
    cookies: dict
    seconds: float


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
