"""Generated case documents (disputes.documents, disputes.pdf): every kind is a real PDF in Chinese with an embedded
font, numbered, from the case data; the parties never reach the internal file (副卷); no ID number or phone is
ever printed; a rendering error leaves nothing behind. PDFs are checked by extracting their text (pypdf) and by
rendering page 1 to an image (pypdfium2)."""
import contextlib
import datetime as dt
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from casework.errors import DomainError, NotAllowed
from disputes import documents as documents_module
from disputes.documents import (ADDRESS_KINDS, cn_date, cn_datetime, document_for_download, document_issue,
                                document_text, documents_for_party, documents_for_staff, yuan)
from disputes.models import (AwardDocument, AwardItem, CaseDocument, DisputeEvent, DisputeSequence, Hearing,
                             HearingCorrection, HearingSignature, PartyAccess, ServiceRecord, TribunalMember)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

K = CaseDocument.Kind
ID_NUMBER = "11010519491231002X"
USCC = "91540100MA6T000014"
EMPLOYER_PHONE = "0891-6800001"
PERSON_ADDRESS = "拉萨市城关区北京中路8号"
TIBETAN_NAME = "བཀྲ་ཤིས་དོན་གྲུབ"
TZ = dt.timezone(dt.timedelta(hours=8))


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_bytes(doc: CaseDocument) -> bytes:
    with doc.file.open("rb") as fh:
        return fh.read()


@pytest.fixture
def arb_case(make_case, dstaff):
    """An accepted arbitration case with a three-member tribunal, a worker with an address, and an employer with a
    credit code and phone (neither may ever be printed)."""
    case = make_case(docket_no="拉劳人仲案字〔2025〕7号", accepted_at=dt.date(2025, 6, 13), state="ARB_ACCEPTED")
    worker = case.parties.get(side="applicant").person
    worker.address = PERSON_ADDRESS
    worker.save()
    employer = case.parties.get(side="respondent").employer
    employer.uscc, employer.contact_phone, employer.legal_rep_name = USCC, EMPLOYER_PHONE, "张某某"
    employer.save()
    for user, role in ((dstaff["arb1"], "presiding"), (dstaff["arb2"], "member"), (dstaff["arb3"], "member")):
        user.first_name = {"arb1": "扎西", "arb2": "卓玛", "arb3": "王某"}[user.username]
        user.save()
        TribunalMember.objects.create(case=case, arbitrator=user, role=role, appointed_on=dt.date(2025, 6, 16))
    return case


def _hearing(case, clerk):
    hearing = Hearing.objects.create(
        case=case, starts_at=dt.datetime(2025, 7, 1, 9, 30, tzinfo=TZ), place="本委第一仲裁庭", public=False,
        notice_sent_on=dt.date(2025, 6, 20), notice_method="written", scheduled_by=clerk,
        record_text="仲裁员：现在开庭。\n申请人：请求支付工资。", applicant_present=True, respondent_present=False)
    applicant = case.parties.get(side="applicant")
    HearingCorrection.objects.create(hearing=hearing, party=applicant, request_text="第二页“五月”应为“六月”",
                                     granted=False, reason="与录音一致", recorded_by=clerk)
    HearingSignature.objects.create(hearing=hearing, who="party", name="拉萨某建筑工程有限公司", signed=False,
                                    refusal_note="被申请人代理人拒绝签名")
    HearingSignature.objects.create(hearing=hearing, who="arbitrator", name="扎西", signed=True)
    return hearing


def _award(case, chair, *, finality="final", dissent=""):
    award = AwardDocument.objects.create(
        case=case, award_no=f"拉劳人仲案字〔2025〕7-{finality}号", finality=finality, award_date=dt.date(2025, 7, 20),
        reference_date=dt.date(2025, 7, 20), min_wage_monthly=Decimal("1850.00"), min_wage_source="藏政发〔2021〕X号",
        cap_amount=Decimal("22200.00"), facts="申请人于2024年3月入职，2025年3月至5月工资未发。",
        reasons="用人单位应当按照劳动合同约定按时足额支付劳动报酬。",
        rights_notice="劳动者对本裁决不服的，可以自收到本裁决书之日起十五日内向人民法院提起诉讼。",
        dissent=bool(dissent), dissent_text=dissent, issued_by=chair)
    category = "wages" if finality == "final" else "relationship"
    AwardItem.objects.create(case=case, award=award, category=category, description="2025年3月至5月工资",
                             amount=Decimal("6000.00") if finality == "final" else None, finality=finality)
    return award


def _context_for(kind, case, dstaff):
    """What a service would pass for each kind (the rest comes from the case)."""
    clerk = dstaff["clerk"]
    if kind == K.SUPPLEMENT_NOTICE:
        return {"missing_items": "身份证复印件\n劳动合同或者工资条", "supplement_by": dt.date(2025, 6, 16)}
    if kind == K.ACCEPTANCE_NOTICE:
        return {"award_due": dt.date(2025, 7, 28)}
    if kind == K.NON_ACCEPTANCE_NOTICE:
        return {"reason": "申请仲裁的事项不属于劳动争议。"}
    if kind == K.NO_JURISDICTION_NOTICE:
        return {"competent_commission": "日喀则市劳动人事争议仲裁委员会"}
    if kind == K.RESPONDENT_NOTICE:
        return {"defence_due": dt.date(2025, 7, 1)}
    if kind == K.SERVICE_RECORD:
        notice = document_issue(case, K.ACCEPTANCE_NOTICE, user=clerk)
        service = ServiceRecord.objects.create(
            case=case, document=notice, doc_kind=K.ACCEPTANCE_NOTICE, party=case.parties.get(side="respondent"),
            method="posting", sent_on=dt.date(2025, 6, 16), served_on=dt.date(2025, 6, 19), refused_to_sign=True,
            recorded_by=clerk)
        return {"service": service, "server_name": "李某"}
    if kind in (K.HEARING_NOTICE, K.HEARING_RECORD):
        return {"hearing": _hearing(case, clerk), "clerk_name": "李某"}
    if kind == K.COMPOSITION_NOTICE:
        return {"clerk_name": "李某"}
    if kind == K.EXTENSION_NOTICE:
        return {"days": 15, "new_due": dt.date(2025, 8, 12), "reason": "案情复杂", "approved_on": dt.date(2025, 7, 25)}
    if kind == K.AWARD:
        return {"award": _award(case, dstaff["chair"])}
    if kind == K.MEDIATION_AGREEMENT:
        return {"terms": "被申请人分两期支付拖欠工资6000元。", "total_amount": Decimal("6000.00"),
                "instalments": [{"seq": 1, "due_on": dt.date(2025, 7, 1), "amount": Decimal("3000.00")},
                                {"seq": 2, "due_on": dt.date(2025, 8, 1), "amount": Decimal("3000.00")}],
                "signed_on": dt.date(2025, 6, 20), "mediator_name": "央金"}
    if kind == K.MEDIATION_DOCUMENT:
        return {"terms": "被申请人于2025年7月1日前支付工资6000元。", "amount": Decimal("6000.00"),
                "made_on": dt.date(2025, 6, 25)}
    if kind == K.MEDIATION_REFUSAL:
        return {"reason": "被申请人不同意调解。", "refused_on": dt.date(2025, 6, 10), "may_apply_arbitration": True}
    if kind == K.MEDIATION_FAILED:
        return {"failed_on": dt.date(2025, 6, 24), "may_apply_arbitration": True}
    if kind == K.INTERNAL_NOTE:
        return {"subject": "合议笔录", "text": "合议意见：支持申请人的请求。"}
    return {}


# The Chinese title and the facts each kind must print (checked on the extracted text, without whitespace).
EXPECTED = {
    K.RECEIPT: ["仲裁申请收件回执", "2025年6月9日", "拖欠工资", "6,000.00元"],
    K.SUPPLEMENT_NOTICE: ["补正通知书", "身份证复印件", "劳动合同或者工资条", "一次性告知", "为收到仲裁申请之日",
                          "2025年6月16日"],
    K.ACCEPTANCE_NOTICE: ["受理通知书", "2025年6月13日", "拉劳人仲案字〔2025〕7号", "45日", "2025年7月28日"],
    K.NON_ACCEPTANCE_NOTICE: ["不予受理通知书", "不属于劳动争议", "向人民法院提起诉讼", "拉萨市城关区人民法院"],
    K.NO_JURISDICTION_NOTICE: ["书面说明", "日喀则市劳动人事争议仲裁委员会"],
    K.RESPONDENT_NOTICE: ["应诉通知书", "10个工作日", "2025年7月1日", "答辩书"],
    K.SERVICE_RECORD: ["送达回证", "受理通知书", "留置送达", "2025年6月19日", "拒绝签收"],
    K.HEARING_NOTICE: ["开庭通知书", "2025年7月1日9时30分", "本委第一仲裁庭", "不公开", "缺席裁决", "视为撤回仲裁申请"],
    K.COMPOSITION_NOTICE: ["仲裁庭组成通知书", "首席仲裁员", "扎西", "卓玛", "王某", "回避", "3个工作日"],
    K.EXTENSION_NOTICE: ["延期通知书", "15日", "2025年8月12日", "案情复杂"],
    K.AWARD: ["终局裁决书", "本裁决为终局裁决", "劳动报酬", "6,000.00元", "十五日内向人民法院提起诉讼",
              "首席仲裁员扎西仲裁员卓玛仲裁员王某", "「仲裁委员会印章」", "2025年7月20日", PERSON_ADDRESS, "张某某"],
    K.MEDIATION_AGREEMENT: ["调解协议书", "3,000.00元", "第2期", "2025年8月1日", "央金", PERSON_ADDRESS],
    K.MEDIATION_DOCUMENT: ["调解书", "6,000.00元", "签收后，即发生法律效力", PERSON_ADDRESS],
    K.MEDIATION_REFUSAL: ["不予受理调解申请通知书", "被申请人不同意调解", "申请仲裁"],
    K.MEDIATION_FAILED: ["调解终止通知书", "2025年6月24日", "申请仲裁"],
    K.HEARING_RECORD: ["庭审笔录", "现在开庭", "第二页“五月”应为“六月”", "不予更正", "与录音一致",
                       "拒绝签名", "被申请人代理人拒绝签名", "申请人次仁：到庭；被申请人拉萨某建筑工程有限公司：未到庭"],
    K.INTERNAL_NOTE: ["内部工作记录", "合议笔录", "副卷"],
}


def _fonts(page):
    """(subtype, font descriptor or None, base font name) of every font used on a page, and of the descendant
    fonts of Type0 (composite) fonts."""
    found = []
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        for desc in font.get("/DescendantFonts", [font]):
            d = desc.get_object()
            found.append((str(d.get("/Subtype")), d.get("/FontDescriptor").get_object()
                          if d.get("/FontDescriptor") else None, str(d.get("/BaseFont", ""))))
        found.append((str(font.get("/Subtype")), None, str(font.get("/BaseFont", ""))))
    return found


@pytest.mark.parametrize("kind", K.values)
def test_every_kind_is_a_valid_numbered_chinese_pdf_with_embedded_font(kind, arb_case, make_case, dstaff,
                                                                       private_media):
    case = arb_case if kind not in (K.MEDIATION_REFUSAL, K.MEDIATION_FAILED, K.MEDIATION_AGREEMENT) else None
    if case is None:
        case = make_case(track="mediation")
        person = case.parties.get(side="applicant").person
        person.address = PERSON_ADDRESS
        person.save()
    audience = "internal" if kind == K.INTERNAL_NOTE else "main"
    doc = document_issue(case, kind, user=dstaff["clerk"], audience=audience, context=_context_for(kind, case, dstaff))
    data = pdf_bytes(doc)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    text = compact(document_text(doc))
    # number, case number, title and the key facts
    assert compact(doc.doc_no) in text and case.case_number in text
    assert doc.title in text
    for fact in EXPECTED[kind]:
        assert compact(fact) in text, (kind, fact)
    assert "第1页共" in text  # page numbers in the footer
    # stored privately, with its hash and size, issued by the clerk
    assert Path(doc.file.path).resolve().is_relative_to(private_media.resolve())
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == len(data)
    assert doc.issued_by == dstaff["clerk"] and doc.audience == audience
    # the font is embedded (TrueType or CFF), never a Type3 bitmap font
    fonts = [f for page in reader.pages for f in _fonts(page)]
    assert not [f for f in fonts if f[0] == "/Type3"]
    descriptors = [d for _s, d, _n in fonts if d is not None]
    assert descriptors and all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)
    # personal data: never an ID number, phone or credit code; the address only where the law needs it
    worker = case.parties.get(side="applicant").person
    for secret in (ID_NUMBER, worker.phone, USCC, EMPLOYER_PHONE):
        assert secret not in text
    assert (PERSON_ADDRESS in text) == (kind in ADDRESS_KINDS)


def test_award_non_final_title_and_finality_sentence(arb_case, dstaff):
    award = _award(arb_case, dstaff["chair"], finality="non_final")
    doc = document_issue(arb_case, K.AWARD, user=dstaff["chair"], context={"award": award})
    text = compact(document_text(doc))
    assert doc.title == "裁决书" and "终局裁决书" not in text
    assert "本裁决为非终局裁决" in text and "本裁决为终局裁决" not in text
    assert "确认劳动关系" in text and "非终局" in text


def test_award_keys_can_be_passed_without_the_award_row(arb_case, dstaff):
    doc = document_issue(arb_case, K.AWARD, user=dstaff["chair"], context={
        "finality": "final", "facts": "事实", "reasons": "理由", "rights_notice": "用人单位有证据证明本裁决有法定情形之一的",
        "award_items": [{"category": "经济补偿", "amount": Decimal("1850"), "granted": True}],
        "award_date": dt.date(2025, 7, 21)})
    text = compact(document_text(doc))
    assert doc.title == "终局裁决书" and "本裁决为终局裁决" in text
    assert "用人单位有证据证明本裁决有法定情形之一的" in text and "1,850.00元" in text and "2025年7月21日" in text


def test_minority_opinion_only_in_the_internal_copy_of_the_award(arb_case, dstaff):
    """LDMAL 45: the minority opinion goes into the record; spec §14: the parties never see it."""
    award = _award(arb_case, dstaff["chair"], dissent="本人认为加班费请求亦应支持。")
    main = document_issue(arb_case, K.AWARD, user=dstaff["chair"], context={"award": award})
    internal = document_issue(arb_case, K.AWARD, user=dstaff["chair"], context={"award": award},
                              audience="internal")
    assert "本人认为加班费请求亦应支持" not in compact(document_text(main))
    internal_text = compact(document_text(internal))
    assert "少数意见" in internal_text and "本人认为加班费请求亦应支持" in internal_text
    assert "副卷" in internal_text
    assert list(documents_for_party(arb_case)) == [main]


def test_callers_keys_win_and_text_is_escaped(arb_case, dstaff):
    doc = document_issue(arb_case, K.NON_ACCEPTANCE_NOTICE, user=dstaff["clerk"], context={
        "addressee": "<b>次仁</b>", "reason": "<img src='file:///etc/passwd'>不属于受案范围"})
    text = compact(document_text(doc))
    assert "<b>次仁</b>：" in text and "<imgsrc='file:///etc/passwd'>不属于受案范围" in text


def test_title_given_by_the_caller_is_stored_and_printed(arb_case, dstaff):
    doc = document_issue(arb_case, K.INTERNAL_NOTE, user=dstaff["arb1"], audience="internal", title="合议笔录",
                         context={"text": "合议"})
    assert doc.title == "合议笔录" and "合议笔录" in compact(document_text(doc))


# --- rendering to an image: the title really drew ----------------------------------------------------------------

@contextlib.contextmanager
def _page_one(doc: CaseDocument, scale: int = 2):
    """Page 1 rendered to a grayscale image with pypdfium2, with its text page (character boxes in PDF points)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes(doc))
    try:
        page = pdf[0]
        textpage = page.get_textpage()
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        yield page, textpage, image
        textpage.close()
        page.close()
    finally:
        pdf.close()


def _ink(image, page, boxes, scale=2):
    """Dark pixels inside the union of character boxes, the box area, and the cropped pixels."""
    height = page.get_height()
    crop = image.crop((int(min(b[0] for b in boxes) * scale), int((height - max(b[3] for b in boxes)) * scale),
                       int(max(b[2] for b in boxes) * scale) + 1, int((height - min(b[1] for b in boxes)) * scale) + 1))
    return sum(1 for px in crop.getdata() if px < 128), crop.size[0] * crop.size[1], crop.tobytes()


def _title_ink(doc: CaseDocument, title: str):
    """(dark pixel count, box area, pixels) inside the boxes of the title's characters on page 1."""
    with _page_one(doc) as (page, textpage, image):
        full = textpage.get_text_range()
        start = full.find(title)
        assert start >= 0, full[:200]
        return _ink(image, page, [textpage.get_charbox(i) for i in range(start, start + len(title))])


def _band_ink(doc: CaseDocument) -> int:
    """Dark pixels in the band where the title sits (between the commission's name and the document number)."""
    with _page_one(doc) as (page, textpage, image):
        full = textpage.get_text_range()
        org_end = full.find("委员会") + 2
        docno = full.find(doc.doc_no[:3], org_end)
        height = page.get_height()
        y_top = (height - textpage.get_charbox(org_end)[1]) * 2 + 2
        y_bottom = (height - textpage.get_charbox(docno)[3]) * 2 - 2
        crop = image.crop((0, int(y_top), image.size[0], int(y_bottom)))
        return sum(1 for px in crop.getdata() if px < 128)


def test_title_renders_real_glyphs_not_tofu(arb_case, dstaff):
    clerk = dstaff["clerk"]
    a = document_issue(arb_case, K.INTERNAL_NOTE, user=clerk, audience="internal", title="终局裁决书")
    b = document_issue(arb_case, K.INTERNAL_NOTE, user=clerk, audience="internal", title="裁决书终局")
    empty = document_issue(arb_case, K.INTERNAL_NOTE, user=clerk, audience="internal", title=" ")
    dark_a, area_a, pixels_a = _title_ink(a, "终局裁决书")
    dark_b, _area_b, pixels_b = _title_ink(b, "裁决书终局")
    # ink covers a real share of the title's boxes (a 22pt CJK title: well over a tenth)
    assert dark_a > 0.08 * area_a and dark_a > 1500
    # the same five characters in another order draw the same amount of ink but a different picture: each
    # character has its own glyph (five identical .notdef boxes would give identical pictures)
    assert abs(dark_a - dark_b) < 0.1 * dark_a and pixels_a != pixels_b
    # and where there is no title there is (almost) no ink
    assert _band_ink(empty) < 0.05 * _band_ink(a)


def test_tibetan_name_prints_with_the_tibetan_font(arb_case, dstaff):
    worker = arb_case.parties.get(side="applicant").person
    worker.name = TIBETAN_NAME
    worker.save()
    doc = document_issue(arb_case, K.ACCEPTANCE_NOTICE, user=dstaff["clerk"])
    text = compact(document_text(doc))
    assert compact(TIBETAN_NAME) in text
    reader = PdfReader(io.BytesIO(pdf_bytes(doc)))
    names = [n for _s, _d, n in _fonts(reader.pages[0])]
    assert any("Tibetan" in n for n in names) and any("SC" in n for n in names)
    # the name's characters drew (page 1, pypdfium2): ink inside their boxes
    with _page_one(doc) as (page, textpage, image):
        full = textpage.get_text_range()
        i = full.find("བཀྲ")
        assert i >= 0
        dark, _area, _pixels = _ink(image, page, [textpage.get_charbox(j) for j in range(i, i + 3)])
    assert dark > 50


def _font_files(doc):
    reader = PdfReader(io.BytesIO(pdf_bytes(doc)))
    return {key for page in reader.pages for _s, d, _n in _fonts(page) if d is not None
            for key in ("/FontFile2", "/FontFile3") if key in d}


def test_font_cache_is_truetype_gb2312_and_a_rare_character_uses_the_full_font(arb_case, dstaff):
    from fontTools.ttLib import TTFont

    from disputes import pdf

    path = pdf.prepare_font_cache()  # built once per machine (~20 s), then returned at once
    font = TTFont(str(path))
    cmap = font.getBestCmap()
    assert "glyf" in font and "CFF " not in font and "GSUB" not in font
    assert len(cmap) > 7000 and ord("裁") in cmap and ord("：") in cmap and ord("犇") not in cmap
    doc = document_issue(arb_case, K.ACCEPTANCE_NOTICE, user=dstaff["clerk"])
    assert _font_files(doc) == {"/FontFile2"}  # the TrueType cache
    worker = arb_case.parties.get(side="applicant").person
    worker.name = "王喆犇"  # 喆 and 犇 are not in GB 2312: this document is subset from the full (CFF) font
    worker.save()
    rare = document_issue(arb_case, K.ACCEPTANCE_NOTICE, user=dstaff["clerk"])
    assert _font_files(rare) == {"/FontFile3"}
    assert "王喆犇" in compact(document_text(rare))


def test_without_the_cache_the_full_font_is_used_and_the_cache_is_started(arb_case, dstaff, settings, tmp_path,
                                                                           monkeypatch):
    from disputes import pdf

    settings.DOCUMENT_FONT_CACHE_DIR = tmp_path / "fonts"
    started = []
    monkeypatch.setattr(pdf, "_build_in_background", lambda: started.append(True))
    doc = document_issue(arb_case, K.RESPONDENT_NOTICE, user=dstaff["clerk"])
    assert started and _font_files(doc) == {"/FontFile3"}
    assert "应诉通知书" in compact(document_text(doc))


# --- numbering ------------------------------------------------------------------------------------------------------

@freeze_time("2026-03-02 10:00:00+08:00")
def test_numbering_says_whose_case_and_what_and_is_unique(make_case, dstaff, commission_shigatse):
    """Before acceptance a document carries the case number, afterwards the docket number; a second document of
    one kind on the same case is numbered 2; numbers never repeat."""
    clerk = dstaff["clerk"]
    cases = [make_case() for _ in range(3)]
    receipts = [document_issue(c, K.RECEIPT, user=clerk) for c in cases]
    assert [d.doc_no for d in receipts] == [f"{c.case_number}-收件回执" for c in cases]
    cases[0].docket_no = "拉劳人仲案字〔2026〕5号"
    cases[0].save()
    first = document_issue(cases[0], K.HEARING_NOTICE, user=clerk, context={"hearing_at": "2026-03-20T09:00"})
    second = document_issue(cases[0], K.HEARING_NOTICE, user=clerk, context={"hearing_at": "2026-03-27T09:00"})
    assert (first.doc_no, second.doc_no) == ("拉劳人仲案字〔2026〕5号-开庭通知", "拉劳人仲案字〔2026〕5号-开庭通知2")
    shigatse_case = make_case(region="540200")
    shigatse_case.commission = commission_shigatse
    shigatse_case.docket_no = "日劳人仲案字〔2026〕1号"
    shigatse_case.save()
    shigatse = document_issue(shigatse_case, K.ACCEPTANCE_NOTICE, user=dstaff["clerk_shigatse"])
    assert shigatse.doc_no == "日劳人仲案字〔2026〕1号-受理通知"
    numbers = list(CaseDocument.objects.values_list("doc_no", flat=True))
    assert len(numbers) == len(set(numbers)) == 6
    # the number printed on the document is the stored one
    assert compact(second.doc_no) in compact(document_text(second))


@freeze_time("2026-03-02 10:00:00+08:00")
def test_mediation_documents_are_numbered_per_case(make_case, dstaff):
    case = make_case(track="mediation")
    first = document_issue(case, K.MEDIATION_FAILED, user=dstaff["mediator"])
    second = document_issue(case, K.MEDIATION_FAILED, user=dstaff["mediator"])
    assert (first.doc_no, second.doc_no) == (f"{case.case_number}-调解终止通知",
                                             f"{case.case_number}-调解终止通知2")
    assert "城关区劳动争议调解中心" in compact(document_text(first))


def test_a_given_number_is_used(arb_case, dstaff):
    doc = document_issue(arb_case, K.AWARD, user=dstaff["chair"], doc_no="拉劳人仲案字〔2025〕7号",
                         context={"award": _award(arb_case, dstaff["chair"])})
    assert doc.doc_no == "拉劳人仲案字〔2025〕7号"
    assert not DisputeSequence.objects.filter(key__contains=":award").exists()
    with pytest.raises(DomainError):  # a number is never issued twice
        document_issue(arb_case, K.AWARD, user=dstaff["chair"], doc_no="拉劳人仲案字〔2025〕7号",
                       context={"finality": "final"})


# --- atomicity, history, timeline --------------------------------------------------------------------------------

def test_rendering_error_saves_nothing(arb_case, dstaff, private_media, monkeypatch):
    before = (CaseDocument.objects.count(), DisputeEvent.objects.count(),
              list(DisputeSequence.objects.values_list("key", "last")))

    def broken(html):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(documents_module, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        document_issue(arb_case, K.ACCEPTANCE_NOTICE, user=dstaff["clerk"])
    after = (CaseDocument.objects.count(), DisputeEvent.objects.count(),
             list(DisputeSequence.objects.values_list("key", "last")))
    assert after == before
    assert not [p for p in private_media.rglob("*") if p.is_file()]
    monkeypatch.undo()
    # the number was not used up: the next document takes it
    doc = document_issue(arb_case, K.ACCEPTANCE_NOTICE, user=dstaff["clerk"])
    assert doc.doc_no == f"{arb_case.docket_no or arb_case.case_number}-受理通知"


def test_a_template_error_inside_the_callers_transaction_rolls_back(arb_case, dstaff, monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(documents_module, "document_html", lambda kind, ctx: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            arb_case.refusal_reason = "changed by the caller"
            arb_case.save()
            document_issue(arb_case, K.NON_ACCEPTANCE_NOTICE, user=dstaff["clerk"])
    arb_case.refresh_from_db()
    assert arb_case.refusal_reason == "" and not CaseDocument.objects.exists()


def test_history_and_timeline(arb_case, dstaff):
    main = document_issue(arb_case, K.ACCEPTANCE_NOTICE, user=dstaff["clerk"])
    internal = document_issue(arb_case, K.INTERNAL_NOTE, user=dstaff["clerk"], audience="internal",
                              context={"text": "内部"})
    assert main.history.first().history_user == dstaff["clerk"]
    events = {e.detail["doc_no"]: e for e in arb_case.events.filter(code="document_issued")}
    assert events[main.doc_no].public is True and events[internal.doc_no].public is False
    assert events[main.doc_no].actor == dstaff["clerk"] and events[main.doc_no].detail["kind"] == "acceptance_notice"


def test_issued_without_a_user_in_an_english_session(arb_case):
    """An online application or a sweep issues documents with no signed-in staff; the document is Chinese even
    when the request's language is English."""
    from django.utils import translation

    with translation.override("en"):
        doc = document_issue(arb_case, K.RECEIPT, context={"acceptance_due": dt.date(2025, 6, 16)})
    assert doc.issued_by is None
    assert arb_case.events.get(code="document_issued").actor is None
    text = compact(document_text(doc))
    assert "仲裁申请收件回执" in text and "拖欠工资" in text and "2025年6月16日前作出是否受理的决定" in text


def test_unknown_kind_is_refused(arb_case, dstaff):
    with pytest.raises(DomainError):
        document_issue(arb_case, "summons", user=dstaff["clerk"])
    assert not CaseDocument.objects.exists()


# --- who sees what --------------------------------------------------------------------------------------------------

@pytest.fixture
def both_files(arb_case, dstaff):
    main = document_issue(arb_case, K.ACCEPTANCE_NOTICE, user=dstaff["clerk"])
    internal = document_issue(arb_case, K.INTERNAL_NOTE, user=dstaff["clerk"], audience="internal",
                              context={"text": "合议"})
    return main, internal


def test_party_selector_excludes_the_internal_file(arb_case, both_files):
    main, internal = both_files
    assert list(documents_for_party(arb_case)) == [main]


def test_staff_selector(arb_case, dstaff, both_files):
    assert list(documents_for_staff(dstaff["clerk"], arb_case)) == list(both_files)
    assert list(documents_for_staff(dstaff["arb1"], arb_case)) == list(both_files)  # sits on the tribunal
    assert not documents_for_staff(dstaff["clerk_shigatse"], arb_case).exists()
    assert not documents_for_staff(dstaff["arb4"], arb_case).exists()


def test_download_as_party(arb_case, dstaff, both_files):
    main, internal = both_files
    assert document_for_download(case=arb_case, doc_id=main.pk, as_party=True) == main
    with pytest.raises(NotAllowed) as refused:
        document_for_download(case=arb_case, doc_id=internal.pk, as_party=True)
    assert "第二十二条" in refused.value.message
    worker_user = make_user("worker_1", "worker", perm=None)
    PartyAccess.objects.create(party=arb_case.parties.get(side="applicant"), user=worker_user)
    assert document_for_download(user=worker_user, case=arb_case, doc_id=main.pk, as_party=True) == main
    with pytest.raises(NotAllowed):
        document_for_download(user=worker_user, case=arb_case, doc_id=internal.pk, as_party=True)
    stranger = make_user("worker_2", "worker", perm=None)
    with pytest.raises(NotAllowed):
        document_for_download(user=stranger, case=arb_case, doc_id=main.pk, as_party=True)


def test_download_as_staff(arb_case, make_case, dstaff, both_files):
    main, internal = both_files
    assert document_for_download(user=dstaff["clerk"], case=arb_case, doc_id=internal.pk, as_party=False) == internal
    with pytest.raises(NotAllowed):
        document_for_download(user=dstaff["clerk_shigatse"], case=arb_case, doc_id=main.pk, as_party=False)
    with pytest.raises(NotAllowed):
        document_for_download(case=arb_case, doc_id=main.pk, as_party=False)
    other = make_case()
    with pytest.raises(CaseDocument.DoesNotExist):  # a document of another case is not found through this case
        document_for_download(user=dstaff["clerk"], case=other, doc_id=main.pk, as_party=False)


# --- filters --------------------------------------------------------------------------------------------------------

def test_chinese_date_and_amount_formats():
    assert cn_date(dt.date(2025, 6, 9)) == "2025年6月9日"
    assert cn_date("2025-10-08") == "2025年10月8日"
    assert cn_date(None) == "" and cn_date("另行通知") == "另行通知"
    # an aware datetime prints in local time (Asia/Shanghai): 17:30 UTC is 01:30 the next day
    late = dt.datetime(2025, 9, 30, 17, 30, tzinfo=dt.timezone.utc)
    assert cn_date(late) == "2025年10月1日" and cn_datetime(late) == "2025年10月1日1时30分"
    assert cn_datetime(dt.datetime(2025, 7, 1, 9, 5, tzinfo=TZ)) == "2025年7月1日9时05分"
    assert yuan(Decimal("6000")) == "6,000.00元" and yuan(Decimal("22200.5")) == "22,200.50元"
    assert yuan(0) == "0.00元" and yuan(None) == "" and yuan("1,850") == "1,850.00元" and yuan("面议") == "面议"
