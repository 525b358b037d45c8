"""The posting of an order at the premises of an employer who fled is recorded "by photo or video" (法释〔2013〕3号
art. 4; spec §7): a real MP4 or WebM is accepted as the record, checked by its content like every upload, within its
own size limit; a text file renamed .mp4 is refused, and other evidence uploads still take no video."""
import pytest

from blacklist.models_transfer import CriminalTransfer
from casework.errors import DomainError
from casework.services.evidence import evidence_store

from .test_transfer import _english, candidate, open_transfer, tr  # noqa: F401  (fixtures)

# The first bytes of a real MP4 file: an ISO base media "ftyp" box (brand mp42), then a "free" box.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00" * 64
# A WebM file starts with an EBML header whose DocType is "webm".
WEBM = bytes.fromhex("1A45DFA39F4286810142F7810142F2810442F381084282847765626D4287810242858102") + b"\x00" * 64


class Upload:
    def __init__(self, name, data):
        self.name, self.size, self._data = name, len(data), data

    def read(self, n=-1):
        return self._data if n is None or n < 0 else self._data[:n]


def _posted(tr, c, upload):  # noqa: F811
    from blacklist import services as bl_svc

    issued = bl_svc.order_for(c).issued_at
    return open_transfer(tr, c, order_service="posted", posted_on=issued, posted_place="拉萨市城关区工地项目部",
                         posted_upload=upload)


@pytest.mark.parametrize("name,data,mime", [("posting.mp4", MP4, "video/mp4"), ("posting.webm", WEBM, "video/webm")])
def test_a_video_of_the_posting_is_accepted(tr, media, name, data, mime):  # noqa: F811
    c = candidate(tr)
    t = _posted(tr, c, Upload(name, data))
    assert t.posted_evidence.mime == mime and t.posted_evidence.audience == "internal"
    assert t.posted_evidence.complaint_id == c.pk


def test_a_text_file_renamed_mp4_is_refused(tr, media):  # noqa: F811
    c = candidate(tr)
    with pytest.raises(DomainError) as e:
        _posted(tr, c, Upload("posting.mp4", b"this is not a video, only text pretending to be one\n" * 4))
    message = e.value.errors["posted_evidence"][0]
    assert "posting.mp4" in message and "MP4" in message and "video" in message
    assert not CriminalTransfer.objects.exists()


def test_a_video_has_its_own_size_limit_and_a_photo_keeps_the_smaller_one(tr, media, settings):  # noqa: F811
    settings.EVIDENCE_MAX_BYTES = 1024
    settings.EVIDENCE_VIDEO_MAX_BYTES = 4096
    c = candidate(tr)
    big_video = MP4 + b"\x00" * 2000  # over the photo limit, within the video limit
    assert _posted(tr, c, Upload("posting.mp4", big_video)).posted_evidence.size == len(big_video)
    with pytest.raises(DomainError) as e:
        evidence_store(upload=Upload("too-long.mp4", MP4 + b"\x00" * 5000), complaint=c, user=tr["inspector"],
                       field="posted_evidence", video=True)
    assert "too-long.mp4" in e.value.errors["posted_evidence"][0]
    from tests.factories import png_bytes

    with pytest.raises(DomainError):  # a photo over its own limit is refused even where videos are allowed
        evidence_store(upload=Upload("big.png", png_bytes() + b"\x00" * 2000), complaint=c, user=tr["inspector"],
                       field="posted_evidence", video=True)


def test_other_evidence_uploads_take_no_video(tr, media):  # noqa: F811
    c = candidate(tr)
    with pytest.raises(DomainError) as e:
        evidence_store(upload=Upload("clip.mp4", MP4), complaint=c, user=tr["inspector"])
    assert "clip.mp4" in e.value.errors["evidence"][0]
