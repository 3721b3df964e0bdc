"""Fixtures for the fault-injection tests: private services and a real web server."""

import pytest
from django.test import Client

from .services import PrivatePostgres, PrivateRedis, WebServer


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(workdir=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def web_server(tmp_path):
    """Start gunicorn with the environment given: `web_server(env)`."""
    servers = []

    def start(env: dict[str, str]) -> WebServer:
        server = WebServer(env=env, log_path=tmp_path / f"web-{len(servers)}.log")
        servers.append(server)
        server.start()
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


def session_cookies(user) -> dict[str, str]:
    """Cookies of a signed-in browser: the session is a database row, so any server
    reading the same database accepts it."""
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}
