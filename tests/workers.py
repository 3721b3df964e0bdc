"""A real Celery worker process against Redis and the test database.

Tests that use `celery_worker_process` must also use `transactional_db` (the worker is
another process and sees only committed rows). Emails the worker sends are written as
files to `worker.mail_dir`.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from t2a.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class WorkerProcess:
    mail_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    log_dir: Path | None = None

    def start(
        self,
        *,
        name: str = "w1",
        queues: str = "celery",
        concurrency: int = 1,
        pool: str = "prefork",
        env: dict | None = None,
        app: str = "t2a",
    ) -> subprocess.Popen:
        """Start a worker; `app` names its Celery app module (tests/hold.py wraps t2a's
        to hold renders for race tests)."""
        env = {
            **os.environ,
            "DJANGO_ENV": "test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_FILE_DIR": str(self.mail_dir),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_FILE_BACKEND": "tests.mail_backends.SlowFlakyFileBackend",
            "PRIVATE_FILES_DIR": settings.STORAGES["default"]["OPTIONS"]["location"],
            # Celery's Django fix-up runs every system check as a worker starts, importing
            # every URLconf and view: about a second of CPU per worker, and the suite starts
            # dozens. tests/test_architecture.py runs the checks once per test run.
            "CELERY_SKIP_CHECKS": "true",
            **(env or {}),
        }
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", app, "worker",
                "--loglevel=INFO", f"--concurrency={concurrency}", f"--pool={pool}",
                f"--hostname={name}@%h", "-Q", queues, "--without-gossip", "--without-mingle",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            # Its own process group, so `kill()` can take the pool's children down with it.
            start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        self._wait_ready(name)
        return process

    def _wait_ready(self, name: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        path = self.log_dir / f"{name}.log"
        while time.monotonic() < deadline:
            if "ready." in path.read_text():
                return
            time.sleep(0.2)
        raise RuntimeError(f"Celery worker {name} did not start:\n{path.read_text()}")

    def emails(self) -> list[str]:
        # Django's file backend may append several messages to one file (its file name is
        # the second plus the backend object's id), each followed by a line of dashes.
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            messages += [m.strip() for m in path.read_text().split("-" * 79) if m.strip()]
        return messages

    def wait_for_emails(self, count: int, timeout: float = 20) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.emails()
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"Expected {count} emails, got {len(self.emails())}")

    def wait_until_idle(self, broker_url: str | None = None, timeout: float = 60) -> None:
        """Wait until the workers have handled every message on the broker (the test's own
        Redis database unless `broker_url` names another): no queue holds a message and
        none is taken but unacknowledged. Tasks acknowledge late, after they finish, so a
        running task and whatever it enqueued are always seen. The broker must look idle
        twice in a row, as a worker takes a message off its queue a moment before it
        records it as unacknowledged."""
        client = redis.Redis.from_url(broker_url or settings.CELERY_BROKER_URL)
        deadline = time.monotonic() + timeout
        quiet = 0
        while time.monotonic() < deadline:
            waiting = sum(client.llen(key) for key in client.scan_iter(_type="list"))
            quiet = quiet + 1 if waiting + client.hlen("unacked") == 0 else 0
            if quiet == 2:
                return
            time.sleep(0.1)
        raise AssertionError(f"The workers were still busy after {timeout}s")

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL a worker and its pool children at once, as a lost machine or the
        out-of-memory killer would: nothing gets to clean up or acknowledge."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_one(self, process: subprocess.Popen) -> None:
        """Stop one worker gracefully (warm shutdown), leaving the others running."""
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill(process)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            # Pool children of a worker that was killed, not stopped, may outlive it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("Worker tests need PostgreSQL (set DATABASE_URL).")
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, settings):
    """Start real worker processes on demand; stop them at the end of the test."""
    celery_app.conf.task_always_eager = False
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    # Drop messages an earlier, interrupted run may have left in the queues.
    with celery_app.connection_for_write() as conn:
        for queue in ("celery", "pdf"):
            conn.default_channel.queue_purge(queue)
    worker = WorkerProcess(mail_dir=mail_dir, log_dir=log_dir)
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
