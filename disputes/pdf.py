"""HTML to PDF for the case documents (WeasyPrint), with the fonts the project ships, and PDF to text.

Why this shape:
- **Fonts come with the code, never from the system.** Simplified Chinese is Noto Serif SC from the PyPI package
  ``pylopdf-fonts-zh-cn`` (pinned in requirements.txt, SIL OFL 1.1); Tibetan is Noto Serif Tibetan from
  ``static/fonts/`` (SIL OFL 1.1). Both are declared with ``@font-face`` and served to WeasyPrint by our own URL
  fetcher (scheme ``docfont:``), which refuses every other URL: a document never reads the network or the disk
  through a URL that came from case data. A newcomer needs no apt step for documents to print in Chinese.
- **Each document embeds a subset made for it.** WeasyPrint subsets embedded fonts itself, but with fontTools (the
  fast HarfBuzz subsetter is an optional system library, ``libharfbuzz-subset0``) and keeping every glyph slot of
  the font, which costs about 3 s per document with the 65,000-glyph CJK font. We first cut the font down to the
  characters of this one document (a few hundred glyphs), so WeasyPrint's own pass is cheap; the PDF ends up
  with the same subset either way. For Chinese the subset is taken from a prepared cache: the ~7,800 characters of
  GB 2312 plus punctuation, converted to TrueType outlines (which subset about twice as fast as CFF), built once
  per machine from the pinned package into ``settings.DOCUMENT_FONT_CACHE_DIR`` (default ``var/fonts``; ~20 s, in
  a background thread so that no request waits for it). A document with a character outside it (a rare
  character in a name), or rendered while the cache is not built yet, is subset from the full font (~0.3 s
  more). Measured (bench/documents.py): an award in ~0.15 s, a notice in ~0.1 s.
- **Tibetan keeps its shaping tables** (GSUB/GPOS stack the letters) and is declared only when the document holds
  Tibetan text, so Chinese-only documents do not pay for it.
- ``pdf_text`` (pypdf) gives back the text of a PDF: used by tests and for search.
"""
import functools
import io
import logging
import os
import tempfile
import threading
import time
from html import unescape
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["render_pdf", "pdf_text", "font_sources", "prepare_font_cache", "TIBETAN_RANGE", "CJK_FAMILY",
           "TIBETAN_FAMILY", "FONT_SCHEME"]

log = logging.getLogger(__name__)

FONT_SCHEME = "docfont"
CJK_FAMILY = "Doc Serif SC"
TIBETAN_FAMILY = "Doc Serif Tibetan"
TIBETAN_RANGE = range(0x0F00, 0x1000)
CACHE_VERSION = "gb2312-ttf-v1"  # bump when the cached subset's recipe changes

# Characters any document may print besides those of its own source: ASCII (the digits of the page counters).
# Every glyph kept costs time twice (our subset and WeasyPrint's), so nothing more.
_ALWAYS = set(range(0x20, 0x7F))
# What the cached Chinese subset holds besides GB 2312: Latin-1 signs, general and CJK punctuation, full-width
# forms, a few symbols.
_PUNCTUATION = ({0xA0, 0xB7, 0xD7, 0xF7} | set(range(0x2010, 0x2030)) | set(range(0x3000, 0x3020))
                | set(range(0xFF01, 0xFF5F)) | {0x2116, 0x2160, 0x2161, 0x2162, 0x25A1, 0x25CB, 0x3007})


# --- fonts ---------------------------------------------------------------------------------------------------------

def _cjk_path() -> Path:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError as exc:  # pragma: no cover - a broken install, not a state the code can repair
        raise ImproperlyConfigured("Documents need the Chinese font package: pip install -r requirements.txt "
                                   "(pylopdf-fonts-zh-cn).") from exc
    return Path(pylopdf_fonts_zh_cn.serif_path())


def _tibetan_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / "fonts" / "NotoSerifTibetan-Regular.woff2"


def font_sources() -> dict:
    """Where the document fonts come from (for docs, tests and the bench)."""
    return {"cjk": _cjk_path(), "tibetan": _tibetan_path(), "cache": _cache_file()}


@functools.lru_cache(maxsize=None)
def _cjk_full_bytes() -> bytes:
    return _cjk_path().read_bytes()


@functools.lru_cache(maxsize=None)
def _tibetan_bytes() -> bytes:
    """The Tibetan web font as plain TrueType (WeasyPrint would otherwise decompress the WOFF2 on every document)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(_tibetan_path()))
    font.flavor = None
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cache_file() -> Path:
    root = getattr(settings, "DOCUMENT_FONT_CACHE_DIR", None) or (Path(settings.VAR_DIR) / "fonts")
    return Path(root) / f"NotoSerifSC-{CACHE_VERSION}.ttf"


def _common_chars() -> set[int]:
    chars = _ALWAYS | _PUNCTUATION
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((b1, b2)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def _to_truetype(font) -> None:
    """Replace the CFF outlines of ``font`` by quadratic TrueType outlines (fontTools' cu2qu, within 1 font unit of
    1,000: invisible). Subsetting a TrueType font costs about half as much, in our pass and in WeasyPrint's."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def prepare_font_cache() -> Path:
    """Build the cached Chinese font from the pinned package, atomically (safe from several processes at once):
    the GB 2312 characters and punctuation, without hinting or shaping tables, as TrueType outlines. ~15-20 s once
    per machine. Returns its path."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    target = _cache_file()
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(".font-*.ttf"):  # left by a process that stopped while building
        if time.time() - stale.stat().st_mtime > 3600:
            stale.unlink(missing_ok=True)
    font = TTFont(str(_cjk_path()), recalcBBoxes=False)
    options = subset.Options()
    options.drop_tables += ["GSUB", "GPOS", "BASE", "JSTF"]
    options.layout_features = []
    options.name_IDs, options.name_languages = ["*"], ["*"]
    options.notdef_outline, options.hinting, options.desubroutinize = True, False, True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_common_chars())
    subsetter.subset(font)
    _to_truetype(font)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".font-", suffix=".ttf")
    try:
        with os.fdopen(fd, "wb") as fh:
            font.save(fh)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


_building = threading.Lock()
_build_tried: set[Path] = set()


def _build_in_background():
    """Start building the cache once per process and cache path (a failure is logged once, not per document)."""
    target = _cache_file()
    with _building:
        if target in _build_tried:
            return
        _build_tried.add(target)

    def run():
        try:
            prepare_font_cache()
        except Exception:  # the full font keeps working; say why the fast path is missing
            log.exception("could not build the document font cache %s", target)

    threading.Thread(target=run, name="document-font-cache", daemon=True).start()


_loaded: dict[Path, tuple[bytes, frozenset]] = {}


def _cached_common() -> tuple[bytes, frozenset] | None:
    """The cached font's bytes and the characters it holds, or None while it does not exist (checked again on the
    next document: another process may have built it meanwhile)."""
    from fontTools.ttLib import TTFont

    path = _cache_file()
    if path not in _loaded:
        if not path.exists():
            return None
        data = path.read_bytes()
        _loaded[path] = (data, frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap()))
    return _loaded[path]


def _subset(data: bytes, unicodes: set[int], *, keep_layout: bool) -> bytes:
    """The glyphs of ``unicodes`` (and what shaping needs to reach from them) as a small font file."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False)
    options = subset.Options()
    options.notdef_outline = True
    options.ignore_missing_unicodes = True
    options.name_IDs, options.name_languages = ["*"], ["*"]
    if keep_layout:
        options.layout_features = ["*"]
    else:
        options.drop_tables += ["GSUB", "GPOS", "BASE", "JSTF"]
        options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def _full_cmap() -> frozenset:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(_cjk_full_bytes()), lazy=True).getBestCmap())


def _cjk_subset(chars: set[int]) -> bytes:
    cached = _cached_common()
    if cached is None:
        _build_in_background()
    elif chars & _full_cmap() <= cached[1]:
        return _subset(cached[0], chars, keep_layout=False)
    return _subset(_cjk_full_bytes(), chars, keep_layout=False)


# --- rendering -----------------------------------------------------------------------------------------------------

def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DocumentFonts(URLFetcher):
        """Serves our fonts under ``docfont:<name>`` and refuses everything else."""

        def __init__(self, fonts: dict[str, bytes]):
            super().__init__(fail_on_errors=True)
            self.fonts = fonts

        def fetch(self, url, headers=None):
            name = url.split(":", 1)[1] if url.startswith(FONT_SCHEME + ":") else None
            if name not in self.fonts:
                raise ValueError(f"documents load no external resource: {url[:80]}")
            return URLFetcherResponse(url, body=self.fonts[name], headers={"Content-Type": "font/sfnt"})

    return DocumentFonts


class _QuietSubsetWarning(logging.Filter):
    """WeasyPrint warns on every document that it subsets with fontTools (no libharfbuzz-subset0 on the machine).
    Our fonts arrive pre-subset, so the warning says nothing useful: keep it out of the logs."""

    def filter(self, record):
        return "instead of HarfBuzz-Subset" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_QuietSubsetWarning())
# fontTools logs every glyph list at INFO and WeasyPrint every rendering step: with the project's INFO root logger
# that is megabytes per document (and slower than the rendering). Their warnings still show.
for _name in ("fontTools", "weasyprint.progress"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.WARNING)


def _font_css(has_tibetan: bool) -> str:
    css = f'@font-face {{ font-family: "{CJK_FAMILY}"; src: url("{FONT_SCHEME}:cjk"); }}\n'
    if has_tibetan:
        css += f'@font-face {{ font-family: "{TIBETAN_FAMILY}"; src: url("{FONT_SCHEME}:tibetan"); }}\n'
    return css


def render_pdf(html: str, *, font_css_marker: str = "/*@FONTS@*/") -> bytes:
    """Render ``html`` to PDF bytes with the document fonts embedded. The HTML's stylesheet must contain
    ``font_css_marker`` where the ``@font-face`` rules go, and name ``CJK_FAMILY`` then ``TIBETAN_FAMILY`` in its
    ``font-family``. Raises on any error: a caller's transaction must not record a document that did not render."""
    from weasyprint import HTML

    if font_css_marker not in html:
        raise ValueError("the document's stylesheet has no place for the fonts: without them it would print tofu")
    chars = set(map(ord, unescape(html))) | _ALWAYS  # entities too: an escaped "<" still needs its glyph
    tibetan = {c for c in chars if c in TIBETAN_RANGE}
    fonts = {"cjk": _cjk_subset(chars - tibetan)}
    if tibetan:
        fonts["tibetan"] = _subset(_tibetan_bytes(), tibetan | {0x20, 0x25CC, 0x200B, 0x200C, 0x200D},
                                   keep_layout=True)
    html = html.replace(font_css_marker, _font_css(bool(tibetan)), 1)
    return HTML(string=html, base_url=f"{FONT_SCHEME}:/", url_fetcher=_fetcher_class()(fonts)).write_pdf()


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page by page (pypdf). Tibetan stacks may come back with spaces inside words: compare
    without whitespace."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
