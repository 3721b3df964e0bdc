"""Production readiness: deploy checks, migrations, and the compose file for users' machines."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "test-only-" + "k" * 60,
    "ALLOWED_HOSTS": "t2a.example.org",
    "SITE_URL": "https://t2a.example.org",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}


def manage(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # The browser fixtures set DJANGO_ALLOW_ASYNC_UNSAFE for this process only.
    unwanted = {"DJANGO_ENV", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_in_production_mode_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("site_url", "says"),
    [
        (None, "SITE_URL is not set"),
        ("http://t2a.example.org", "must be an https address"),
        ("https://elsewhere.example.org", "is not in ALLOWED_HOSTS"),
    ],
)
def test_check_deploy_refuses_a_missing_plain_or_foreign_site_url(site_url, says):
    env = {**PRODUCTION_ENV, "SITE_URL": site_url or ""}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "t2a.E201" in result.stderr + result.stdout and says in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_turns_on_the_hardening():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME,"
        " 'django.middleware.csp.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == [
        "True", "True", "True", "True", "__Host-sessionid", "__Host-csrftoken", "True",
    ]  # fmt: skip


def test_migrations_are_committed(tmp_path):
    # Against a throwaway SQLite file: the check needs models and migrations, not data.
    result = manage(
        "makemigrations",
        "--check",
        "--dry-run",
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_parses():
    client = shutil.which("docker-compose")
    if client is None:
        pytest.skip("the docker-compose client is not installed on this machine")
    result = subprocess.run(
        [client, "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "x" * 60},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
