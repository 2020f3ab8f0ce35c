"""User-interface languages: English (the source strings) and Russian, from gettext catalogues.

The ``.po`` catalogues in ``locale/`` are compiled in memory at first use with Babel, so a fresh checkout needs no
build step. ``translator(lang)`` returns the ``gettext`` function the templates call as ``_()``.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    po_file = resources.files("ctkit.web").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalise(lang: str | None) -> str:
    """A supported language code for ``lang`` (falls back to English)."""
    code = (lang or "").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translator(lang: str | None) -> Callable[[str], str]:
    """The gettext function for ``lang``: ``translator("ru")("Cases") == "Дела"``."""
    return _translations(normalise(lang)).gettext


def catalogue_ids(lang: str) -> set[str]:
    """The message ids translated in ``lang``'s catalogue (for the completeness test)."""
    po_file = resources.files("ctkit.web").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    with po_file.open("rb") as handle:
        return {m.id for m in read_po(handle, locale=lang) if m.id and m.string}
