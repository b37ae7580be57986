"""A throwaway PostgreSQL server in a temporary folder, for the tests and the benchmark.

It runs Debian's server binaries (package `postgresql`) on a Unix socket in its own folder (no TCP port, so
it never collides with a real server), trusts local connections and is deleted when stopped. initdb refuses
to run as root: as root the cluster belongs to the `postgres` system user the Debian package creates.
`stop_immediately()` is a crash (the server dies without a checkpoint and recovers at the next start).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT_S = 60
PORT = 5432  # only names the socket file inside the server's own folder
DATABASE = "situation"


class Unavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why and how to get one."""


def binaries() -> Path | None:
    """The newest installed server's bin folder, or None."""
    found = sorted((Path(p) for p in glob.glob(BIN_GLOB) if (Path(p) / "initdb").exists()),
                   key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


def install() -> Path | None:
    """As root on Debian, install the `postgresql` package when no server is installed; the bin folder or None."""
    if binaries() is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for command in (["apt-get", "install", "-y", "-q", "postgresql"], ["apt-get", "update", "-q"],
                        ["apt-get", "install", "-y", "-q", "postgresql"]):
            try:
                subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
            except (OSError, subprocess.TimeoutExpired):
                break
            if binaries() is not None:
                break
    return binaries()


class ScratchServer:
    """A private PostgreSQL server with one database, `DATABASE`; `url` connects to it."""

    def __init__(self) -> None:
        self.bin = install()
        if self.bin is None:
            raise Unavailable(f"no PostgreSQL server binaries in {BIN_GLOB} (Debian: apt-get install postgresql)")
        self.owner = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root, and there is no `postgres` user to own the cluster") from None
        self.folder = Path(tempfile.mkdtemp(prefix="situation-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        if self.owner is not None:
            os.chown(self.folder, self.owner.pw_uid, self.owner.pw_gid)
            os.chmod(self.folder, 0o755)
        user = self.owner.pw_name if self.owner else pwd.getpwuid(os.geteuid()).pw_name
        self.url = f"postgresql://{user}@/{DATABASE}?host={self.folder}&port={PORT}"
        try:
            self._run("initdb", "-D", str(self.data), "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                      "--no-sync")
            self.start()
            self._run("createdb", "-h", str(self.folder), "-p", str(PORT), DATABASE)
        except BaseException:
            self.stop()
            raise

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.owner is not None:
            command = ["setpriv", f"--reuid={self.owner.pw_uid}", f"--regid={self.owner.pw_gid}", "--init-groups",
                       *command]
        done = subprocess.run(command, cwd=self.folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=START_TIMEOUT_S)
        if done.returncode != 0:
            raise Unavailable(f"{program} failed: {done.stdout.strip()[-2000:]}")

    def new_database(self) -> str:
        """A new, empty database on this server; its URL."""
        import uuid

        import psycopg

        name = f"store_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url.replace(f"/{DATABASE}?", f"/{name}?")

    def start(self) -> None:
        # fsync off: only the operating system crashing could lose data, and the folder is thrown away.
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -c port={PORT} "
                   "-c fsync=off -c full_page_writes=off -c max_connections=40 -c shared_buffers=32MB")
        self._run("pg_ctl", "start", "-w", "-t", str(START_TIMEOUT_S), "-D", str(self.data), "-l", str(self.log),
                  "-o", options)

    def stop_immediately(self) -> None:
        """Kill the server without a clean shutdown, as a crash does."""
        self._run("pg_ctl", "stop", "-m", "immediate", "-D", str(self.data))

    def stop(self) -> None:
        """Stop the server (if it runs) and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "stop", "-m", "fast", "-D", str(self.data))
            except (Unavailable, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> ScratchServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
