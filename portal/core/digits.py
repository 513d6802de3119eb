"""Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩) on Arabic pages when ``ARABIC_INDIC_DIGITS`` is on; Western digits otherwise.

Off by default: plates, access codes and phone numbers are written with Western digits in the UAE, and
most forms are typed with them. When on, the digits of an Arabic page's text (dates, counts) are written
the Arabic way, except what must stay as typed: anything inside ``dir="ltr"`` (``<bdi dir="ltr">``),
``class="ltr"``, ``<code>``, ``<pre>``, ``<textarea>``, ``<script>`` and ``<style>``, and every attribute.
"""

from __future__ import annotations

import re

from django.conf import settings

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
ENTITY_OR_DIGITS = re.compile(r"&#?[0-9a-zA-Z]+;|[0-9]+")
ALWAYS_KEPT = {"script", "style", "code", "pre", "textarea"}
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}


def _kept(name: str, attributes: str) -> bool:
    return (
        name in ALWAYS_KEPT
        or re.search(r"""dir\s*=\s*["']?ltr""", attributes) is not None
        or re.search(r"""class\s*=\s*["'][^"']*\bltr\b""", attributes) is not None
    )


def arabic_indic(html: str) -> str:
    """``html`` with the digits of its text written the Arabic-Indic way (see the module's exceptions)."""
    out: list[str] = []
    kept: list[str] = []  # names of the open elements whose text stays as it is (innermost last)
    for part in TOKEN.split(html):
        match = TAG.fullmatch(part) if part.startswith("<") else None
        if match:
            closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
            if closing and kept and kept[-1] == name:
                kept.pop()
            elif (
                not closing
                and name not in VOID
                and not attributes.rstrip().endswith("/")
                and (kept or _kept(name, attributes))
            ):
                kept.append(name)
            out.append(part)
        elif part.startswith("<") or kept:
            out.append(part)
        else:
            out.append(
                ENTITY_OR_DIGITS.sub(
                    lambda m: m.group(0) if m.group(0).startswith("&") else m.group(0).translate(ARABIC_INDIC), part
                )
            )
    return "".join(out)


class ArabicIndicDigitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.ARABIC_INDIC_DIGITS
            and getattr(request, "LANGUAGE_CODE", "") == "ar"
            and response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
        ):
            response.content = arabic_indic(response.content.decode(response.charset)).encode(response.charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
