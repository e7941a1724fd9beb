"""`make bench`: seed SQLite and PostgreSQL, serve with gunicorn and granian, load, report.

BENCH_APPLICATIONS=N (default 50000) sets the data size; a database already seeded with that
size is reused, and each run works on a copy of it (the submits change it). BENCH_SECONDS
(default 10) is the duration per endpoint, BENCH_CLIENTS (8) the concurrency: connections of
wrk (scripts/wrk.lua), or with BENCH_LOADGEN=python processes of scripts/loadgen.py.
BENCH_ENDPOINTS and BENCH_DBS (comma-separated) narrow the run. Writes bench-results.json at
the repository root: "results" holds the figures of the deployment server (granian, the faster
here), "servers" both servers' figures, "uncached" granian's figures for the read pages with
the page cache off (each request renders).
"""

# ruff: noqa: T201, S603, S106 - a command-line script running its own binaries

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from config import normalise_database_url  # noqa: E402
from workflow.devdata.seed_scale import EMAIL_DOMAIN, PASSWORD, SLUG_PREFIX  # noqa: E402

N = int(os.environ.get("BENCH_APPLICATIONS", "50000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
PG_SERVER = os.environ.get("PG_SERVER_URL", "postgresql://postgres@127.0.0.1:5432")
ASSOCIATIONS = max(2, min(80, N // 625))
YEARS = 10
# Drafts for `submit`, shared by the two servers: enough for 400 submits a second each.
SUBMIT_DRAFTS = int(os.environ.get("BENCH_SUBMITS", str(int(800 * SECONDS))))
# wrk (Debian's package; `make bench` installs it) leaves the server the CPU a Python load
# generator would take; BENCH_LOADGEN=python chooses scripts/loadgen.py instead.
WRK = None if os.environ.get("BENCH_LOADGEN") == "python" else shutil.which("wrk")
WRK_THREADS = min(2, CLIENTS)
BENCH_TITLE = "Bench draft"
ENDPOINTS = ("healthz", "dashboard", "list", "application", "meeting", "statistics", "submit")
# A quick look at a few: BENCH_ENDPOINTS=submit BENCH_DBS=postgresql (healthz always runs).
CHOSEN = {"healthz", *os.environ.get("BENCH_ENDPOINTS", ",".join(ENDPOINTS)).split(",")}
DBS = os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",")
if unknown := sorted(CHOSEN - set(ENDPOINTS)) + sorted(set(DBS) - {"sqlite", "postgresql"}):
    sys.exit(f"Unknown in BENCH_ENDPOINTS or BENCH_DBS: {', '.join(unknown)}")
DBS = [db for db in ("sqlite", "postgresql") if db in DBS]


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_for(url: str, *, page_cache: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    if not page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="bench-secret-key",
        # Sign-ins of the bench itself must not be rate-limited away.
        LOGIN_LIMIT_PER_ADDRESS="1000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
        LOGIN_LIMIT_PER_ADDRESS_ACCOUNT="1000 per minute",
        # The submits share one token: its limit (600 a minute per worker) would cap them.
        API_RATE_LIMIT="1000000 per minute",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    return env


def flask(url: str, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "workflow", *args],
        env=env_for(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def seeded_size(url: str) -> int | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(*) FROM application a JOIN association s"
                    " ON s.id = a.association_id WHERE s.slug LIKE :p"
                ),
                {"p": f"{SLUG_PREFIX}%"},
            ).scalar_one()
    except Exception:
        return None
    finally:
        engine.dispose()


def prepare(db: str) -> tuple[str, float | None]:
    """The database URL, seeded with N applications (reused when it already is)."""
    if db == "sqlite":
        path = ROOT / "instance" / f"bench-{N}.db"
        url = f"sqlite:///{path}"
        if seeded_size(url) == N:
            log(f"[{db}] reusing {path}")
            flask(url, "init-db")  # a newer schema since the seeding: migrate to it
            return url, None
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
    else:
        name = f"finsam_bench_{N}"
        url = normalise_database_url(f"{PG_SERVER}/{name}")
        if seeded_size(url) == N:
            log(f"[{db}] reusing database {name}")
            flask(url, "init-db")  # a newer schema since the seeding: migrate to it
            return url, None
        with closing(admin_engine().connect()) as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    flask(url, "init-db")
    log(f"[{db}] seeding {N} applications in {ASSOCIATIONS} associations ...")
    out = flask(
        url,
        "seed-scale",
        "--associations",
        str(ASSOCIATIONS),
        "--applications",
        str(N),
        "--years",
        str(YEARS),
        "--quiet",
    )
    log(f"[{db}] {out.strip().splitlines()[0]}")
    peak = re.search(r"peak memory (\d+) MB", out)
    if db == "postgresql":
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        engine.dispose()
    return url, float(peak.group(1)) if peak else None


def working_copy(db: str, url: str) -> str:
    """A throw-away copy of the seeded database, so that every run starts from the same data."""
    if db == "sqlite":
        source = Path(make_url(url).database or "")
        target = source.with_name(f"{source.stem}-run.db")
        drop_copy(f"sqlite:///{target}")
        # The backup API copies a consistent snapshot, write-ahead log included.
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        return f"sqlite:///{target}"
    name = make_url(url).database
    copy = f"{name}_run"
    with closing(admin_engine().connect()) as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"'))
    return normalise_database_url(f"{PG_SERVER}/{copy}")


def drop_copy(url: str) -> None:
    """Remove a working copy (the file and its journal, or the database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    with closing(admin_engine().connect()) as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))


def admin_engine() -> Any:
    """The PostgreSQL server's maintenance database, outside transactions (CREATE DATABASE)."""
    return create_engine(
        normalise_database_url(f"{PG_SERVER}/postgres"),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )


def targets(url: str) -> dict[str, Any]:
    """Ids the endpoints need, and fresh complete drafts for `submit` (cloned from one)."""
    slug = f"{SLUG_PREFIX}01"
    engine = create_engine(url)
    with engine.begin() as c:
        assoc = c.execute(
            text("SELECT id FROM association WHERE slug = :s"), {"s": slug}
        ).scalar_one()
        heavy = c.execute(
            text("SELECT min(id) FROM application WHERE association_id = :a"), {"a": assoc}
        ).scalar_one()
        meeting = c.execute(
            text(
                "SELECT m.id FROM meeting m JOIN agenda_item i ON i.meeting_id = m.id"
                " WHERE m.association_id = :a GROUP BY m.id ORDER BY count(*) DESC LIMIT 1"
            ),
            {"a": assoc},
        ).scalar_one()
        lead = c.execute(
            text("SELECT lead_member_id FROM application WHERE id = :i"), {"i": heavy}
        ).scalar_one()
        template = c.execute(
            text(
                "SELECT id FROM application WHERE association_id = :a AND state = 'draft'"
                " AND report_plan IS NOT NULL AND lead_member_id = :m ORDER BY id LIMIT 1"
            ),
            {"a": assoc, "m": lead},
        ).scalar()
        if template is None:
            template = c.execute(
                text(
                    "SELECT id FROM application WHERE association_id = :a AND state = 'draft'"
                    " AND report_plan IS NOT NULL ORDER BY id LIMIT 1"
                ),
                {"a": assoc},
            ).scalar_one()
            lead = c.execute(
                text("SELECT lead_member_id FROM application WHERE id = :i"), {"i": template}
            ).scalar_one()
        applicant = c.execute(
            text(
                "SELECT u.email FROM app_user u JOIN role_grant g ON g.user_id = u.id"
                " WHERE g.role = 'applicant' AND g.member_id = :m"
            ),
            {"m": lead},
        ).scalar_one()
        drafts = clone_drafts(c, template, SUBMIT_DRAFTS)
    engine.dispose()
    return {
        "slug": slug,
        "heavy": heavy,
        "meeting": meeting,
        "drafts": drafts,
        "applicant": applicant,
        "officer": f"officer.1.{slug}@{EMAIL_DOMAIN}",
        "applicant_dashboard": f"applicant.0.{slug}@{EMAIL_DOMAIN}",
    }


def clone_drafts(c: Any, template: int, count: int) -> list[int]:
    """`count` copies of a complete draft (with its partner, budget and goals), version 1."""
    from workflow.models import metadata

    start = c.execute(text("SELECT max(id) FROM application")).scalar_one() + 1
    # Through the tables, so dates come back as dates on SQLite too.
    apps_table = metadata.tables["application"]
    row = dict(c.execute(apps_table.select().where(apps_table.c.id == template)).mappings().one())
    children = {}
    for name in ("application_partner", "budget_line", "goal"):
        table = metadata.tables[name]
        query = table.select().where(table.c.application_id == template)
        children[name] = [dict(r) for r in c.execute(query).mappings()]
    ids = list(range(start, start + count))
    apps = [{**row, "id": i, "title": f"{BENCH_TITLE} {i}", "version": 1} for i in ids]
    c.execute(metadata.tables["application"].insert(), apps)
    for table, rows in children.items():
        copies = []
        for i in ids:
            for r in rows:
                copy = {k: v for k, v in r.items() if k != "id"}
                copy["application_id"] = i
                copies.append(copy)
        if copies:
            c.execute(metadata.tables[table].insert(), copies)
    if c.dialect.name == "postgresql":
        for table in ("application", *children):
            # Table names are this script's own constants.
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            c.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))  # noqa: S608
    return ids


def sign_in(port: int, email: str) -> str:
    """Sign in through the page; the session cookie header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = _session_cookie(response, "")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert token, "no CSRF token on /login"
    body = urlencode({"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    assert response.status in (302, 303), f"sign-in of {email} failed: {response.status}"
    cookie = _session_cookie(response, cookie)
    # Follow the redirect as a browser would, keeping the cookie the first page updates
    # (it adds the session's CSRF token): the load then runs as one browser's session.
    conn.request("GET", response.getheader("Location") or "/", headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return _session_cookie(response, cookie)


def _session_cookie(response: http.client.HTTPResponse, default: str) -> str:
    """The `session=...` pair among the response's cookies (the default when none is set)."""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";")[0]
    return default


def api_token(port: int, email: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/api/v1/tokens",
        body=json.dumps({"email": email, "password": PASSWORD}),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    data = json.loads(response.read())
    assert response.status == 201, data
    return data["token"]


def status_of(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return response.status


def start_server(
    kind: str, url: str, port: int, *, page_cache: bool = True
) -> subprocess.Popen[bytes]:
    if kind == "gunicorn":
        cmd = [
            str(BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "workflow:create_app()",
        ]
    else:
        cmd = [
            str(BIN / "granian"), "--interface", "wsgi", "--workers", "2", "--host", "127.0.0.1",
            "--port", str(port), "--factory", "--log-level", "warning", "workflow:create_app",
            # One Python thread per worker: the app is CPU-bound under the GIL, and more
            # threads only interleave requests (p95 in seconds); granian queues the rest.
            "--blocking-threads", "1",
        ]  # fmt: skip
    env = env_for(url, page_cache=page_cache)
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"{kind} did not start")


def worker_rss_mb(proc: subprocess.Popen[bytes]) -> float:
    """The largest resident memory among the server's processes (workers), in MB."""
    pids = [proc.pid]
    seen: list[int] = []
    while pids:
        pid = pids.pop()
        seen.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                pids.extend(int(c) for c in children)
        except OSError:
            continue
    rss = []
    for pid in seen:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            rss.append(int(match.group(1)) / 1024)
    workers = rss[1:] or rss  # the first is the master process
    return round(max(workers), 1) if workers else 0.0


def load(port: int, spec: dict[str, Any]) -> dict[str, Any]:
    """Drive one endpoint with wrk (the Python load generator where wrk is missing)."""
    if WRK is None:
        spec = {"host": "127.0.0.1", "port": port, "clients": CLIENTS, "seconds": SECONDS, **spec}
        out = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "loadgen.py")],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])
    headers = dict(spec.get("headers") or {})
    lines = [f"method {spec['method']}"]
    if spec.get("body") is not None:
        headers["Content-Type"] = "application/json"
        lines.append(f"body {json.dumps(spec['body'])}")
    lines += [f"header {name}: {value}" for name, value in headers.items()]
    lines += [f"path {path}" for path in spec["paths"]]
    with tempfile.NamedTemporaryFile("w", suffix=".spec", delete=False) as file:
        file.write("\n".join(lines) + "\n")
    try:
        out = subprocess.run(
            [
                WRK, "-t", str(WRK_THREADS), "-c", str(CLIENTS), "-d", f"{max(1, round(SECONDS))}s",
                "--timeout", "30s", "-s", str(ROOT / "scripts" / "wrk.lua"),
                f"http://127.0.0.1:{port}", "--", file.name, str(WRK_THREADS),
            ],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
    finally:
        os.unlink(file.name)
    if out.returncode != 0:
        sys.exit(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    requests, seconds = figures["requests"], figures["seconds"]
    return {
        "requests": requests,
        "errors": figures["errors"],
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": figures["p50_ms"],
        "p95_ms": figures["p95_ms"],
        "cache_hits": round(figures["hits"] / requests, 3) if requests else 0.0,
    }


def loadgen_name() -> str:
    """What drove the load, for bench-results.json."""
    if WRK is None:
        return f"scripts/loadgen.py, {CLIENTS} processes"
    version = subprocess.run([WRK, "--version"], capture_output=True, text=True, check=False)
    first = (version.stdout or version.stderr).split(" [")[0].strip()
    return f"{first}, {WRK_THREADS} threads, {CLIENTS} connections"


def bench_server(
    kind: str,
    db: str,
    url: str,
    info: dict[str, Any],
    drafts: list[int],
    *,
    page_cache: bool = True,
) -> tuple[list[dict[str, Any]], float]:
    """Load each endpoint in turn on a fresh server; without the page cache, reads only."""
    port = free_port()
    proc = start_server(kind, url, port, page_cache=page_cache)
    label = kind if page_cache else f"{kind}, no page cache"
    try:
        officer = sign_in(port, info["officer"])
        applicant = sign_in(port, info["applicant_dashboard"])
        token = api_token(port, info["applicant"])
        year = time.gmtime().tm_year - 1
        stats_path = f"/associations/{info['slug']}/statistics?year={year}"
        specs: dict[str, dict[str, Any]] = {
            "healthz": {"method": "GET", "paths": ["/healthz"]},
            "dashboard": {"method": "GET", "paths": ["/"], "headers": {"Cookie": applicant}},
            "list": {
                "method": "GET",
                "paths": [f"/?state=closed&page={p}" for p in (1, 2, 3)],
                "headers": {"Cookie": officer},
            },
            "application": {
                "method": "GET",
                "paths": [f"/applications/{info['heavy']}"],
                "headers": {"Cookie": officer},
            },
            "meeting": {
                "method": "GET",
                "paths": [f"/meetings/{info['meeting']}"],
                "headers": {"Cookie": officer},
            },
            "statistics": {"method": "GET", "paths": [stats_path], "headers": {"Cookie": officer}},
            "submit": {
                "method": "POST",
                "paths": [f"/api/v1/applications/{i}/transitions/submit" for i in drafts],
                "headers": {"Authorization": f"Bearer {token}"},
                "body": {"expected_version": 1},
                "once": True,
            },
        }
        if status_of(port, stats_path, officer) != 200:
            log(f"[{db} {label}] no statistics page here; left out")
            specs.pop("statistics")
        if not page_cache:
            specs.pop("submit")  # a write: the page cache has no part in it
        specs = {endpoint: spec for endpoint, spec in specs.items() if endpoint in CHOSEN}
        results = []
        baseline = None
        for endpoint, spec in specs.items():
            figures = load(port, spec)
            if endpoint == "healthz":
                baseline = figures["rps"]
            ratio = round(figures["rps"] / baseline, 3) if baseline else 0.0
            results.append(
                {
                    "db": db,
                    "endpoint": endpoint,
                    "rps": figures["rps"],
                    "p50_ms": figures["p50_ms"],
                    "p95_ms": figures["p95_ms"],
                    "ratio": ratio,
                    "errors": figures["errors"],
                    "page_cache_hits": figures["cache_hits"],
                }
            )
            log(
                f"[{db} {label}] {endpoint:<12} {figures['rps']:>8.1f} req/s"
                f"  p50 {figures['p50_ms']:>7.1f} ms  p95 {figures['p95_ms']:>7.1f} ms"
                f"  ratio {ratio:>5.2f}  errors {figures['errors']}"
                f"  cache hits {figures['cache_hits']:.0%}"
                f"  ({figures['requests']} requests)"
            )
        rss = worker_rss_mb(proc)
        log(f"[{db} {label}] worker resident memory after the run: {rss} MB")
        return results, rss
    finally:
        stop_server(proc, label)


def stop_server(proc: subprocess.Popen[bytes], label: str) -> None:
    """Stop the server's process group: politely, then for good after 30 s."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        log(f"[{label}] did not stop within 30 s of SIGTERM; killed")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{platform.node()}: {cpu}, {os.cpu_count()} cores, {system}"


def _earlier_seed_peaks() -> dict[str, float]:
    """The seeding peaks bench-results.json holds from an earlier run of the same size."""
    try:
        earlier = json.loads((ROOT / "bench-results.json").read_text())
    except (OSError, ValueError):
        return {}
    if earlier.get("applications") != N:
        return {}
    return dict(earlier.get("seed_peak_mb_by_db") or {})


def main() -> None:
    servers: dict[str, list[dict[str, Any]]] = {"gunicorn": [], "granian": []}
    rss: dict[str, float] = {}
    seed_peak: dict[str, float] = {}
    uncached: list[dict[str, Any]] = []
    for db in DBS:
        seeded, peak = prepare(db)
        if peak is not None:
            seed_peak[db] = peak
        # The run submits thousands of drafts: it works on a copy, the seeded data stays as is.
        url = working_copy(db, seeded)
        try:
            info = targets(url)
            half = len(info["drafts"]) // 2
            for n, kind in enumerate(("gunicorn", "granian")):
                drafts = info["drafts"][n * half : (n + 1) * half]
                results, worker_rss = bench_server(kind, db, url, info, drafts)
                servers[kind].extend(results)
                rss[f"{db}/{kind}"] = worker_rss
            if CHOSEN - {"healthz", "submit"}:
                # The same reads rendered every time: what a first visit costs.
                results, worker_rss = bench_server("granian", db, url, info, [], page_cache=False)
                uncached.extend(results)
                rss[f"{db}/granian-uncached"] = worker_rss
        finally:
            drop_copy(url)
    # A reused database was seeded by an earlier run: its seeding figure is carried over.
    earlier = _earlier_seed_peaks()
    for db, peak in earlier.items():
        seed_peak.setdefault(db, peak)
    report = {
        "machine": machine(),
        "loadgen": loadgen_name(),
        "applications": N,
        "results": servers["granian"],
        "servers": servers,
        "uncached": uncached,
        "worker_rss_mb": max(rss.values()) if rss else 0.0,
        "worker_rss_mb_by_run": rss,
        "seed_peak_mb": max(seed_peak.values()) if seed_peak else None,
        "seed_peak_mb_by_db": seed_peak,
    }
    (ROOT / "bench-results.json").write_text(json.dumps(report, indent=2) + "\n")
    log(f"Wrote {ROOT / 'bench-results.json'}")


if __name__ == "__main__":
    main()
