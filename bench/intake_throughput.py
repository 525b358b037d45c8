"""Complaint intake through the API, in requests per second, beside a bare Django JSON view served the same way
(gunicorn, same workers, same machine, same run). Target: intake >= 0.25 x bare.

    .venv/bin/python bench/intake_throughput.py [--requests 400] [--concurrency 4] [--workers 2]
With DATABASE_URL set it runs on a scratch PostgreSQL database; otherwise on a scratch SQLite file."""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Server, load, manage, scratch_env  # noqa: E402

PAYLOAD = {
    "kind": "complaint", "region_code": "540102", "sector": "other",
    "complainant": {"name": "扎西", "id_number": "540102199001011233", "phone": "13800000001"},
    "employer": {"name": "西藏示例建筑工程有限公司", "uscc": "91540100MA6T00012D"},
    "employment_status": "left", "employment_end_date": "2026-09-30", "violation_start": "2026-07-01",
    "violation_end": "2026-09-30", "workers_affected": 1, "facts": "工资未付。",
    "items": [{"category": "wages", "period_start": "2026-07-01", "period_end": "2026-07-31",
               "amount_claimed": "6000"}],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    env = scratch_env("intake")
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    server = Server(env, workers=a.workers)
    try:
        load(server.base + "/bench/bare/", {"warm": 1}, total=a.concurrency * 5, concurrency=a.concurrency)
        load(server.base + "/api/v1/complaints/", PAYLOAD, total=a.concurrency * 2, concurrency=a.concurrency)
        bare = load(server.base + "/bench/bare/", {"x": 1}, total=a.requests, concurrency=a.concurrency)
        intake = load(server.base + "/api/v1/complaints/", PAYLOAD, total=a.requests, concurrency=a.concurrency)
    finally:
        server.stop()
    ratio = intake["rps"] / bare["rps"] if bare["rps"] else 0
    db = "postgresql" if "DATABASE_URL" in env else "sqlite"
    print(json.dumps({"benchmark": "intake_throughput", "database": db, "gunicorn_workers": a.workers,
                      "concurrency": a.concurrency, "bare_json_view": bare, "complaint_intake_api": intake,
                      "ratio": round(ratio, 3), "target_ratio": 0.25, "meets_target": ratio >= 0.25}, indent=2))
    if intake["ok"] < intake["requests"]:
        print(f"WARNING: {intake['requests'] - intake['ok']} intake requests failed", file=sys.stderr)


if __name__ == "__main__":
    main()
