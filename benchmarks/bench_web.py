"""Load test of the web application on loopback: concurrent users saving case forms.

Sets up a fresh PostgreSQL database (users, one inspection, cases allocated to each user),
starts gunicorn on 127.0.0.1, and lets ``--users`` simulated inspectors sign in and save
their assessment forms for ``--seconds``. Each save is a real form post (CSRF token,
session cookie, optimistic-locking version), timed from request to response.

Reports requests/s, p50/p95/p99 latency, errors (anything but the expected redirect), edit
conflicts, and lost saves: every save the server acknowledged must show up as a version
increment of its case and as an ``update`` row in the audit trail (counted after the run).

    .venv/bin/python benchmarks/bench_web.py                   # 20 users, 60 s, 1 s think time
    .venv/bin/python benchmarks/bench_web.py --think 0         # flat out (closed loop)

Not run by the unit tests. Needs the local PostgreSQL server (trust auth).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "bench-load-test-passphrase-42"  # noqa: S105 - a throwaway account on a loopback test server
SETTINGS = "caseinspect.web.settings.development"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--db-url",
        default="postgresql://postgres@127.0.0.1:5432/caseinspect_bench_web",
        help="database to (re)create for the run",
    )
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--cases-per-user", type=int, default=5)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds between one user's saves (0: flat out)",
    )
    # Saves are CPU-bound (validation, JSON, audit row): cores + 1 workers keep the tail short on a
    # small machine, where gunicorn's usual 2 x cores + 1 queues requests behind busy workers
    # (measured on 2 cores: p95 53 ms with 3 workers, 181 ms with 5).
    p.add_argument(
        "--workers", type=int, default=(os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    return p.parse_args(argv)


# --- set-up ---------------------------------------------------------------------------------
def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def populate(url: str, users: int, per_user: int) -> dict[str, list[int]]:
    """Migrate, create users and cases; return {username: [case pk, ...]}."""
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE=SETTINGS)
    subprocess.run(
        [str(VENV_BIN / "caseinspect"), "migrate", "--db", url],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE=SETTINGS)
    from caseinspect.web import setup

    setup(url)
    import pandas as pd

    from caseinspect.cases import known_columns
    from caseinspect.framework import load_framework
    from caseinspect.web.actions.inspections import allocate_cases, create_inspection
    from caseinspect.web.actions.users import create_user
    from caseinspect.web.models import Case, Provider
    from caseinspect.web.store import import_cases

    fw = load_framework("hmip-2018")
    provider = Provider.objects.create(name="Bench CRC", provider_type="CRC")
    admin = create_user(None, "bench-admin", "administrator", PASSWORD)
    inspection = create_inspection(admin, code="BENCH-1", provider=provider, framework=fw)
    rows = []
    for k in range(users * per_user):
        row = {c: "" for c in known_columns(fw)}
        row.update(
            case_id=f"BENCH-{k + 1:05d}",
            inspection_id="BENCH-1",
            provider="Bench CRC",
            provider_type="CRC",
            gender="Male",
            age_group="30-39",
            ethnic_group="White",
            supervision_type="Community sentence",
            likelihood_of_reoffending="Medium",
            rosh="Low",
        )
        rows.append(row)
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    import_cases(frame, fw, source="bench", user=admin, status="allocated", inspection=inspection)
    cases = list(Case.objects.filter(inspection=inspection).order_by("case_id"))
    plan, out = {}, {}
    for u in range(users):
        user = create_user(admin, f"bench-insp-{u + 1:02d}", "inspector", PASSWORD)
        mine = cases[u * per_user : (u + 1) * per_user]
        plan.update({c.pk: user for c in mine})
        out[user.username] = [c.pk for c in mine]
    allocate_cases(admin, inspection, plan)
    return out


def start_server(url: str, workers: int, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE=SETTINGS, CASEINSPECT_DEBUG="0")
    proc = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "caseinspect.web.wsgi:application",
            "--preload",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


# --- one simulated user -----------------------------------------------------------------------
class User(threading.Thread):
    TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    VERSION = re.compile(r'name="version" value="(\d+)"')

    def __init__(self, port, username, cases, deadline, think, seed):
        super().__init__(daemon=True)
        self.port, self.username, self.cases = port, username, cases
        self.deadline, self.think = deadline, think
        self.rng = random.Random(seed)
        self.cookies: dict[str, str] = {}
        self.latencies: list[float] = []
        self.saved = {pk: 0 for pk in cases}
        self.errors: list[str] = []
        self.conflicts = 0

    def request(self, method, path, body=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def run(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            _, page = self.request("GET", "/login/")
            token = self.TOKEN.search(page).group(1)
            status, _ = self.request(
                "POST",
                "/login/",
                {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
            )
            if status != 302:
                self.errors.append(f"login {status}")
                return
            forms = {}
            for pk in self.cases:
                _, page = self.request("GET", f"/cases/{pk}/edit/")
                forms[pk] = [
                    self.TOKEN.search(page).group(1),
                    int(self.VERSION.search(page).group(1)),
                ]
            n = 0
            if self.think > 0:
                # Users do not all press Save in the same instant: without this first think
                # time every user's first save arrived in one burst once they had all signed
                # in, and those 20 queued saves were the whole of the p95 and p99.
                time.sleep(self.rng.expovariate(1 / self.think))
            while time.time() < self.deadline:
                pk = self.cases[n % len(self.cases)]
                token, version = forms[pk]
                body = {
                    "csrfmiddlewaretoken": token,
                    "version": version,
                    "action": "save",
                    "answer__need_ete": self.rng.choice(["yes", "no"]),
                    "answer__need_drug_misuse": "yes",
                    "answer__kq_2_1_1": self.rng.choice(["yes", "no"]),
                    "rationale__kq_2_1_1": f"Save {n} by {self.username}: motivation analysed.",
                    "practice_note": "",
                    "practice_pseudonym": "",
                }
                started = time.perf_counter()
                status, _ = self.request("POST", f"/cases/{pk}/edit/", body)
                self.latencies.append(time.perf_counter() - started)
                if status == 302:
                    forms[pk][1] = version + 1
                    self.saved[pk] += 1
                elif status == 409:
                    self.conflicts += 1
                else:
                    self.errors.append(f"save {status}")
                n += 1
                if self.think > 0:
                    time.sleep(
                        min(
                            self.rng.expovariate(1 / self.think),
                            max(0.0, self.deadline - time.time()),
                        )
                    )
        except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure
            self.errors.append(repr(exc))


# --- the run ----------------------------------------------------------------------------------
def count_after(plan: dict[str, list[int]], users: list[User]) -> dict:
    from caseinspect.web.models import AuditEvent, Case

    acknowledged = {pk: n for u in users for pk, n in u.saved.items()}
    versions = dict(Case.objects.filter(pk__in=list(acknowledged)).values_list("pk", "version"))
    # version: 1 at import, 2 after allocation, then +1 per save
    lost = sum(max(0, acknowledged[pk] - (versions[pk] - 2)) for pk in acknowledged)
    audited = AuditEvent.objects.filter(action="update", object_type="case").count()
    return {
        "acknowledged_saves": sum(acknowledged.values()),
        "version_increments": sum(v - 2 for v in versions.values()),
        "audit_update_rows": audited,
        "lost_saves": lost,
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    print(f"setting up {args.db_url} ...", file=sys.stderr)
    recreate_database(args.db_url)
    plan = populate(args.db_url, args.users, args.cases_per_user)
    server = start_server(args.db_url, args.workers, args.port)
    try:
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{args.port}; {args.users} users for {args.seconds:.0f} s, "
            f"think time {args.think} s",
            file=sys.stderr,
        )
        deadline = time.time() + args.seconds
        users = [
            User(args.port, name, cases, deadline, args.think, seed=n)
            for n, (name, cases) in enumerate(plan.items())
        ]
        started = time.time()
        for user in users:
            user.start()
        for user in users:
            user.join()
        elapsed = time.time() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies = sorted(x for u in users for x in u.latencies)
    errors = [e for u in users for e in u.errors]
    quantiles = (
        statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    )
    result = {
        "users": args.users,
        "seconds": round(elapsed, 1),
        "think_s": args.think,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * quantiles[49], 1),
        "p95_ms": round(1000 * quantiles[94], 1),
        "p99_ms": round(1000 * quantiles[98], 1),
        "max_ms": round(1000 * max(latencies, default=float("nan")), 1),
        "errors": len(errors),
        "error_examples": errors[:5],
        "conflicts": sum(u.conflicts for u in users),
        **count_after(plan, users),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>20}  {value}")
    ok = (
        result["errors"] == 0
        and result["lost_saves"] == 0
        and result["audit_update_rows"] == result["acknowledged_saves"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
