"""Find the translatable strings of given templates and Python modules the way makemessages does (Django's own
``templatize`` for templates, the AST for Python) and report those a language's catalog lacks. It reads the sources,
not the .po references, so a string added to a template without a catalog entry is caught."""
from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from django.conf import settings
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

CALLS = {"gettext": (None, 0), "gettext_lazy": (None, 0), "_": (None, 0), "gettext_noop": (None, 0),
         "pgettext": (0, 1), "pgettext_lazy": (0, 1), "ngettext": (None, 0), "ngettext_lazy": (None, 0),
         "npgettext": (0, 1), "npgettext_lazy": (0, 1)}


def _from_python(src: str) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(src)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in CALLS:
            continue
        ctx_i, msg_i = CALLS[name]
        args = node.args
        if len(args) <= msg_i or not (isinstance(args[msg_i], ast.Constant) and isinstance(args[msg_i].value, str)):
            continue
        ctx = args[ctx_i].value if ctx_i is not None and isinstance(args[ctx_i], ast.Constant) else None
        found.add((ctx, args[msg_i].value))
    return found


def _from_template(src: str) -> set[tuple[str | None, str]]:
    """templatize turns the template into gettext(...) calls among filler; tokenize keeps only the calls."""
    py = templatize(src)
    found = set()
    toks = [t for t in tokenize.generate_tokens(io.StringIO(py).readline)
            if t.type in (tokenize.NAME, tokenize.STRING, tokenize.OP)]
    for i, t in enumerate(toks):
        if t.type == tokenize.NAME and t.string in CALLS and i + 1 < len(toks) and toks[i + 1].string == "(":
            j, strings = i + 2, []
            while j < len(toks) and toks[j].string != ")":
                if toks[j].type == tokenize.STRING:
                    strings.append(ast.literal_eval(toks[j].string))
                j += 1
            ctx_i, msg_i = CALLS[t.string]
            if len(strings) > msg_i:
                found.add((strings[ctx_i] if ctx_i is not None else None, strings[msg_i]))
    return found


def msgids(*paths: str) -> set[tuple[str | None, str]]:
    """Every (context, msgid) in the files under ``paths`` (relative to the project root; folders are walked)."""
    root = Path(settings.BASE_DIR)
    out: set[tuple[str | None, str]] = set()
    for rel in paths:
        p = root / rel
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.suffix == ".html":
                out |= _from_template(f.read_text(encoding="utf-8"))
            elif f.suffix == ".py":
                out |= _from_python(f.read_text(encoding="utf-8"))
    return {(c, m) for c, m in out if any(ch.isalpha() for ch in m)}


def missing(ids: set[tuple[str | None, str]], language: str) -> list[str]:
    """The msgids the language's own catalogs (all apps merged, without the fallback language) do not translate."""
    catalog = trans_real.translation(language)._catalog
    miss = []
    for ctx, msgid in sorted(ids, key=lambda x: (x[0] or "", x[1])):
        key = f"{ctx}\x04{msgid}" if ctx else msgid
        if key not in catalog and (key, 0) not in catalog:
            miss.append(f"{ctx}|{msgid}" if ctx else msgid)
    return miss
