"""Helpers shared by the benchmark scripts: a scratch database, a gunicorn server on a spare port, a load loop."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_env(tag: str) -> dict:
    """An environment whose database is a fresh one: a new SQLite file, or (with DATABASE_URL) a new PostgreSQL
    database named after ``tag`` on the same server."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings_bench", PYTHONPATH=str(ROOT))
    tmp = tempfile.mkdtemp(prefix=f"casework-bench-{tag}-")
    env["CASEWORK_VAR_DIR"] = tmp
    if os.environ.get("DATABASE_URL"):
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        name = f"casework_bench_{tag}"
        subprocess.run(["psql", base + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False,
                       capture_output=True)
        subprocess.run(["psql", base + "/postgres", "-qc", f"CREATE DATABASE {name}"], check=True,
                       capture_output=True)
        env["DATABASE_URL"] = f"{base}/{name}"
    return env


def manage(env, *args):
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


class Server:
    def __init__(self, env, workers=2):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "casework.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/bench/bare/", timeout=1)
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)


def _worker(args):
    url, body, n = args
    ok = 0
    data = json.dumps(body).encode() if body is not None else None
    t0 = time.perf_counter()
    for _ in range(n):
        req = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                ok += r.status in (200, 201)
        except Exception:
            pass
    return ok, time.perf_counter() - t0


def load(url, body, *, total: int, concurrency: int) -> dict:
    per = total // concurrency
    t0 = time.perf_counter()
    with ProcessPoolExecutor(concurrency) as pool:
        results = list(pool.map(_worker, [(url, body, per)] * concurrency))
    wall = time.perf_counter() - t0
    ok = sum(r[0] for r in results)
    return {"requests": per * concurrency, "ok": ok, "seconds": round(wall, 3), "rps": round(ok / wall, 1)}
