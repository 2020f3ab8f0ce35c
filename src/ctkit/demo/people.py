"""Synthetic people: name pools drawn once from Faker (ru_RU, uk_UA), then picked with the seeded generator.

Drawing names from Faker for each case is slow (microseconds each, millions of cases); a pool per locale and sex
keeps generation fast and still deterministic for a seed. Every name is Faker's: never a real person's record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from ctkit.model import IdentityDocument, PersonalData

POOL_SIZE = 400
LOCALE_BY_COUNTRY = {"UKR": "uk_UA"}  # everyone else gets Russian-language names (ru_RU)


@dataclass(frozen=True)
class NamePool:
    first: tuple[str, ...]
    middle: tuple[str, ...]
    last: tuple[str, ...]


def _pool(faker: Faker, sex: str) -> NamePool:
    suffix = "female" if sex == "female" else "male"
    first = getattr(faker, f"first_name_{suffix}")
    middle = getattr(faker, f"middle_name_{suffix}")
    last = getattr(faker, f"last_name_{suffix}")
    return NamePool(tuple(first() for _ in range(POOL_SIZE)), tuple(middle() for _ in range(POOL_SIZE)),
                    tuple(last() for _ in range(POOL_SIZE)))


class People:
    """Builds the PersonalData of synthetic people."""

    def __init__(self, seed: int) -> None:
        self.pools: dict[tuple[str, str], NamePool] = {}
        for locale in ("ru_RU", "uk_UA"):
            faker = Faker(locale)
            faker.seed_instance(seed)
            for sex in ("female", "male"):
                self.pools[(locale, sex)] = _pool(faker, sex)

    def personal(self, rng: random.Random, *, country: str, sex: str, birth_date: date | None,
                 narrative: str) -> PersonalData:
        """Synthetic personal data for a person of ``country`` and ``sex``."""
        locale = LOCALE_BY_COUNTRY.get(country, "ru_RU")
        pool = self.pools[(locale, "female" if sex in ("female", "transgender_female") else "male")]
        documents = []
        if rng.random() < 0.3:
            number = f"{rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(100000, 999999)}"
            documents.append(IdentityDocument.model_construct(kind="passport", number=number, issuing_country=country))
        phone = f"+7 9{rng.randrange(10, 99)} {rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"
        return PersonalData.model_construct(
            first_name=rng.choice(pool.first),
            middle_name=rng.choice(pool.middle) if rng.random() < 0.8 else None,
            last_name=rng.choice(pool.last),
            birth_date=birth_date,
            phone=phone if rng.random() < 0.4 else None,
            email=None,
            address=None,
            documents=documents,
            narrative=narrative,
        )
