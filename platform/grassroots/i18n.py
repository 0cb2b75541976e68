"""Chinese first, English by switch. Texts are written in both languages where they are used.

`t(zh, en)` picks by the request's locale; packs and manifests already carry `{"zh", "en"}` pairs,
which `tr(pair)` reads the same way.
"""

from __future__ import annotations

from flask import has_request_context, request, session

SUPPORTED = ("zh", "en")


def current_locale() -> str:
    if not has_request_context():
        return "zh"
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in SUPPORTED:
        return chosen
    return "zh"


def t(zh: str, en: str) -> str:
    return en if current_locale() == "en" else zh


def tr(pair: dict | str | None) -> str:
    if pair is None:
        return ""
    if isinstance(pair, str):
        return pair
    return pair.get(current_locale()) or pair.get("zh") or pair.get("en") or ""


def babel_locale() -> str:
    return "en" if current_locale() == "en" else "zh_Hans_CN"
