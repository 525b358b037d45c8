"""Public blacklist registry (issue #4): search throughput and latency beside a bare one-query Django view, and the
open-data export's rows per second and the server worker's peak memory, at 100,000 published listings and
1,000,000 employers on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_registry REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/registry.py [--scale 1] [--duration 15] [--concurrency 4] [--workers 2] [--reload]

- The database (default ``postgres://postgres@127.0.0.1:5432/bench_registry``; ``--scale`` other than 1 appends
  ``_s<scale>`` to its name) is created and migrated by the script and KEPT: a rerun skips the load when the counts
  match (``--reload`` wipes and loads again). The load is bulk: PostgreSQL ``COPY`` (SQLite: ``executemany``),
  every value prepared by the model field itself (encrypted ID numbers, keyed hashes), so the rows are exactly
  what the services would write: complaints, orders to pay, ``ListingDecision`` rows in state PUBLISHED with their
  decision numbers and periods, a UNIT entry and co-listed persons (legal representative; a third also a
  responsible supervisor) with valid ID numbers published masked. 5 % more listings are EXPIRED (entries removed)
  so that the registry's filters have something to leave out. Employers have valid unified social credit codes
  (GB 32100 check character, casework.identity.validate_uscc) and generated Chinese names
  (``<city><two-character brand><trade><company form>``, ~2.5 million combinations, seeded).
- The real views are served by gunicorn (bench settings, ``--workers`` sync workers) and driven from separate
  client processes (http.client, one connection each, ``--concurrency`` of them) for ``--duration`` seconds per
  scenario, cycling through a mixed set of queries: partial Chinese name (2 and 4 characters), credit code,
  prefecture, page 2 of a prefecture, the first page. Scenarios: bare view (one SELECT by primary key, JSON), the
  search API with the cache turned off (``BENCH_CACHE=none``: every request reads the database), and the same with
  the cache on (Redis with REDIS_URL, else the project's file cache).
- Export: ``/api/v1/public/blacklist.csv`` and ``.json`` streamed through a fresh one-worker server; rows per second
  and that worker's peak resident memory (``VmHWM`` of /proc/<pid>/status, i.e. the whole process, Python and
  Django included) before and after the export.
Figures, not pass/fail: the targets (search >= 0.6 x bare, p99 < 50 ms; export streamed, < 150 MB) are printed
beside them."""
import argparse
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_registry"
LISTINGS, EMPLOYERS = 100_000, 1_000_000
SEED = 45  # Order 45
TODAY = dt.date.today()

CITIES = {"5401": "拉萨", "5402": "日喀则", "5403": "昌都", "5404": "林芝", "5405": "山南", "5406": "那曲",
          "5425": "阿里"}
BRAND_CHARS = ("雪域圣洁高原珠峰雅鲁藏布吉祥如意宏达兴盛恒通鑫源金泰华宇瑞丰安康信诚德隆永昌天成中铁新城东方"
               "明珠阳光博远辉煌嘉禾卓越盛世汇通腾飞锦程祥和昊天聚源润泽正大联合开元广厦宝鼎顺发富民益民康达"
               "鸿运昆仑格桑扎西达瓦尼玛次仁拉姆卓玛布达拉纳木措念青唐古羊八井墨脱察隅波密工布江孜亚东定日")
TRADES = ("建筑工程", "建筑劳务", "建设工程", "路桥工程", "装饰工程", "水电安装", "园林绿化", "商贸", "物业服务",
          "餐饮管理", "酒店管理", "运输", "矿业开发", "建材", "农牧业开发", "信息技术", "保安服务", "家政服务",
          "旅游开发", "劳务派遣")
FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建国建华志强文博浩宇子涵欣怡晨阳丹增旺堆多吉"


# --- arguments -----------------------------------------------------------------------------------------------------

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0,
                    help="fraction of 100,000 listings / 1,000,000 employers (e.g. 0.01 for a quick run)")
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DB)
    ap.add_argument("--duration", type=float, default=15.0, help="seconds of load per scenario")
    ap.add_argument("--concurrency", type=int, default=4, help="client processes")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    ap.add_argument("--reload", action="store_true", help="wipe the bench data and load again")
    ap.add_argument("--skip-export", action="store_true")
    ap.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each search query")
    a = ap.parse_args(argv)
    if not 0 < a.scale <= 1:
        ap.error("--scale must be in (0, 1]")
    return a


def sizes(scale: float) -> tuple[int, int]:
    listings = max(10, round(LISTINGS * scale))
    return listings, max(listings * 2, round(EMPLOYERS * scale))


def database_url(base: str, scale: float) -> str:
    if scale == 1 or base.startswith("sqlite"):
        return base
    return f"{base}_s{str(scale).replace('.', '_')}"


# --- generated values ----------------------------------------------------------------------------------------------

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def make_uscc(i: int, county: str) -> str:
    """A valid unified social credit code: 9 (market regulator) 1 (enterprise), the county code, a 9-character
    organisation code (8 digits + its GB 11714 check character), and the GB 32100 check character."""
    from stdnum.cn import uscc

    body = f"{i:08d}"
    c = 11 - sum(int(d) * w for d, w in zip(body, _ORG_WEIGHTS)) % 11
    org = body + {10: "X", 11: "0"}.get(c, str(c))
    first17 = f"91{county}{org}"
    return first17 + uscc.calc_check_digit(first17)


def make_id_number(rng: random.Random, county: str) -> str:
    from stdnum.cn import ric

    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
    body = f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def company_name(rng: random.Random, prefecture: str) -> str:
    return (CITIES.get(prefecture, "西藏") + rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS) + rng.choice(TRADES)
            + rng.choice(FORMS))


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


# --- Django and the database ---------------------------------------------------------------------------------------

def server_env(url: str, **extra) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings_bench", PYTHONPATH=str(ROOT), **extra)
    if url.startswith("sqlite"):
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = url.split("///", 1)[1]
    else:
        env["DATABASE_URL"] = url
    return env


def ensure_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ.update(server_env(url))
    import django

    django.setup()


def _copy(model, rows_of_dicts, connection) -> int:
    """Write rows (dicts of attname -> Python value) into ``model``'s table in one COPY (PostgreSQL) or
    executemany (elsewhere); every value goes through the field's own ``get_db_prep_save``."""
    fields = [f for f in model._meta.concrete_fields]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = {}
    for f in fields:
        if f.has_default() and not callable(f.default):
            defaults[f.attname] = f.get_default()
        elif not f.null and f.blank and f.get_internal_type() in ("CharField", "TextField"):
            defaults[f.attname] = ""

    def prep(d):
        out = []
        for f in fields:
            if f.attname in d:
                v = d[f.attname]
            elif f.attname in defaults:
                v = defaults[f.attname]
            elif f.has_default():
                v = f.get_default()
            else:
                v = None
            out.append(f.get_db_prep_save(v, connection))
        return out

    n = 0
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for d in rows_of_dicts:
                    copy.write_row(prep(d))
                    n += 1
        else:
            batch = []
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"
            for d in rows_of_dicts:
                batch.append(prep(d))
                if len(batch) == 5000:
                    cur.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cur.executemany(sql, batch)
                n += len(batch)
    return n


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def counts() -> dict:
    from blacklist.models import ListingDecision
    from casework.models import Employer

    return {"employers": Employer.objects.filter(name__isnull=False, uscc__startswith="91").count(),
            "published_listings": ListingDecision.objects.filter(state="PUBLISHED", decision_no__startswith="藏人社黑BR")
            .count()}


def wipe() -> None:
    """Remove the bench rows (only those: decision numbers, case numbers and codes carry the BR marker)."""
    from django.db import connection, transaction

    from blacklist.models import BlacklistEntry, ListingDecision
    from casework.models import Complaint, Employer, InspectionDocument

    with transaction.atomic():
        listings = ListingDecision.objects.filter(decision_no__startswith="藏人社黑BR")
        BlacklistEntry.objects.filter(listing__in=listings)._raw_delete(connection.alias)
        listings._raw_delete(connection.alias)
        InspectionDocument.objects.filter(doc_no__startswith="藏人社监BR")._raw_delete(connection.alias)
        Complaint.objects.filter(case_number__startswith="BR-")._raw_delete(connection.alias)
        Employer.objects.filter(uscc__startswith="91").exclude(complaints__isnull=False)._raw_delete(connection.alias)


def load(n_listings: int, n_employers: int, *, reload: bool = False, log=print) -> dict:
    """Load (or keep) ``n_employers`` employers and ``n_listings`` published listings (+5 % expired). Returns the
    counts and whether and how long the load took."""
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from blacklist.models import BlacklistEntry, ListingDecision
    from casework.fields import pii_hash
    from casework.identity import mask_id_public, validate_id_number, validate_uscc
    from casework.models import Complaint, Employer, InspectionDocument, Region

    want = {"employers": n_employers, "published_listings": n_listings}
    have = counts()
    if have == want and not reload:
        return {**have, "loaded": False, "load_seconds": 0.0}
    if any(have.values()):
        log(f"bench data {have}, wanted {want}{' (--reload)' if reload else ''}: wiping and loading")
        wipe()
    t0 = time.perf_counter()
    rng = random.Random(SEED)
    now = timezone.now()
    counties = list(Region.objects.filter(level="county").order_by("code").values_list("code", flat=True))
    assert counties, "regions are loaded by the migrations"
    users = get_user_model()
    drafter, _ = users.objects.get_or_create(username="bench_credit_officer")
    head, _ = users.objects.get_or_create(username="bench_inspection_head")

    with transaction.atomic():
        e0 = _next_id(Employer)
        emp_county = [counties[i % len(counties)] for i in range(n_employers)]

        def employers():
            for i in range(n_employers):
                county = emp_county[i]
                yield {"id": e0 + i, "created_at": now, "updated_at": now,
                       "name": company_name(rng, county[:4]), "uscc": make_uscc(i + 1, county),
                       "registration_region_code": county, "legal_rep_name": person_name(rng),
                       "is_construction": i % 3 == 0}

        _copy(Employer, employers(), connection)
        log(f"  employers: {n_employers} in {time.perf_counter() - t0:.1f} s")
        validate_uscc(Employer.objects.get(pk=e0).uscc)  # the generated codes pass the project's own check

        n_expired = n_listings // 20
        total = n_listings + n_expired
        step = max(1, n_employers // total)
        c0, d0, l0 = _next_id(Complaint), _next_id(InspectionDocument), _next_id(ListingDecision)
        plan = []
        for i in range(total):
            emp_index = (i * step) % n_employers
            decided = TODAY - dt.timedelta(days=rng.randrange(5, 3 * 365 - 5))
            expired = i >= n_listings
            if expired:
                decided = TODAY - dt.timedelta(days=3 * 365 + rng.randrange(1, 400))
            plan.append((i, e0 + emp_index, emp_county[emp_index], decided, expired))

        def complaints():
            for i, emp, county, decided, _x in plan:
                received = decided - dt.timedelta(days=90)
                yield {"id": c0 + i, "created_at": now, "updated_at": now, "case_number": f"BR-{i:08d}",
                       "access_code_hash": "bench", "kind": "report", "state": "NON_COMPLIANT", "employer_id": emp,
                       "region_id": county, "handling_region_id": county, "sector": "construction",
                       "employment_status": "left", "violation_start": received - dt.timedelta(days=120),
                       "violation_end": received - dt.timedelta(days=30), "workers_affected": 1 + i % 40,
                       "facts": "拖欠工资。", "received_at": received, "submitted_at": now,
                       "suspected_crime": True, "blacklist_candidate": True}

        _copy(Complaint, complaints(), connection)

        def documents():
            for i, _e, _c, decided, _x in plan:
                issued = decided - dt.timedelta(days=40)
                yield {"id": d0 + i, "complaint_id": c0 + i, "doc_type": "handling_decision",
                       "doc_no": f"藏人社监BR〔{issued.year}〕{i}号", "issued_at": issued, "served_at": issued,
                       "payment_deadline": issued + dt.timedelta(days=15),
                       "amount": Decimal(rng.randrange(30_000, 3_000_000)), "text": "责令支付拖欠工资。",
                       "issued_by_id": head.pk}

        _copy(InspectionDocument, documents(), connection)
        log(f"  complaints and orders: {total} each, {time.perf_counter() - t0:.1f} s")

        unit_names = dict(Employer.objects.filter(pk__in=[p[1] for p in plan]).values_list("pk", "name"))
        uscc_of = dict(Employer.objects.filter(pk__in=[p[1] for p in plan]).values_list("pk", "uscc"))

        def listings():
            for i, emp, county, decided, expired in plan:
                issued = decided - dt.timedelta(days=40)
                period_end = decided.replace(year=decided.year + 3) - dt.timedelta(days=1) \
                    if not (decided.month == 2 and decided.day == 29) else dt.date(decided.year + 3, 2, 28)
                published = dt.datetime.combine(decided + dt.timedelta(days=1), dt.time(2), tzinfo=dt.timezone.utc)
                yield {"id": l0 + i, "created_at": now, "updated_at": published, "complaint_id": c0 + i,
                       "employer_id": emp, "region_id": county, "state": "EXPIRED" if expired else "PUBLISHED",
                       "basis_limb": "incident" if i % 25 == 0 else "amount",
                       "incident_note": "引发群体性事件。" if i % 25 == 0 else "",
                       "order_document_id": d0 + i, "order_doc_no": f"藏人社监BR〔{issued.year}〕{i}号",
                       "payment_deadline": issued + dt.timedelta(days=15),
                       "arrears_amount": Decimal(rng.randrange(30_000, 3_000_000)),
                       "workers_affected": 1 + i % 40, "unit_name": unit_names[emp], "uscc": uscc_of[emp],
                       "deciding_department": f"{CITIES.get(county[:4], '西藏')}人力资源和社会保障局",
                       "drafted_by_id": drafter.pk, "notice_served_at": issued + dt.timedelta(days=16),
                       "approved_by_id": head.pk, "decision_no": f"藏人社黑BR〔{decided.year}〕{i}号",
                       "decided_at": decided, "period_end": period_end, "published_at": published,
                       "published_by_id": head.pk, "ended_at": period_end + dt.timedelta(days=1) if expired else None}

        _copy(ListingDecision, listings(), connection)

        def entries():
            for i, emp, county, decided, expired in plan:
                removed = {"removed_at": now, "removal_reason": "EXPIRED"} if expired else {}
                yield {"created_at": now, "updated_at": now, "listing_id": l0 + i, "subject_type": "UNIT",
                       "role": "UNIT", "employer_id": emp, "public_display_name": unit_names[emp], **removed}
                roles = ["LEGAL_REP"] + (["SUPERVISOR"] if i % 3 == 0 else [])
                for role in roles:
                    number = make_id_number(rng, county)
                    yield {"created_at": now, "updated_at": now, "listing_id": l0 + i, "subject_type": "PERSON",
                           "role": role, "public_display_name": person_name(rng), "id_number": number,
                           "id_number_hash": pii_hash(number), "public_id_masked": mask_id_public(number),
                           **removed}

        b0 = _next_id(BlacklistEntry)
        n_entries = _copy(BlacklistEntry, ({"id": b0 + k, **d} for k, d in enumerate(entries())), connection)
        validate_id_number(BlacklistEntry.objects.filter(subject_type="PERSON").order_by("-pk").first().id_number)
        log(f"  listings: {total} with {n_entries} entries, {time.perf_counter() - t0:.1f} s")
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Employer, Complaint, InspectionDocument, ListingDecision, BlacklistEntry]):
                cur.execute(sql)
    if connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cur:  # statistics and visibility map after the bulk load, as autovacuum would do
            cur.execute("VACUUM ANALYZE")
    seconds = time.perf_counter() - t0
    return {**counts(), "loaded": True, "load_seconds": round(seconds, 1)}


def sample_queries(rng: random.Random | None = None, n_each: int = 25) -> list[tuple[str, dict]]:
    """The query mix: (kind, params) drawn from the loaded listings."""
    from blacklist.models import ListingDecision

    rng = rng or random.Random(SEED + 1)
    rows = list(ListingDecision.objects.filter(state="PUBLISHED", decision_no__startswith="藏人社黑BR")
                .order_by("pk").values_list("unit_name", "uscc", "region_id")[::97][:400])
    rng.shuffle(rows)
    out = []
    for name, uscc, region in rows[:n_each]:
        city = next((c for c in CITIES.values() if name.startswith(c)), "")
        brand = name[len(city):len(city) + 2]
        out.append(("name_2_chars", {"q": brand}))
        out.append(("name_4_chars", {"q": name[len(city):len(city) + 4]}))
        out.append(("uscc", {"uscc": uscc}))
        out.append(("prefecture", {"region": region[:4] + "00"}))
        out.append(("prefecture_page_2", {"region": region[:4] + "00", "page": 2}))
    out.append(("first_page", {}))
    return out


def explain(queries) -> list[dict]:
    """EXPLAIN ANALYZE of the queries the search really makes (``blacklist_search`` with the cache off), once per
    kind (PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from blacklist.selectors import blacklist_search

    seen, out = set(), []
    for kind, params in queries:
        if kind in seen:
            continue
        seen.add(kind)
        with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}), \
                CaptureQueriesContext(connection) as ctx:
            blacklist_search(**params)
        for q in ctx.captured_queries:
            if not q["sql"].lstrip().upper().startswith("SELECT") or "set_config" in q["sql"]:
                continue
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + q["sql"])
                plan = [r[0] for r in cur.fetchall()]
            out.append({"kind": kind, "sql": q["sql"][:300], "plan": plan})
    return out


# --- load generation -----------------------------------------------------------------------------------------------

def _client(args):
    """One client process: requests ``paths`` in turn on one connection for ``duration`` seconds; returns
    (kind, status, seconds) per request."""
    port, paths, duration, seed = args
    rng = random.Random(seed)
    paths = paths[:]
    rng.shuffle(paths)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    end = time.perf_counter() + duration
    k = 0
    while time.perf_counter() < end:
        kind, path = paths[k % len(paths)]
        k += 1
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept": "application/json"})
            r = conn.getresponse()
            r.read()
            status = r.status
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
        except Exception:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status = 0
        out.append((kind, status, time.perf_counter() - t))
    conn.close()
    return out


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def drive(port: int, paths: list[tuple[str, str]], *, duration: float, concurrency: int) -> dict:
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(concurrency) as pool:
        results = pool.map(_client, [(port, paths, duration, SEED + i) for i in range(concurrency)])
    wall = time.perf_counter() - t0
    samples = [s for r in results for s in r]
    ok = [s for s in samples if s[1] == 200]
    lat = [s[2] for s in ok]
    by_kind = {}
    for kind in sorted({s[0] for s in samples}):
        ks = [s[2] for s in ok if s[0] == kind]
        by_kind[kind] = {"n": len(ks), "p50_ms": round(_pct(ks, 50) * 1000, 1),
                         "p99_ms": round(_pct(ks, 99) * 1000, 1)}
    return {"requests": len(samples), "ok": len(ok), "rps": round(len(ok) / min(wall, duration + 0.5), 1),
            "p50_ms": round(_pct(lat, 50) * 1000, 1), "p99_ms": round(_pct(lat, 99) * 1000, 1),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else 0.0, "by_kind": by_kind}


class Server:
    def __init__(self, env, workers):
        from bench.common import PY, free_port

        self.port = free_port()
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "casework.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--log-level", "warning", "--timeout", "300"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/bench/bare/")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(x) for x in out.stdout.split()]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def export(server: Server, path: str) -> dict:
    """Stream one export, count its rows; the worker's VmHWM before and after."""
    pid = server.workers()[0]
    before = _status_kb(pid, "VmHWM")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    t0 = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    nbytes, newlines, first_byte, tail = 0, 0, None, b""
    while True:
        chunk = r.read(1 << 16)
        if not chunk:
            break
        first_byte = first_byte or time.perf_counter() - t0
        nbytes += len(chunk)
        newlines += chunk.count(b"\n")
        if path.endswith(".json"):  # one '{"id": ' per listing; the tail carries a marker split between reads
            newlines += (tail + chunk).count(b'{"id": ')
            tail = chunk[-6:]
    seconds = time.perf_counter() - t0
    rows = newlines - 1 if path.endswith(".csv") else newlines  # minus the header line
    return {"status": r.status, "streamed": r.getheader("Content-Length") is None, "rows": rows,
            "mbytes": round(nbytes / 1e6, 1), "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
            "first_byte_ms": round((first_byte or 0) * 1000), "worker_vmhwm_mb_before": round(before / 1024, 1),
            "worker_vmhwm_mb_after": round(_status_kb(pid, "VmHWM") / 1024, 1)}


# --- main ----------------------------------------------------------------------------------------------------------

def mixed_paths(search: list[tuple[str, str]], *, share_new: float = 0.1, n: int = 60_000) -> list[tuple[str, str]]:
    """The cached mix with ``share_new`` of the requests replaced by searches nobody asked before (each at most once
    in the list: a random brand pair, a four-character name or a prefecture, at a random page), so that they miss the
    cache: closer to real traffic than a mix that always hits."""
    rng = random.Random(SEED + 2)
    seen, new = set(), []
    while len(new) < int(n * share_new):
        kind = rng.choice(("new_name_2", "new_name_4", "new_prefecture"))
        if kind == "new_name_2":
            params = {"q": rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS), "page": rng.randint(1, 3)}
        elif kind == "new_name_4":
            params = {"q": "".join(rng.choice(BRAND_CHARS) for _ in range(2)) + rng.choice(TRADES)[:2],
                      "page": rng.randint(1, 3)}
        else:
            params = {"region": rng.choice(list(CITIES)) + "00", "page": rng.randint(3, 50)}
        key = tuple(sorted(params.items()))
        if key not in seen:
            seen.add(key)
            new.append((kind, "/api/v1/public/blacklist/?" + urllib.parse.urlencode(params)))
    out, k = [], 0
    for i in range(n):
        if i % round(1 / share_new) == 0:
            out.append(new.pop())
        else:
            out.append(search[k % len(search)])
            k += 1
    return out


def measure(url: str, queries, *, duration: float, concurrency: int, workers: int, skip_export: bool) -> dict:
    from blacklist.api import RegistryListView  # noqa: F401 (import check before serving)
    from casework.models import Employer

    emp_ids = list(Employer.objects.order_by("?").values_list("pk", flat=True)[:500]) \
        if Employer.objects.count() < 50_000 else None
    if emp_ids is None:
        from django.db.models import Max, Min

        lo_hi = Employer.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        rng = random.Random(SEED)
        emp_ids = [rng.randint(lo_hi["lo"], lo_hi["hi"]) for _ in range(500)]
    bare = [("bare", f"/bench/bare-db/?id={i}") for i in emp_ids]
    search = [(kind, "/api/v1/public/blacklist/?" + urllib.parse.urlencode(p)) for kind, p in queries]
    result = {}
    for label, cache in (("uncached", "none"), ("cached", "")):
        server = Server(server_env(url, BENCH_CACHE=cache), workers)
        try:
            # warm: imports and connections; with the cache on, every query of the mix once (steady state: the
            # cached scenario measures hits, the uncached one never hits)
            for _kind, path in (search[:10] if cache == "none" else search) + bare[:10]:
                c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                c.request("GET", path)
                r = c.getresponse()
                r.read()
                assert r.status == 200, path
                c.close()
            if label == "uncached":
                result["bare_one_query_view"] = drive(server.port, bare, duration=duration,
                                                      concurrency=concurrency)
            result[f"search_api_{label}"] = drive(server.port, search, duration=duration, concurrency=concurrency)
            if label == "cached":
                result["search_api_cached_10pct_new"] = drive(server.port, mixed_paths(search), duration=duration,
                                                              concurrency=concurrency)
        finally:
            server.stop()
    if not skip_export:
        server = Server(server_env(url, BENCH_CACHE="none"), 1)
        try:
            c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            c.request("GET", "/bench/bare-db/?id=1")
            c.getresponse().read()
            result["export_csv"] = export(server, "/api/v1/public/blacklist.csv")
            result["export_json"] = export(server, "/api/v1/public/blacklist.json")
        finally:
            server.stop()
    return result


def table(figures: dict) -> str:
    bare = figures["bare_one_query_view"]
    lines = [f"registry benchmark: {figures['published_listings']:,} published listings, "
             f"{figures['employers']:,} employers, {figures['database']}, gunicorn {figures['workers']} workers, "
             f"{figures['concurrency']} client processes, {figures['duration']} s each",
             f"{'scenario':<28}{'req/s':>9}{'x bare':>8}{'p50 ms':>9}{'p99 ms':>9}{'target':>30}"]
    for key in ("bare_one_query_view", "search_api_uncached", "search_api_cached", "search_api_cached_10pct_new"):
        if key not in figures:
            continue
        r = figures[key]
        ratio = r["rps"] / bare["rps"] if bare["rps"] else 0
        target = "" if key.startswith("bare") else \
            f"{'MET' if ratio >= 0.6 and r['p99_ms'] < 50 else 'missed'} (>=0.6x, p99<50)"
        lines.append(f"{key:<28}{r['rps']:>9}{ratio:>8.2f}{r['p50_ms']:>9}{r['p99_ms']:>9}{target:>30}")
    lines.append("  uncached search by kind: " + ", ".join(
        f"{k} p50 {v['p50_ms']} / p99 {v['p99_ms']} ms" for k, v in figures["search_api_uncached"]["by_kind"].items()))
    for key in ("export_csv", "export_json"):
        if key in figures:
            e = figures[key]
            ok = e["streamed"] and e["worker_vmhwm_mb_after"] < 150
            lines.append(f"{key:<12} {e['rows']:,} rows, {e['mbytes']} MB in {e['seconds']} s = {e['rows_per_s']:,} "
                         f"rows/s; first byte {e['first_byte_ms']} ms; streamed {e['streamed']}; worker peak RSS "
                         f"(VmHWM) {e['worker_vmhwm_mb_before']} -> {e['worker_vmhwm_mb_after']} MB "
                         f"[{'MET' if ok else 'missed'}: streamed, < 150 MB]")
    return "\n".join(lines)


def main(argv=None):
    a = parse_args(argv)
    url = database_url(a.database_url, a.scale)
    n_listings, n_employers = sizes(a.scale)
    ensure_database(url)
    from bench.common import PY

    subprocess.run([PY, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"], env=server_env(url),
                   cwd=ROOT, check=True)
    setup_django(url)
    from django.db import connection

    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    loaded = load(n_listings, n_employers, reload=a.reload, log=log)
    log(f"data: {loaded}")
    queries = sample_queries()
    if a.explain and connection.vendor == "postgresql":
        for e in explain(queries):
            print(f"-- {e['kind']}: {e['sql']}\n" + "\n".join(e["plan"]), file=sys.stderr)
    connection.close()
    figures = {"benchmark": "registry", "database": connection.vendor, "workers": a.workers,
               "concurrency": a.concurrency, "duration": a.duration, **loaded,
               **measure(url, queries, duration=a.duration, concurrency=a.concurrency, workers=a.workers,
                         skip_export=a.skip_export)}
    print(table(figures))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return figures


if __name__ == "__main__":
    main()
