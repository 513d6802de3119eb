"""English words a reader sees on a page: text and readable attributes, minus data and an allow-list."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words that stay as they are in Arabic pages: abbreviations of the trade and file types.
ALLOWED = {"NOC", "QR", "ID", "PDF", "PNG", "JPEG", "AED", "API", "E.164", "WP", "v", "Outlook", "Google"}
READABLE_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "data-confirm", "data-label", "value")
SKIPPED_TAGS = {"script", "style", "bdi", "code"}
# Codes and examples of them (DXB A 12345, 784-YYYY-NNNNNNN-C, AE): capitals, digits and dashes, no words.
CODE = re.compile(r"[A-Z0-9][A-Z0-9.-]*")
WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*[A-Za-z]|[A-Za-z]")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skip = tag in SKIPPED_TAGS or attributes.get("dir") == "ltr" or attributes.get("lang") == "en"
        skip = skip or "ltr" in (attributes.get("class") or "").split()
        if not self._skipping() and not skip:
            for name in READABLE_ATTRIBUTES:
                shown = name != "value" or (tag == "input" and attributes.get("type") in ("submit", "button"))
                if attributes.get(name) and shown:  # a <button>'s value is sent, not shown
                    self.parts.append(attributes[name])
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def english_words(html: str, data_values: list[str]) -> list[str]:
    """Latin-script words left once the data values (names, codes) are taken out."""
    start = html.find("<body")
    body = html[html.index(">", start) + 1 :] if start >= 0 else html
    parser = _Text()
    parser.feed(body)
    text = " ".join(parser.parts)
    for value in sorted(filter(None, data_values), key=len, reverse=True):
        text = text.replace(value, " ")
    return [word for word in WORD.findall(text) if word not in ALLOWED and not CODE.fullmatch(word)]
