"""The library's explanation — a determination's steps, questions and reasons — in the reader's
language, translated where it is shown (web pages, the CLI's text output).

``tmec.origin`` builds these sentences in English with f-strings, and they are the ``--json``
contract (the API and ``tmec qualify --json`` keep them to the byte).  The catalog holds each
sentence as a template under the context ``explanation``, its ``{slots}`` the values the library
fills in::

    msgctxt "explanation"
    msgid "{count} of {total} materials are not originating"
    msgstr "{count} de {total} materiales no son originarios"

A rendered sentence is matched against the templates, the one with the most fixed text first; the
translation is filled with the slots, each slot translated in turn (a slot may hold a phrase with
a template of its own: "not met", a change of heading, where the good would qualify).  A list
joined by "; " is translated item by item.  Text no template matches stays as it is: a new
sentence in the library shows in English until the catalog has it (the tests list the examples'
sentences that must translate).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tmec.i18n import LANGUAGES, LOCALES_DIR

__all__ = ["CONTEXT", "explanation_translator", "templates"]

CONTEXT = "explanation"
_SLOT = re.compile(r"\{(\w+)\}")
MAX_DEPTH = 4
# A template that opens with a slot and has little fixed text ("{material}: {reason}", "{change} from
# {codes}") fits much English it was not written for: it is used only when one of its slots
# translates, so that text is never half-translated by accident.
MIN_FIXED = 10


@dataclass(frozen=True)
class Template:
    source: str
    target: str
    pattern: re.Pattern[str]
    fixed: int  # characters of fixed text

    @property
    def loose(self) -> bool:
        return self.fixed < MIN_FIXED and self.source.startswith("{")


def _compile(source: str) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    at = 0
    for m in _SLOT.finditer(source):
        parts.append(re.escape(source[at : m.start()]))
        name = m.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        at = m.end()
    parts.append(re.escape(source[at:]))
    return re.compile("".join(parts), re.DOTALL)


@functools.cache
def templates(lang: str) -> tuple[Template, ...]:
    """The language's explanation templates, the most specific (most fixed text) first."""
    from babel.messages.pofile import read_po

    po = LOCALES_DIR / lang / "LC_MESSAGES" / "tmec.po"
    if lang not in LANGUAGES or not po.is_file():
        return ()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=LANGUAGES[lang])
    out = [
        Template(msg.id, msg.string, _compile(msg.id), len(_SLOT.sub("", msg.id)))
        for msg in catalog
        if msg.context == CONTEXT and isinstance(msg.id, str) and isinstance(msg.string, str) and msg.string
    ]
    return tuple(sorted(out, key=lambda t: (-t.fixed, t.source.count("{"))))


@functools.cache
def explanation_translator(lang: str) -> Translator:
    return Translator(templates(lang))


class Translator:
    def __init__(self, table: tuple[Template, ...]) -> None:
        self.table = table

    def __call__(self, text: object) -> str:
        """``text`` in the catalog's language, or as it is when no template matches."""
        if not isinstance(text, str):
            return "" if text is None else str(text)
        found = self.translate(text)
        return text if found is None else found

    def translate(self, text: str) -> str | None:
        """``text`` translated, or None when no template matches it."""
        return self._translate(text, 0) if self.table else None

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one translator per language, kept for the process
    def _translate(self, text: str, depth: int) -> str | None:
        if depth > MAX_DEPTH or not text:
            return None
        found = self._match(text, depth, loose=False)
        if found is None and "; " in text:  # a list, before the loose templates read it as one phrase
            items = text.split("; ")
            done = [self._translate(item, depth + 1) for item in items]
            if any(d is not None for d in done):
                found = "; ".join(item if d is None else d for item, d in zip(items, done, strict=True))
        return self._match(text, depth, loose=True) if found is None else found

    def _match(self, text: str, depth: int, loose: bool) -> str | None:
        for t in self.table:
            if t.loose != loose:
                continue
            m = t.pattern.fullmatch(text)
            if m is None:
                continue
            slots = m.groupdict()
            translated = {k: self._translate(v, depth + 1) for k, v in slots.items()}
            if loose and all(v is None for v in translated.values()):
                continue
            return _fill(t.target, {k: slots[k] if v is None else v for k, v in translated.items()})
        return None


def _fill(target: str, values: dict[str, str]) -> str:
    return _SLOT.sub(lambda m: values[m.group(1)], target)
