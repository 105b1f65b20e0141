"""Several Streamlit processes of the app behind nginx, started and stopped together.

    deploy/run.sh 4                       # 4 processes on ports 8501-8504, nginx on 8500
    python -m deploy.cluster 4 --port 8080 --listen 0.0.0.0 --db /data/clv.duckdb

Every process opens the same DuckDB file read-only (CLV_DB; an import replaces the file and each
process follows the new file on its next query). nginx (Debian package `nginx`) keeps each
browser on one process (a route cookie) and passes Streamlit's websocket through. The command
waits until every process and the proxy answer /_stcore/health, prints the address, and stops
everything on Ctrl-C (or SIGTERM).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def nginx_binary() -> str | None:
    """The nginx executable (Debian installs it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def free_port_block(count: int, host: str = "127.0.0.1") -> int:
    """The first of ``count`` consecutive free TCP ports."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind((host, 0))
            base = s.getsockname()[1]
        if base + count > 65535:
            continue
        if all(_port_free(host, base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no block of {count} free ports found")


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


# glibc's malloc for a long-lived server of big frames (issue 14; ui/housekeeping.py trims the
# rest): two heaps instead of one per thread (8 per core), and any block of 1 MB or more in its
# own mmap, returned to the system when freed (the default threshold grows to 32 MB, after which
# freed column arrays stay in the heaps). A value already in the environment wins.
MALLOC_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "1048576"}
# A served process does not watch its source files: with the default watcher every session
# walks sys.modules after each run to watch new modules (8% of a rerun's CPU on the 10k sample).
# Restart the processes to serve new code. (.streamlit/config.toml already turns off the full
# garbage collection after every run; ui/housekeeping.py collects every 15 s instead.)
SERVED_ARGS = ("--server.fileWatcherType", "none")
# What --plain in the benchmarks puts back: Streamlit's defaults, for a before and after.
PLAIN_ARGS = ("--runner.postScriptGC", "true")


def streamlit_process(
    port: int, db: Path, log, args: tuple[str, ...] = (), *, tuned: bool = True
) -> subprocess.Popen:
    """One Streamlit server of the app on 127.0.0.1:``port`` reading ``db`` (output to ``log``).

    ``tuned=False`` leaves glibc's malloc and Streamlit at their defaults (no MALLOC_ENV, no
    SERVED_ARGS, a garbage collection after every run): the figures before issue 14's fixes."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        *(SERVED_ARGS if tuned else PLAIN_ARGS),
        *args,
    ]
    env = {**(MALLOC_ENV if tuned else {}), **os.environ, "CLV_DB": str(Path(db).resolve())}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def render_config(run_dir: Path, listen: str, port: int, app_ports: list[int]) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in app_ports)
    return string.Template(TEMPLATE.read_text("utf-8")).safe_substitute(
        run_dir=str(run_dir), listen=listen, port=str(port), servers=servers
    )


class Cluster:
    """N Streamlit processes on ports port+1 .. port+N and nginx on ``port``."""

    def __init__(
        self,
        processes: int,
        db: Path,
        *,
        port: int | None = None,
        listen: str = "127.0.0.1",
        run_dir: Path | None = None,
        log_dir: Path | None = None,
        streamlit_args: tuple[str, ...] = (),
        tuned: bool = True,
    ) -> None:
        if processes < 1:
            raise ValueError("at least one process")
        self.processes = processes
        self.db = Path(db).resolve()
        self.port = port if port is not None else free_port_block(processes + 1)
        self.listen = listen
        self.app_ports = [self.port + 1 + i for i in range(processes)]
        self.run_dir = Path(run_dir) if run_dir else Path(tempfile.mkdtemp(prefix="clv-nginx-"))
        self.log_dir = Path(log_dir) if log_dir else self.run_dir
        self.streamlit_args = streamlit_args
        self.tuned = tuned
        self.apps: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self._logs: list = []

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.listen in ("0.0.0.0", "::", "[::]") else self.listen
        return f"http://{host}:{self.port}"

    @property
    def app_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.app_ports]

    def start(self, timeout: float = 120.0) -> Cluster:
        nginx = nginx_binary()
        if nginx is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
        if not self.db.exists():
            raise FileNotFoundError(
                f"{self.db} does not exist; build it first, e.g. "
                f"python -m sample_data.generate --out {self.db}"
            )
        self.run_dir.mkdir(parents=True, exist_ok=True)
        # nginx's workers run as "nobody" when started by root: they need to reach the temp dirs.
        self.run_dir.chmod(0o755)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for port in self.app_ports:
                log = open(self.log_dir / f"streamlit-{port}.log", "wb")  # noqa: SIM115 (closed in stop)
                self._logs.append(log)
                self.apps.append(streamlit_process(port, self.db, log, self.streamlit_args, tuned=self.tuned))
            conf = self.run_dir / "nginx.conf"
            conf.write_text(render_config(self.run_dir, self.listen, self.port, self.app_ports), "utf-8")
            check = subprocess.run(
                [
                    nginx,
                    "-t",
                    "-q",
                    "-p",
                    str(self.run_dir),
                    "-e",
                    str(self.run_dir / "error.log"),
                    "-c",
                    str(conf),
                ],
                capture_output=True,
                text=True,
            )
            if check.returncode:
                raise RuntimeError(f"nginx rejected {conf}: {check.stderr.strip()}")
            self.nginx = subprocess.Popen(
                [
                    nginx,
                    "-p",
                    str(self.run_dir),
                    "-e",
                    str(self.run_dir / "error.log"),
                    "-c",
                    str(conf),
                    "-g",
                    "daemon off;",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        waiting = [*self.app_urls, self.url]
        while waiting:
            for proc in [*self.apps, self.nginx]:
                if proc is not None and proc.poll() is not None:
                    raise RuntimeError(
                        f"{proc.args[0]} exited with {proc.returncode}; logs in {self.log_dir}"
                    )
            waiting = [u for u in waiting if not healthy(u)]
            if waiting and time.monotonic() > deadline:
                raise TimeoutError(f"not healthy after {timeout:.0f} s: {waiting}; logs in {self.log_dir}")
            if waiting:
                time.sleep(0.25)

    def app_pids(self) -> list[int]:
        return [p.pid for p in self.apps]

    def access_log(self) -> str:
        path = self.run_dir / "access.log"
        return path.read_text("utf-8") if path.exists() else ""

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish open requests, then exit
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for proc in self.apps:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.apps:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def warm(urls: list[str], pages: tuple[str, ...] = ("",), timeout: float = 900.0) -> list[float]:
    """Each process draws ``pages`` (url paths; "" is the overview) once, in a session of its
    own, one process after the other: the imports, the derived tables' check and the shared
    per-customer frames are then in place, and the first visitor after a start does not wait
    for them (seconds at a million customers). Seconds per process; a page that failed raises.
    """
    import asyncio
    import concurrent.futures

    from deploy.stclient import Session

    async def one(url: str) -> float:
        session = await Session(url).connect(fetch_cookie=False)
        started = time.perf_counter()
        try:
            for page in pages:
                result = await session.rerun(page, timeout=timeout)
                if result.exceptions:
                    raise RuntimeError(f"{url}/{page}: {result.exceptions[0]}")
        finally:
            await session.close()
        return time.perf_counter() - started

    async def each() -> list[float]:
        return [await one(url) for url in urls]

    # In a thread of its own: the caller may already run an event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, each()).result()


def main(argv: list[str] | None = None) -> int:
    from clv_engine.db import default_db_path

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "processes",
        type=int,
        nargs="?",
        default=os.cpu_count() or 2,
        help="Streamlit processes (default: one per core)",
    )
    parser.add_argument(
        "--port", type=int, default=8500, help="nginx port; the processes use the next N ports"
    )
    parser.add_argument(
        "--listen",
        default="127.0.0.1",
        help="address nginx answers on (0.0.0.0 for the network: only with a login configured)",
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="the DuckDB file (default: $CLV_DB, else the sample)"
    )
    parser.add_argument(
        "--run-dir", type=Path, default=None, help="nginx configuration, pid and logs (default: a temp dir)"
    )
    parser.add_argument(
        "--warm",
        nargs="*",
        default=[""],
        metavar="PAGE",
        help="url paths each process draws once before the address is printed, so the first "
        "visitor finds it warm (default: the overview; --warm with no page: none)",
    )
    args = parser.parse_args(argv)
    db = args.db or default_db_path()
    cluster = Cluster(args.processes, db, port=args.port, listen=args.listen, run_dir=args.run_dir)

    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def _stop(*_):
        for sig in signals:  # a second Ctrl-C does not interrupt the stopping
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt

    # SIGINT is handled explicitly too: a shell starting the command in the background (&)
    # hands it on ignored.
    for sig in signals:
        signal.signal(sig, _stop)
    try:
        cluster.start()
        if args.warm:
            seconds = warm(cluster.app_urls, tuple(args.warm))
            print(f"warmed {len(seconds)} processes in {sum(seconds):.1f} s", flush=True)
        print(
            f"{args.processes} Streamlit processes on ports {cluster.app_ports[0]}-{cluster.app_ports[-1]} "
            f"reading {cluster.db}"
        )
        print(
            f"open {cluster.url}   (logs and nginx.conf in {cluster.run_dir}; Ctrl-C stops everything)",
            flush=True,
        )
        while True:
            dead = [p for p in [*cluster.apps, cluster.nginx] if p.poll() is not None]
            time.sleep(0.5)  # Ctrl-C in a terminal stops the children too: let our signal come first
            if dead:
                print(f"{dead[0].args[0]} exited with {dead[0].returncode}; stopping", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError, FileNotFoundError) as err:
        print(err, file=sys.stderr)
        return 1
    finally:
        cluster.stop()
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
