"""Code lists loaded from ``data/codelists.yaml``: codes, English and Russian labels, HTCDS values.

Code lists are data: adding a code changes the YAML, not Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from ctkit.errors import ValidationError


@dataclass(frozen=True)
class Code:
    code: str
    labels: dict[str, str]
    htcds: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True)
class CodeList:
    name: str
    codes: dict[str, Code]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self):
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def check(self, code: str, where: str = "") -> str:
        """Return ``code`` if it belongs to the list, else raise ValidationError naming the allowed values."""
        if code not in self.codes:
            place = f"{where}: " if where else ""
            raise ValidationError(
                f"{place}'{code}' is not a valid {self.name}; allowed: {', '.join(self.codes)}"
            )
        return code

    def to_htcds(self, code: str) -> str | None:
        return self.codes[code].htcds

    def from_htcds(self, value: str) -> str | None:
        """First ctkit code whose HTCDS value is ``value`` (HTCDS lists are coarser than ours)."""
        for item in self.codes.values():
            if item.htcds == value:
                return item.code
        return None


@cache
def _raw() -> dict:
    text = resources.files("ctkit.vocab").joinpath("data/codelists.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def code_list(name: str) -> CodeList:
    """The code list called ``name`` (e.g. ``"means_of_control"``). Raises ValidationError if unknown.

    >>> "debt_bondage" in code_list("means_of_control")
    True
    """
    raw = _raw()
    if name not in raw:
        raise ValidationError(f"unknown code list '{name}'; known: {', '.join(raw)}")
    codes = {}
    for code, spec in raw[name].items():
        labels = {lang: spec[lang] for lang in ("en", "ru") if lang in spec}
        extra = {k: str(v) for k, v in spec.items() if k not in ("en", "ru", "htcds")}
        codes[code] = Code(code=code, labels=labels, htcds=spec.get("htcds"), extra=extra)
    return CodeList(name=name, codes=codes)


def code_list_names() -> list[str]:
    return list(_raw())
