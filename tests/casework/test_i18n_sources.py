"""Every worker- and public-facing string, read from the sources themselves (templates through Django's own
``templatize``, Python through the AST — tests/i18n_scan.py), has a Tibetan translation in the merged catalogs
(locale/, blacklist/locale, notifications/locale). The older catalog tests rely on the .po references, which a
string added without re-running makemessages would escape; this one does not. Staff-only strings may fall back to
Chinese (docs/translation.md), and a missing translation falls back to Chinese, never to the English msgid."""
import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.i18n_scan import missing, msgids

PUBLIC_SOURCES = {
    "public pager": ("blacklist/templates/blacklist/_pager.html",),
    "complaints": ("templates/public", "templates/includes", "templates/base.html", "casework/views/public.py",
                   "casework/views/forms.py", "casework/services/intake.py", "casework/services/evidence.py",
                   "casework/identity.py", "casework/selectors.py"),
    "disputes": ("templates/disputes/public", "templates/disputes/party", "disputes/forms.py",
                 "disputes/selectors.py", "disputes/services/applications.py", "disputes/services/limitation.py"),
    "registry": ("blacklist/templates/blacklist/registry_list.html", "blacklist/templates/blacklist/registry_detail.html",
                 "blacklist/templates/blacklist/too_many.html"),
    "disclosures": ("blacklist/templates/blacklist/disclosure/public_list.html",
                    "blacklist/templates/blacklist/disclosure/public_detail.html"),
    "grades (enterprise and public)": ("blacklist/templates/blacklist/grading/public.html",
                                       "blacklist/templates/blacklist/grading/my_grade.html"),
    "project safeguards on the tracking page": ("templates/arrears/projects/_track_safeguards.html",),
}


@pytest.mark.parametrize("group", sorted(PUBLIC_SOURCES))
def test_public_strings_have_tibetan(group):
    ids = msgids(*PUBLIC_SOURCES[group])
    assert ids, f"no translatable strings found in {group}: the scanner or the paths are wrong"
    gaps = missing(ids, "bo")
    assert not gaps, f"{len(gaps)} {group} strings without Tibetan: {gaps[:15]}"


def test_scanner_catches_a_string_without_a_catalog_entry(tmp_path, settings):
    (tmp_path / "t.html").write_text('{% load i18n %}<p>{% translate "Track your case" %}</p>'
                                     '<p>{% translate "A sentence no catalog has, 7f3a" %}</p>'
                                     '{% blocktranslate with n=3 %}Page {{ n }} of {{ n }}{% endblocktranslate %}')
    (tmp_path / "m.py").write_text('from django.utils.translation import pgettext\nX = pgettext("grade", "Basis")\n')
    settings.BASE_DIR = tmp_path
    ids = msgids("t.html", "m.py")
    assert ("grade", "Basis") in ids and (None, "Page %(n)s of %(n)s") in ids
    gaps = missing(ids, "bo")
    assert "A sentence no catalog has, 7f3a" in gaps and "Page %(n)s of %(n)s" in gaps
    assert "Track your case" not in gaps  # translated in locale/bo


def test_a_missing_tibetan_string_falls_back_to_chinese_not_to_the_msgid():
    from django.utils.translation import trans_real

    zh_catalog = trans_real.translation("zh-hans")._catalog
    bo_catalog = trans_real.translation("bo")._catalog
    candidates = [k for k in zh_catalog.keys() if isinstance(k, str) and "\x04" not in k and k not in bo_catalog
                  and any(c.isalpha() for c in k)]
    assert candidates  # staff-only strings translated into Chinese but not (yet) into Tibetan
    msgid = sorted(candidates)[0]
    with translation.override("bo"):
        shown = gettext(msgid)
    assert shown == zh_catalog[msgid] and shown != msgid
