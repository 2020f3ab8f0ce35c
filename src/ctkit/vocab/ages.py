"""Ages from dates, and the CTDC age bands derived on export (ages are stored as dates, bands are derived)."""

from __future__ import annotations

from datetime import date

# CTDC 'ageBroad' bands, lower bound inclusive.
CTDC_AGE_BANDS: list[tuple[int, int | None, str]] = [
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
    (48, None, "48+"),
]
ADULT_AGE = 18


def age_on(birth_date: date, on: date) -> int:
    """Completed years between ``birth_date`` and ``on``."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def ctdc_age_band(age: int | None) -> str | None:
    """CTDC band for an age in years, None when unknown.

    >>> ctdc_age_band(17), ctdc_age_band(34), ctdc_age_band(None)
    ('9--17', '30--38', None)
    """
    if age is None:
        return None
    for low, high, label in CTDC_AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def ctdc_band_bounds(label: str) -> tuple[int, int | None]:
    """Inverse of :func:`ctdc_age_band`: the band's (low, high) ages."""
    for low, high, band in CTDC_AGE_BANDS:
        if band == label:
            return low, high
    raise ValueError(label)


def is_minor(age: int | None) -> bool | None:
    return None if age is None else age < ADULT_AGE
