"""A real deployment in miniature, for tests and bench/bench_cluster.py: instances (uvicorn processes,
each with its own data directory) on one PostgreSQL database, behind Debian's nginx run from a temp
prefix with the shipped deploy/nginx/esol-finder.conf."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from finder import PROJECT_DIR

NGINX_CONF = PROJECT_DIR / "deploy" / "nginx" / "esol-finder.conf"
SECRET = "cluster-test-secret-the-same-on-every-instance"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


class Instance:
    def __init__(self, database_url: str, data_dir: Path, postcodes: Path | None = None, log: Path | None = None,
                 port: int | None = None):
        self.database_url = database_url
        self.data_dir = Path(data_dir)
        self.postcodes = postcodes
        self.port = port or free_port()
        self.log_path = log or self.data_dir.with_suffix(".log")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Instance":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.postcodes is not None and not (self.data_dir / "postcodes.sqlite").exists():
            shutil.copy(self.postcodes, self.data_dir / "postcodes.sqlite")  # built once, not per instance
        env = dict(os.environ, ESOL_FINDER_DATABASE_URL=self.database_url, ESOL_FINDER_DATA_DIR=str(self.data_dir),
                   ESOL_FINDER_SECRET_KEY=SECRET, ESOL_FINDER_ALLOWED_HOSTS="127.0.0.1,localhost",
                   ESOL_FINDER_TRUSTED_PROXIES="127.0.0.1", ESOL_FINDER_AUTO_MIGRATE="0")
        env.pop("ESOL_FINDER_TEST_DATABASE_URL", None)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "finder.web.asgi:app", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-access-log"], env=env, stdout=self._log, stderr=subprocess.STDOUT, cwd=PROJECT_DIR)
        return self

    def wait_listening(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"instance on {self.port} exited: {self.log_path.read_text()[-3000:]}")
            try:
                httpx2.get(self.url + "/healthz", timeout=1)
                return
            except httpx2.TransportError:
                time.sleep(0.02)
        raise RuntimeError(f"instance on {self.port} did not answer: {self.log_path.read_text()[-3000:]}")

    def ready(self) -> bool:
        try:
            return httpx2.get(self.url + "/readyz", timeout=2).status_code == 200
        except httpx2.TransportError:
            return False

    def wait_ready(self, timeout: float = 120) -> None:
        self.wait_listening()
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"instance on {self.port} never ready: {self.log_path.read_text()[-3000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None):
            self._log.close()


class Proxy:
    """nginx as the current user, from a temp prefix, in front of `instances`, with the shipped server block."""

    def __init__(self, prefix: Path, instances: list[Instance]):
        self.prefix = Path(prefix)
        self.instances = instances
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        shipped = NGINX_CONF.read_text()
        upstreams = "\n".join(f"    server 127.0.0.1:{i.port} max_fails=1 fail_timeout=5s;" for i in self.instances)
        shipped = shipped.replace("    server 127.0.0.1:8001 max_fails=1 fail_timeout=5s;\n"
                                  "    server 127.0.0.1:8002 max_fails=1 fail_timeout=5s;", upstreams)
        shipped = shipped.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        shipped = shipped.replace("alias /opt/esol-finder/static/;", f"alias {PROJECT_DIR / 'static'}/;")
        assert str(self.port) in shipped and str(PROJECT_DIR) in shipped, "the shipped nginx file changed shape"
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        return f"""{user}
worker_processes 1;
error_log {self.prefix}/error.log warn;
pid {self.prefix}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {self.prefix}/access.log;
    client_body_temp_path {self.prefix}/body;
    proxy_temp_path {self.prefix}/proxy;
    fastcgi_temp_path {self.prefix}/fastcgi;
    uwsgi_temp_path {self.prefix}/uwsgi;
    scgi_temp_path {self.prefix}/scgi;
{shipped}
}}
"""

    def start(self) -> "Proxy":
        self.prefix.mkdir(parents=True, exist_ok=True)
        conf = self.prefix / "nginx.conf"
        conf.write_text(self.config())
        binary = nginx_binary()
        assert binary, "nginx is not installed"
        check = subprocess.run([binary, "-t", "-p", str(self.prefix), "-c", str(conf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([binary, "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                httpx2.get(self.url + "/healthz", timeout=1)
                return self
            except httpx2.TransportError:
                time.sleep(0.05)
        raise RuntimeError((self.prefix / "error.log").read_text())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
