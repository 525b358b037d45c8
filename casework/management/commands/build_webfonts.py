"""Build the Simplified Chinese web fonts the site serves (static/fonts/NotoSansSC-*.woff2) and their @font-face
rules (static/css/fonts-zh.css, linked from templates/base.html): ``manage.py build_webfonts``.

Why: a phone or computer without a Chinese face (many Tibetan-locale and Linux devices) must still show every
Chinese page, and the project uses no CDN (issue #6). The full Noto Sans SC is 8 MB; the site serves a subset in
three files, each with the exact ``unicode-range`` of the characters it holds, so a browser downloads a file only
when the page shows one of its characters:

- ``NotoSansSC-ui.woff2``: ASCII, Latin-1, general and CJK punctuation, full-width forms, and every Han character
  found in the project's own text (the zh_Hans and bo gettext catalogs of the project and its apps, the templates,
  the Python sources and fixtures, which hold the legal citations and region names the pages print, and Django's
  own zh_Hans catalogs for form and admin messages). A page with only the interface's text needs this file only.
- ``NotoSansSC-common.woff2``: the rest of GB 2312 level 1 (the 3,755 most common characters), for what people
  type: names, employers, facts.
- ``NotoSansSC-level2.woff2``: GB 2312 level 2 (3,008 less common characters, many of them in personal and place
  names), downloaded only by a page that shows one of them.

Source: Noto Sans SC Regular from the pinned PyPI package ``pylopdf-fonts-zh-cn`` (SIL OFL 1.1; see
static/fonts/README.md). Needs the pinned ``fonttools`` and ``brotli`` (WOFF2 is Brotli-compressed).

Deterministic: the same sources and the same fontTools/brotli versions give byte-identical files (the font's
timestamp is kept, glyph order and code points are sorted). ``--check`` builds into a temporary folder and fails
when the committed files differ (for CI after a catalog change adds a character the fonts lack).
"""
import hashlib
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

__all__ = ["Command", "project_han", "gb2312_level", "FACES", "CSS_NAME", "FAMILY", "build"]

FAMILY = "Noto Sans SC Web"
CSS_NAME = "fonts-zh.css"
FACES = ("NotoSansSC-ui.woff2", "NotoSansSC-common.woff2", "NotoSansSC-level2.woff2")

# Non-Han characters every Chinese page needs (ranges, inclusive).
BASE_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: · × ÷ ° ¥
    (0x2010, 0x2027),  # dashes, quotes “ ” ‘ ’, …
    (0x2030, 0x203B),  # ‰ ′ ※
    (0x2160, 0x216B),  # Ⅰ Ⅱ … (Roman numerals in legal lists)
    (0x2190, 0x2193),  # arrows
    (0x2460, 0x2473),  # ① …
    (0x25A0, 0x25CF),  # ■ □ ▲ △ ○ ●
    (0x3000, 0x303F),  # CJK punctuation: 、。《》「」【】〔〕
    (0xFF01, 0xFF5E),  # full-width forms: ，：；（）！？
    (0xFFE0, 0xFFE5),  # ￥
]

SOURCE_DIRS = ("arrears", "blacklist", "casework", "disputes", "notifications", "templates", "locale")
SOURCE_EXTS = {".py", ".html", ".txt", ".json", ".po", ".csv", ".xml"}
HAN = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]")


def _is_han(ch: str) -> bool:
    return bool(HAN.fullmatch(ch))


def gb2312_level(level: int) -> set[str]:
    """The Han characters of GB 2312 level 1 (3,755: rows 16-55, 0xB0A1-0xD7F9) or level 2 (3,008: rows 56-87,
    0xD8A1-0xF7FE)."""
    out = set()
    for row in (range(0xB0, 0xD8) if level == 1 else range(0xD8, 0xF8)):
        for cell in range(0xA1, 0xFF):
            try:
                ch = bytes([row, cell]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.add(ch)
    return out


def _source_files(base: Path):
    for name in SOURCE_DIRS:
        root = base / name
        if root.is_dir():
            yield from (p for p in root.rglob("*") if p.is_file() and p.suffix in SOURCE_EXTS
                        and "__pycache__" not in p.parts)
    import django

    django_root = Path(django.__file__).parent
    yield from django_root.glob("conf/locale/zh_Hans/LC_MESSAGES/*.po")
    yield from django_root.glob("contrib/*/locale/zh_Hans/LC_MESSAGES/*.po")


def project_han(base: Path | None = None) -> set[str]:
    """Every Han character in the project's own text (see the module docstring)."""
    base = Path(base or settings.BASE_DIR)
    found: set[str] = set()
    for path in sorted(_source_files(base)):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found.update(HAN.findall(text))
    return found


def source_font() -> Path:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError as exc:  # pragma: no cover - pinned in requirements.txt
        raise CommandError("pip install -r requirements.txt (pylopdf-fonts-zh-cn)") from exc
    return Path(pylopdf_fonts_zh_cn.__file__).parent / "NotoSansSC-Regular.otf"


def _ranges(codepoints) -> str:
    """"U+4E00-4E01, U+4E03, …" for a sorted run of code points (consecutive ones merged)."""
    cps = sorted(codepoints)
    parts, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"U+{cps[i]:X}" if i == j else f"U+{cps[i]:X}-{cps[j]:X}")
        i = j + 1
    return ", ".join(parts)


def _subset(src: Path, codepoints: set[int], out: Path) -> set[int]:
    """Write a WOFF2 subset of ``src`` with ``codepoints``; returns the code points it really holds."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]          # keep vertical forms, punctuation spacing (halt, vert…)
    options.name_IDs = ["*"]                 # keep the copyright and licence records (OFL)
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False                  # CFF hints matter little on screens that size; saves ~10 %
    options.desubroutinize = False
    font = TTFont(str(src), recalcTimestamp=False, lazy=False)
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(str(out), reorderTables=True)
    held = set(font.getBestCmap())
    font.close()
    return held


def _css(faces: list[tuple[str, set[int]]]) -> str:
    lines = [
        "/* Generated by `manage.py build_webfonts` (casework/management/commands/build_webfonts.py): do not edit.",
        "   Noto Sans SC (SIL OFL 1.1, see static/fonts/README.md), subset in three files; each face declares the exact",
        "   characters it holds, so a browser downloads a file only for a page that shows one of them. Installed",
        "   copies are used first (local()). */",
    ]
    for name, cps in faces:
        lines += [
            "@font-face {",
            f'  font-family: "{FAMILY}";',
            f'  src: local("Noto Sans SC"), local("NotoSansSC-Regular"), local("Noto Sans CJK SC"), '
            f'local("Noto Sans CJK SC Regular"), local("NotoSansCJKsc-Regular"), '
            f'url("../fonts/{name}") format("woff2");',
            "  font-weight: 400; font-style: normal; font-display: swap;",
            f"  unicode-range: {_ranges(cps)};",
            "}",
        ]
    return "\n".join(lines) + "\n"


def build(out_dir: Path, css_path: Path, base: Path | None = None) -> dict:
    base_cps = {cp for lo, hi in BASE_RANGES for cp in range(lo, hi + 1)}
    ui_han = project_han(base)
    common = gb2312_level(1) - ui_han
    rare = gb2312_level(2) - ui_han
    src = source_font()
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {}
    faces = []
    for name, cps in ((FACES[0], base_cps | {ord(c) for c in ui_han}), (FACES[1], {ord(c) for c in common}),
                      (FACES[2], {ord(c) for c in rare})):
        held = _subset(src, cps, out_dir / name)
        faces.append((name, held))
        report[name] = {"codepoints": len(held), "han": sum(1 for cp in held if _is_han(chr(cp))),
                        "bytes": (out_dir / name).stat().st_size,
                        "missing": sorted(chr(cp) for cp in cps - held if _is_han(chr(cp)))}
    css_path.write_text(_css(faces), encoding="utf-8")
    return report


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Command(BaseCommand):
    help = "Build the Chinese web-font subsets (static/fonts/NotoSansSC-*.woff2) and static/css/fonts-zh.css."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Build into a temporary folder and fail if the committed files differ.")

    def handle(self, *args, check=False, **options):
        static = Path(settings.BASE_DIR) / "static"
        if check:
            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                build(tmp / "fonts", tmp / CSS_NAME)
                pairs = [(tmp / "fonts" / n, static / "fonts" / n) for n in FACES] + \
                        [(tmp / CSS_NAME, static / "css" / CSS_NAME)]
                stale = [str(committed) for built, committed in pairs
                         if not committed.exists() or _digest(built) != _digest(committed)]
            if stale:
                raise CommandError("The web fonts are out of date (run manage.py build_webfonts): "
                                   + ", ".join(stale))
            self.stdout.write("The web fonts are up to date.")
            return
        report = build(static / "fonts", static / "css" / CSS_NAME)
        total = 0
        for name, r in report.items():
            total += r["bytes"]
            self.stdout.write(f"{name}: {r['codepoints']} code points ({r['han']} Han), {r['bytes']:,} bytes")
            if r["missing"]:
                self.stdout.write(f"  not in Noto Sans SC ({len(r['missing'])}): {''.join(r['missing'])}")
        self.stdout.write(f"total {total:,} bytes; @font-face rules in static/css/{CSS_NAME}")
