"""``{% both message %}``: one message in Arabic and in English side by side, whatever the page's language.

For what is read by people who may not read the viewer's language: the printable pass, which a gate
guard checks in Arabic or English. ``message`` is a lazy translation (``gettext_lazy``) so each language
renders its own; ``values`` fill its ``%(name)s`` placeholders.
"""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.html import format_html

register = template.Library()

PAIR = ("en", "ar")


def in_language(message, language: str, values: dict) -> str:
    with translation.override(language):
        text = str(message)
        return text % values if values else text


@register.simple_tag
def both(message, **values):
    """English then Arabic, each marked with its language and direction (CSS places them on their sides)."""
    english, arabic = (in_language(message, language, values) for language in PAIR)
    return format_html(
        '<span class="both"><span lang="en" dir="ltr" class="both__en">{}</span>'
        '<span lang="ar" dir="rtl" class="both__ar">{}</span></span>',
        english,
        arabic,
    )
