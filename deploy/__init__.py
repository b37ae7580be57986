"""Serving many users: N app processes on one database, behind nginx.

    python -m deploy run --processes 2 --port 8080          # N processes and nginx, until Ctrl+C
    python -m deploy render --processes 2 --port 80 > /etc/nginx/conf.d/situation.conf

Every process reads the database read-only and moves to a new version after an upload
(data.db); nginx keeps each user on one process (a cookie), upgrades the WebSocket,
caches Streamlit's static files and passes /_stcore/health through. The systemd units in
deploy/systemd/ run the same processes as services beside Debian's nginx.

Several machines share one PostgreSQL store ($SITUATION_STORE, data.store; deploy/multi-host.md): each runs
its app processes on its own snapshot, kept current by `python -m data.store follow` (started here too), and
one nginx spreads users over every machine: `python -m deploy render --upstream app1:8501,app2:8501`.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "situation.conf.template"
NGINX = "/usr/sbin/nginx"  # Debian's
MIME_TYPES = Path("/etc/nginx/mime.types")
START_TIMEOUT_S = 90
STORE_ENV = "SITUATION_STORE"  # data.store.ENV_VAR: with it, this machine's snapshot is followed (data.store)


def render(app_servers: list[int | str], listen: str, cache_dir: Path | str) -> str:
    """The nginx configuration (http context) for app processes: a port of this machine, or "host:port" of
    another app server (several machines on one shared store, data.store)."""
    servers = "\n".join(f"    server {f'127.0.0.1:{where}' if isinstance(where, int) else where} max_fails=1 fail_timeout=10s;"
                         for where in app_servers)
    return (TEMPLATE.read_text(encoding="utf-8")
            .replace("@SERVERS@", servers).replace("@LISTEN@", listen).replace("@CACHE_DIR@", str(cache_dir)))


def _standalone(run_dir: Path, site: Path) -> str:
    """A whole nginx.conf that needs no root and writes only inside `run_dir`, around the site."""
    temp = "\n".join(f"    {name}_temp_path {run_dir / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    mime = f"    include {MIME_TYPES};\n" if MIME_TYPES.exists() else ""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return (f"{user}worker_processes 1;\npid {run_dir / 'nginx.pid'};\nerror_log {run_dir / 'error.log'};\n"
            f"events {{ worker_connections 1024; }}\n"
            f"http {{\n{mime}    access_log {run_dir / 'access.log'};\n{temp}\n    include {site};\n}}\n")


def wait_healthy(url: str, timeout: float = START_TIMEOUT_S, process: subprocess.Popen | None = None) -> None:
    """Wait until `url` (a /_stcore/health) answers 200, or raise naming it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before {url} answered")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def process_of(url: str, route: str) -> str:
    """Which app process (host:port) nginx at `url` gives a browser holding the route cookie `route`."""
    request = urllib.request.Request(url + "/", headers={"Cookie": f"situation_route={route}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["X-Situation-Process"]


def warm_up(base_url: str, timeout: float = START_TIMEOUT_S) -> str:
    """Run the app once in a started process, before anyone visits: Streamlit's script health check runs the
    Overview in a session of its own, so the imports and the first figures are paid here, not by the first
    visitor (the map's first visit on a fresh process: 3.2-3.4 s without, 2.2-2.5 s with). "ok", or why not (an
    app that fails its run is reported, never hidden; the process still serves)."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/script-health-check", timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as problem:  # 503: the run raised
        return problem.read().decode("utf-8", "replace") or str(problem)
    except (OSError, urllib.error.URLError) as problem:
        return str(problem)


def start_app(port: int, env: dict[str, str]) -> subprocess.Popen:
    """One Streamlit process of the app on 127.0.0.1:`port` (its settings from .streamlit/config.toml: no file
    watcher, nothing reloads in service), with the script health check on for `warm_up`."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.scriptHealthCheckEnabled", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Served:
    url: str              # the proxy, http://127.0.0.1:PORT
    app_pids: list[int]   # the app processes, in port order


@contextlib.contextmanager
def cluster(processes: int, port: int, app_port: int, database: Path | str | None = None,
            listen_host: str = "127.0.0.1") -> Iterator[Served]:
    """N app processes on `app_port`, `app_port`+1, … and nginx on `port` in front of them; yields where
    they are and stops everything it started when the block ends. Raises FileNotFoundError without nginx."""
    if not Path(NGINX).exists():
        raise FileNotFoundError(f"nginx is not installed at {NGINX} (Debian: apt-get install nginx)")
    env = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET")
               or secrets.token_hex(32))  # one secret for all: a session's cookies are valid on every process
    if database is not None:
        env["SITUATION_DB"] = str(database)
    run_dir = Path(tempfile.mkdtemp(prefix=f"situation-nginx-{port}-"))
    started: list[subprocess.Popen] = []
    try:
        if env.get(STORE_ENV):  # a shared store: this machine's snapshot first, then kept at its newest version
            snapshot = [sys.executable, "-m", "data.store", "snapshot", *(["--db", str(database)] if database else [])]
            done = subprocess.run(snapshot, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True, timeout=START_TIMEOUT_S * 10)
            if done.returncode != 0:
                raise RuntimeError(f"python -m data.store snapshot: {done.stderr.strip()}")
            started.append(subprocess.Popen([*snapshot[:3], "follow", *snapshot[4:]], cwd=ROOT, env=env,
                                            stdout=subprocess.DEVNULL, start_new_session=True))
        ports = [app_port + i for i in range(processes)]
        started += [start_app(p, env) for p in ports]
        apps = started[-processes:]
        for p, process in zip(ports, apps):
            wait_healthy(f"http://127.0.0.1:{p}/_stcore/health", process=process)
        for p in ports:
            if (outcome := warm_up(f"http://127.0.0.1:{p}")) != "ok":
                print(f"app process on port {p}: its first run did not succeed ({outcome})", file=sys.stderr)
        site = run_dir / "situation.conf"
        site.write_text(render(ports, f"{listen_host}:{port}", run_dir / "cache"), encoding="utf-8")
        (run_dir / "nginx.conf").write_text(_standalone(run_dir, site), encoding="utf-8")
        if os.geteuid() == 0:  # the workers run as nobody and write only their temp and cache folders
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
                (run_dir / name).mkdir()
                shutil.chown(run_dir / name, "nobody", "nogroup")
            os.chmod(run_dir, 0o755)
        proxy = subprocess.Popen([NGINX, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        started.append(proxy)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(f"{url}/_stcore/health", timeout=20, process=proxy)
        yield Served(url, [process.pid for process in apps])
    finally:
        for process in reversed(started):
            stop(process)
        shutil.rmtree(run_dir, ignore_errors=True)
