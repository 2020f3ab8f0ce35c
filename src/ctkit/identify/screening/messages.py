"""Interface sentences of the engine (explanations, prompts) per language, from ``data/messages.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ctkit.identify.screening.yamlio import parse_yaml

_PATH = Path(__file__).parent / "data" / "messages.yaml"
FALLBACK_LANGUAGE = "en"


@cache
def _all() -> dict[str, dict[str, Any]]:
    return parse_yaml(_PATH.read_text(encoding="utf-8"))


def message_languages() -> list[str]:
    """Languages that have interface sentences."""
    return sorted(_all())


def msg(lang: str, key: str, /, **fields: object) -> str:
    """The sentence ``key`` (dotted for nested keys) in ``lang`` (English if missing), formatted with ``fields``."""
    template = _template(lang, key)
    return template.format(**fields) if fields else template


@cache
def _template(lang: str, key: str) -> str:
    value: Any = _all().get(lang) or _all()[FALLBACK_LANGUAGE]
    for part in key.split("."):
        value = value[part]
    return str(value)


def text(texts: dict[str, str], lang: str) -> str:
    """A catalogue text in ``lang``, falling back to English (catalogue validation makes this rare)."""
    return texts.get(lang) or texts[FALLBACK_LANGUAGE]
