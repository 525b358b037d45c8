"""SQL query count and latency of the inbox/queue (GET /api/v1/tasks/) and the case list (GET /api/v1/cases/)
at 1,000 and at 10,000 cases. Target: the same query count at both sizes.

    .venv/bin/python bench/list_queries.py [--sizes 1000 10000] [--repeat 10]
Cases are bulk-inserted (complaint, viewflow process, open triage task, acceptance deadline), half in Lhasa and
half in Shigatse; the measured user is a Lhasa inspector."""
import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(size: int, repeat: int) -> dict:
    from bench.common import manage, scratch_env

    env = scratch_env(f"lists{size}")
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    out = subprocess.run([sys.executable, __file__, "--child", str(size), "--repeat", str(repeat)], env=env,
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(size: int, repeat: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from guardian.shortcuts import assign_perm
    from viewflow.workflow.models import Process, Task

    from casework.flows import InspectionFlow
    from casework.models import Complaint, Deadline, Employer, Person, Region

    user = User.objects.create_user("bench_inspector", password="x")
    user.groups.add(Group.objects.get(name="inspector"))
    assign_perm("casework.handle_cases", user, Region.objects.get(code="540100"))
    person = Person.objects.create(name="扎西", id_number="540102199001011233")
    employer = Employer.objects.create(name="西藏示例建筑工程有限公司")
    today = dt.date.today()
    ct = ContentType.objects.get_for_model(Complaint)
    batch = 1000
    for start in range(0, size, batch):
        n = min(batch, size - start)
        procs = Process.objects.bulk_create([Process(flow_class=InspectionFlow, status="NEW") for _ in range(n)])
        Task.objects.bulk_create([Task(process=p, flow_task=InspectionFlow.triage, flow_task_type="HUMAN",
                                       status="NEW") for p in procs])
        complaints = Complaint.objects.bulk_create([Complaint(
            case_number=f"B-{start + i:08d}", access_code_hash="x", kind="complaint", complainant=person,
            employer=employer, region_id="540102" if (start + i) % 2 == 0 else "540202",
            handling_region_id="540102" if (start + i) % 2 == 0 else "540202", sector="other",
            employment_status="employed", violation_start=today - dt.timedelta(days=90), is_continuing=True,
            workers_affected=1, facts="x", received_at=today - dt.timedelta(days=(start + i) % 30), process=p)
            for i, p in enumerate(procs)])
        Deadline.objects.bulk_create([Deadline(
            content_type=ct, object_id=c.pk, case_number=c.case_number, region_id=c.handling_region_id,
            rule_id="INSP-ACCEPT", n=5, unit="WD", anchor_event="complaint received", anchor_date=c.received_at,
            due_date=c.received_at + dt.timedelta(days=7), citation="bench") for c in complaints])
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # planner statistics after the bulk insert, as autovacuum would soon do
    client = Client()
    client.force_login(user)
    result = {"cases": size}
    for name, url in (("tasks_inbox_queue", "/api/v1/tasks/"), ("case_list", "/api/v1/cases/")):
        client.get(url)  # warm
        times, counts, status = [], [], None
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            counts.append(len(ctx.captured_queries))
            status = r.status_code
        result[name] = {"status": status, "queries": max(counts), "median_ms": round(statistics.median(times), 1),
                        "p90_ms": round(sorted(times)[int(0.9 * (len(times) - 1))], 1)}
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--child", type=int)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child, a.repeat)))
        return
    rows = [measure(s, a.repeat) for s in a.sizes]
    same = all(r[k]["queries"] == rows[0][k]["queries"] for r in rows for k in ("tasks_inbox_queue", "case_list"))
    print(json.dumps({"benchmark": "list_queries", "database": "postgresql" if os.environ.get("DATABASE_URL")
                      else "sqlite", "results": rows, "same_query_count_at_all_sizes": same}, indent=2))


if __name__ == "__main__":
    main()
