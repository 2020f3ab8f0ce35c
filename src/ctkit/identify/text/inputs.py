"""Turning raw bytes and strings into text the pipeline accepts, with one clear message per bad document."""

from __future__ import annotations

import codecs

from ctkit.errors import ValidationError

__all__ = ["BadDocument", "decode_document", "check_text", "DEFAULT_MAX_CHARS"]

DEFAULT_MAX_CHARS = 20_000_000  # several megabytes of text are fine; beyond this, split the document


class BadDocument(ValidationError):
    """A document cannot be read as text (empty, binary, mis-encoded or too large); the message says which."""


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control > len(head) * 0.05


def decode_document(data: bytes, *, name: str = "document") -> str:
    """Decode a document's bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1251 Russian.

    Raises BadDocument for empty, binary or undecodable input. ``name`` is used in messages (never the content).
    Example: ``decode_document("в Польшу".encode("cp1251")) == "в Польшу"``.
    """
    if not data.strip():
        raise BadDocument(f"{name}: empty document")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadDocument(f"{name}: broken UTF-16 text") from exc
    if _looks_binary(data):
        raise BadDocument(f"{name}: binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    if letters and cyrillic / len(letters) > 0.5 and text.count("\ufffd") == 0:
        return text
    raise BadDocument(f"{name}: not valid UTF-8 (and not Windows-1251 Russian)",
                      hint="re-save the file as UTF-8")


def check_text(text: object, *, name: str = "document", max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Validate a string for extraction; raises BadDocument when it is not text, empty or too large."""
    if not isinstance(text, str):
        raise BadDocument(f"{name}: expected text, got {type(text).__name__}")
    if not text.strip():
        raise BadDocument(f"{name}: empty document")
    if len(text) > max_chars:
        raise BadDocument(f"{name}: {len(text):,} characters is over the limit of {max_chars:,}",
                          hint="split the document or raise max_chars")
    if "\x00" in text[:8192]:
        raise BadDocument(f"{name}: binary data, not text")
    return text
