"""Translations (gettext catalogs, Babel) and the reader's number and date formats, for the web
pages and the CLI's main messages.

The catalogs are ``.po`` files shipped in the package (``locales/<lang>/LC_MESSAGES/tmec.po``),
compiled in memory when first used: no build step, and a translator edits one text file.
English is the source language.  Locales: ``en`` (formats of en_US) and ``es`` (es_MX).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
from dataclasses import dataclass
from decimal import Decimal
from gettext import NullTranslations
from pathlib import Path

from tmec.core.errors import InputError

# Babel is imported where it is used: every `tmec` command imports this module (for --lang), and
# only the web pages need Babel's formats.

__all__ = ["LANGUAGES", "Locale", "choose", "cli_language", "locale_for"]

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = {"en": "en_US", "es": "es_MX"}
NAMES = {"en": "English", "es": "Español"}


@functools.cache
def _catalog(lang: str) -> NullTranslations:
    po = LOCALES_DIR / lang / "LC_MESSAGES" / "tmec.po"
    if not po.is_file():  # English, the source language: no catalog, and no Babel to import
        return NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=LANGUAGES[lang])
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


@dataclass(frozen=True)
class Locale:
    """One reader's language: its messages, and numbers, money and dates in its conventions."""

    lang: str

    @property
    def babel(self) -> str:
        return LANGUAGES[self.lang]

    def gettext(self, message: str) -> str:
        return _catalog(self.lang).gettext(message)

    def explain(self, text: object) -> str:
        """A step, question or reason of the library's explanation in this language (English: as it is)."""
        if self.lang == "en":
            return "" if text is None else str(text)
        from tmec.i18n.explain import explanation_translator

        return explanation_translator(self.lang)(text)

    def number(self, value: object, places: int | None = None) -> str:
        """A Decimal (or its text) with grouping; ``places`` fixed, or as many as it has."""
        if value is None or value == "":
            return "—"
        from babel.numbers import format_decimal

        d = value if isinstance(value, Decimal) else Decimal(str(value))
        pattern = (
            "#,##0" + ("." + "0" * places if places else "") if places is not None else "#,##0.##########"
        )
        return format_decimal(d, format=pattern, locale=self.babel, decimal_quantization=places is not None)

    def money(self, value: object) -> str:
        return self.number(value, 2)

    def date(self, value: dt.date | str | None) -> str:
        from babel.dates import format_date

        if value is None:
            return "—"
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, format="long", locale=self.babel)

    def parse_amount(self, text: str, field: str) -> Decimal:
        """An amount as this locale writes it (es-MX and en: 1,234.56), strictly: never a guess."""
        from babel.numbers import NumberFormatError, format_decimal, parse_decimal

        try:
            return Decimal(parse_decimal(text.strip(), locale=self.babel, strict=True))
        except (NumberFormatError, ValueError):
            example = format_decimal(Decimal("1234.56"), locale=self.babel)
            raise InputError(
                self.gettext("expected a number written as {example}, found {found!r}").format(
                    example=example, found=text
                ),
                field=field,
            ) from None


def locale_for(lang: str | None) -> Locale:
    return Locale(lang if lang in LANGUAGES else "en")


def choose(accept_language: str | None) -> str:
    """The first language of ``Accept-Language`` we have (by quality), else English."""
    if not accept_language:
        return "en"
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:  # q=0: "not acceptable"
            ranked.append((quality, tag.strip().lower()[:2]))
    for _, lang in sorted(ranked, key=lambda x: -x[0]):
        if lang in LANGUAGES:
            return lang
    return "en"


def cli_language(option: str | None = None) -> Locale:
    """The CLI's language: ``--lang``, else ``$TMEC_LANG``, ``$LC_ALL``, ``$LC_MESSAGES``, ``$LANG``."""
    value = option
    if not value:
        for name in ("TMEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
            if os.environ.get(name):
                value = os.environ[name]
                break
    return locale_for((value or "en")[:2].lower())
