"""Time to generate each kind of case document (disputes.documents.document_issue: context, template, WeasyPrint,
font subsetting, private storage) and the size of the PDF.

    .venv/bin/python bench/documents.py [--repeat 5]

Runs on a scratch database (SQLite, or a scratch PostgreSQL database when DATABASE_URL is set). Prints JSON: the
first document of the process (imports, fonts loaded), then the median and worst milliseconds per kind over the
repeats, with the cached GB 2312 font subset (the normal case) and, for the award, from the full font (a name with a
character outside GB 2312, or a machine whose cache is not built yet)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(repeat: int) -> dict:
    import datetime as dt
    from decimal import Decimal

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User

    settings.DOCUMENT_FONT_CACHE_DIR = ROOT / "var" / "fonts"  # share the machine's cache with the dev server
    from arrears.models import ArrearsLineItem
    from casework.models import Employer, Person
    from disputes import pdf
    from disputes.documents import document_issue
    from disputes.models import (ArbitrationCommission, AwardDocument, AwardItem, CaseDocument, DisputeCase,
                                 DisputeParty, TribunalMember)
    from disputes.services.common import access_code_hash, next_case_number

    t0 = time.perf_counter()
    pdf.prepare_font_cache()
    cache_ms = (time.perf_counter() - t0) * 1000
    clerk = User.objects.create_user("bench_clerk")
    clerk.groups.add(Group.objects.get(name="arbitration_clerk"))
    commission = ArbitrationCommission.objects.create(name="拉萨市劳动人事争议仲裁委员会", region_id="540100",
                                                      docket_prefix="拉劳人仲案字", address="拉萨市城关区")
    case = DisputeCase.objects.create(
        track="arbitration", case_number=next_case_number("arbitration", "540100", 2025), access_code_hash=
        access_code_hash("1"), state="ARB_ACCEPTED", region_id="540100", commission=commission,
        claims_text="支付拖欠工资", facts_text="2025年3月至5月工资未发", received_at=dt.date(2025, 6, 9),
        accepted_at=dt.date(2025, 6, 13), docket_no="拉劳人仲案字〔2025〕7号")
    worker = Person.objects.create(name="次仁", address="拉萨市城关区北京中路8号")
    employer = Employer.objects.create(name="拉萨某建筑工程有限公司", address="拉萨市", legal_rep_name="张某某")
    DisputeParty.objects.create(case=case, side="applicant", person=worker)
    DisputeParty.objects.create(case=case, side="respondent", employer=employer)
    ArrearsLineItem.objects.create(dispute=case, worker=worker, category="wages", period_start=dt.date(2025, 3, 1),
                                   period_end=dt.date(2025, 5, 31), amount_claimed=Decimal("6000"))
    for i, role in enumerate(("presiding", "member", "member")):
        arb = User.objects.create_user(f"bench_arb{i}", first_name=["扎西", "卓玛", "王某"][i])
        TribunalMember.objects.create(case=case, arbitrator=arb, role=role, appointed_on=dt.date(2025, 6, 16))
    award = AwardDocument.objects.create(
        case=case, award_no="拉劳人仲案字〔2025〕7号", finality="final", award_date=dt.date(2025, 7, 20),
        reference_date=dt.date(2025, 7, 20), min_wage_monthly=Decimal("1850"), min_wage_source="藏政发〔2021〕X号",
        cap_amount=Decimal("22200"), facts="申请人于2024年3月入职，2025年3月至5月工资未发。" * 8,
        reasons="用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。" * 8,
        rights_notice="劳动者对本裁决不服的，可以自收到本裁决书之日起十五日内向人民法院提起诉讼。", issued_by=clerk)
    AwardItem.objects.create(case=case, award=award, category="wages", description="2025年3月至5月工资",
                             amount=Decimal("6000"), finality="final")
    contexts = {
        "award": {"award": award},
        "hearing_notice": {"hearing_at": dt.datetime(2025, 7, 1, 9, 30), "hearing_place": "本委第一仲裁庭",
                           "hearing_public": True},
        "supplement_notice": {"missing_items": "身份证复印件\n劳动合同"},
        "mediation_document": {"terms": "被申请人支付工资6000元。", "amount": Decimal("6000")},
        "extension_notice": {"days": 15, "new_due": dt.date(2025, 8, 12)},
        "internal_note": {"text": "合议意见"},
    }
    first = None
    results = {}
    for kind in CaseDocument.Kind.values:
        times, size = [], 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            doc = document_issue(case, kind, user=clerk, context=contexts.get(kind),
                                 audience="internal" if kind == "internal_note" else "main")
            times.append((time.perf_counter() - t0) * 1000)
            size = doc.size
            if first is None:
                first = round(times[0], 1)
        results[kind] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                         "pdf_bytes": size}
    # the full-font path: a name with characters outside GB 2312
    worker.name = "王喆犇"
    worker.save()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        document_issue(case, "award", user=clerk, context={"award": award})
        times.append((time.perf_counter() - t0) * 1000)
    return {"font_cache_ready_ms": round(cache_ms, 1), "first_document_ms": first, "per_kind": results,
            "award_full_font_median_ms": round(statistics.median(times), 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--child", action="store_true")
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.repeat)))
        return
    from bench.common import manage, scratch_env

    env = scratch_env("documents")
    manage(env, "migrate", "--noinput")
    out = subprocess.run([sys.executable, __file__, "--child", "--repeat", str(a.repeat)], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps({"benchmark": "documents", "database": "postgresql" if os.environ.get("DATABASE_URL")
                      else "sqlite", **result}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
