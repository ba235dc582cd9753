"""``caseinspect serve`` runs with Django's DEBUG off unless ``--debug`` is given (issue #14):
a refused or missing page must never be Django's debug page listing the URL patterns."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

RUN = "import sys; from caseinspect.cli import main; sys.exit(main(sys.argv[1:]))"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env():
    drop = ("DJANGO_SETTINGS_MODULE", "CASEINSPECT_TEST_DATABASE_URL", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.pop("CASEINSPECT_DEBUG", None)
    return env


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - loopback test server
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _serve(db: str, *extra: str):
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", RUN, "serve", "--db", db, "--port", str(port), *extra],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            _get(base + "/login/")
            return proc, base
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stdout.read()) from None
            time.sleep(0.2)
    proc.terminate()
    raise AssertionError("server did not start")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "serve.sqlite3"
    url = f"sqlite:///{path}"
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", RUN, "migrate", "--db", url],
        env=_env(),
        check=True,
        capture_output=True,
    )
    return url


@pytest.mark.parametrize("debug", [False, True], ids=["default", "--debug"])
def test_serve_debug_only_when_asked(db, debug):
    proc, base = _serve(db, *(["--debug"] if debug else []))
    try:
        status, body = _get(base + "/no-such-page/")
        assert status == 404
        assert ("URLconf" in body) is debug  # Django's debug 404 lists the URL patterns
        if not debug:
            assert "Page not found" in body
        status, css = _get(base + "/static/caseinspect/app.css")
        assert status == 200 and "govuk" in css  # static files are served either way
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert ("Debug pages are ON" in out) is debug
