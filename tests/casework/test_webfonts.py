"""The Chinese web fonts the site serves itself (static/fonts/NotoSansSC-*.woff2, static/css/fonts-zh.css, built by
``manage.py build_webfonts``): real WOFF2 files, every Han character of the Chinese catalog and templates drawn by
the face whose unicode-range claims it, GB 2312 level 1 complete, a reasonable size, OFL notice shipped, and the
files served by the static-file handler at the address the CSS names."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from fontTools.ttLib import TTFont

from casework.management.commands.build_webfonts import CSS_NAME, FACES, FAMILY, HAN, gb2312_level

BASE = Path(settings.BASE_DIR)
FONTS = BASE / "static" / "fonts"
CSS = BASE / "static" / "css" / CSS_NAME
REBUILD = "run `.venv/bin/python manage.py build_webfonts` and commit static/fonts and static/css/fonts-zh.css"


def _faces() -> list[dict]:
    """The @font-face rules of fonts-zh.css: file name and the code points of its unicode-range."""
    out = []
    for block in re.findall(r"@font-face\s*{(.*?)}", CSS.read_text(encoding="utf-8"), re.S):
        family = re.search(r'font-family:\s*"([^"]+)"', block).group(1)
        url = re.search(r'url\("\.\./fonts/([^"]+)"\)\s*format\("woff2"\)', block).group(1)
        cps = set()
        for part in re.search(r"unicode-range:\s*([^;]+);", block).group(1).split(","):
            lo, _, hi = part.strip()[2:].partition("-")
            cps.update(range(int(lo, 16), int(hi or lo, 16) + 1))
        out.append({"family": family, "file": url, "cps": cps,
                    "swap": "font-display: swap" in block, "local": "local(" in block})
    return out


@pytest.fixture(scope="module")
def cmaps():
    return {name: set(TTFont(str(FONTS / name)).getBestCmap()) for name in FACES}


def _po_msgstr_han(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    strs = re.findall(r'^msgstr(?:\[\d+\])?\s+((?:"(?:[^"\\]|\\.)*"\s*)+)', text, re.M)
    return set(HAN.findall("".join(strs)))


def _template_han() -> set[str]:
    found = set()
    for path in (BASE / "templates").rglob("*.html"):
        found.update(HAN.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_files_are_woff2_fonts_of_noto_sans_sc_with_their_licence():
    for name in FACES:
        path = FONTS / name
        assert path.read_bytes()[:4] == b"wOF2", name
        font = TTFont(str(path))
        assert font.flavor == "woff2"
        assert font["name"].getDebugName(1) == "Noto Sans SC"
        assert "Open Font License" in font["name"].getDebugName(13)  # the licence record is kept in the subset
    licence = (FONTS / "OFL-NotoSansSC.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    assert "OFL-NotoSansSC.txt" in readme and "build_webfonts" in readme


def test_every_han_character_of_the_chinese_catalog_and_templates_is_drawn_by_the_face_that_claims_it(cmaps):
    faces = _faces()
    assert [f["file"] for f in faces] == list(FACES)
    assert all(f["family"] == FAMILY and f["swap"] and f["local"] for f in faces)
    for f in faces:  # a face claims only what its file holds, and the faces never overlap
        assert f["cps"] == cmaps[f["file"]], f["file"]
    assert not (faces[0]["cps"] & faces[1]["cps"]) and not (faces[1]["cps"] & faces[2]["cps"]) \
        and not (faces[0]["cps"] & faces[2]["cps"])
    needed = _po_msgstr_han(BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po") | _template_han()
    assert len(needed) > 500  # the catalog really was read
    claimed = set().union(*(f["cps"] for f in faces))
    missing = sorted(c for c in needed if ord(c) not in claimed)
    assert not missing, f"characters the Chinese web font lacks: {''.join(missing)}; {REBUILD}"
    # Most of the interface's characters are in the first file, so a page of interface text loads one file. (A
    # translation added since the last build may put a few in the others until the next build: `manage.py
    # build_webfonts --check` tells, exactly; this only catches a build that lost the split.)
    in_ui = sum(1 for c in needed if ord(c) in faces[0]["cps"])
    assert in_ui >= 0.9 * len(needed), f"{in_ui} of {len(needed)} in {FACES[0]}; {REBUILD}"


def test_gb2312_level_1_ascii_and_punctuation_are_covered(cmaps):
    held = set().union(*cmaps.values())
    level1 = gb2312_level(1)
    assert len(level1) == 3755
    assert not [c for c in level1 if ord(c) not in held]
    assert len([c for c in gb2312_level(2) if ord(c) in held]) > 3000  # and level 2, in its own file
    for ch in "AZaz09,.:;()%¥×·—“”‘’…、。，：；（）《》〔〕【】「」！？￥":
        assert ord(ch) in cmaps[FACES[0]], ch


def test_the_size_is_reasonable():
    sizes = {name: (FONTS / name).stat().st_size for name in FACES}
    assert sum(sizes.values()) < 2_500_000, sizes
    assert sizes[FACES[0]] < 600_000, sizes  # what a page of interface text downloads at most


def test_the_page_links_the_font_css_and_the_stack_names_the_family():
    base = (BASE / "templates" / "base.html").read_text(encoding="utf-8")
    assert "{% static 'css/fonts-zh.css' %}" in base
    site = (BASE / "static" / "css" / "site.css").read_text(encoding="utf-8")
    stacks = re.findall(r"--font:\s*([^;]+);", site)
    assert len(stacks) == 2  # every page, and Tibetan pages (after the Tibetan face)
    for stack in stacks:
        names = [n.strip() for n in stack.split(",")]
        assert names[-2:] == [f'"{FAMILY}"', "sans-serif"], names
    assert stacks[1].split(",")[0].strip() == '"Noto Serif Tibetan Web"'


def test_whitenoise_serves_the_css_and_the_fonts_at_the_urls_the_page_uses(client, settings):
    """WhiteNoise (settings.MIDDLEWARE) with the static-file finders, as in development (WHITENOISE_USE_FINDERS
    defaults to DEBUG; in production the same files are collected into STATIC_ROOT)."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    assert finders.find(f"css/{CSS_NAME}") and all(finders.find(f"fonts/{n}") for n in FACES)
    response = client.get(static(f"css/{CSS_NAME}"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == CSS.read_text(encoding="utf-8")
    css_url = static(f"css/{CSS_NAME}")
    for name in FACES:
        # the CSS names ../fonts/<file>, relative to the CSS file's own URL
        url = css_url.rsplit("/", 2)[0] + f"/fonts/{name}"
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert r["Content-Type"] == "font/woff2"
        assert b"".join(r.streaming_content) == (FONTS / name).read_bytes()
