"""python -m deploy run|render: serve the app from N processes behind nginx (see deploy/__init__.py)."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from deploy import cluster, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "render"],
                        help="run: start the processes and nginx until Ctrl+C; render: print nginx's configuration")
    parser.add_argument("--processes", type=int, default=2, help="app processes (default 2: one per core)")
    parser.add_argument("--port", type=int, default=8080, help="the port users open (nginx)")
    parser.add_argument("--app-port", type=int, default=8501, help="the first app process's port (then +1, +2, …)")
    parser.add_argument("--listen", default="0.0.0.0", help="the address nginx listens on (default: every one)")
    parser.add_argument("--cache-dir", default="/var/cache/nginx/situation", help="render: nginx's static cache")
    parser.add_argument("--upstream", default=None,
                        help="render: the app processes of every machine as host:port,host:port,… (several machines "
                             "on one shared store; default: --processes ports of this machine)")
    parser.add_argument("--db", type=Path, default=None, help="database (default: $SITUATION_DB or data/situation.duckdb)")
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    if args.command == "render":
        servers = ([where.strip() for where in args.upstream.split(",") if where.strip()] if args.upstream
                   else [args.app_port + i for i in range(args.processes)])
        print(render(servers, f"{args.listen}:{args.port}", args.cache_dir))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # systemd's stop: leave through the cleanup below
    try:
        with cluster(args.processes, args.port, args.app_port, args.db, args.listen) as served:
            print(f"{args.processes} app processes (pids {', '.join(map(str, served.app_pids))}) behind nginx on "
                  f"{args.listen}:{args.port}", flush=True)
            signal.pause()
    except KeyboardInterrupt:
        pass
    except (FileNotFoundError, RuntimeError, TimeoutError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
