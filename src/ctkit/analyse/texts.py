"""Words of the public report and charts in English and Russian: messages, code labels, country names."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from ctkit.errors import ValidationError
from ctkit.vocab import code_list, country_name, region_name

LANGUAGES = ("en", "ru")

MESSAGES: dict[str, dict[str, str]] = {
    "title": {"en": "Human trafficking: what the case data show",
              "ru": "Торговля людьми: что показывают данные о случаях"},
    "subtitle": {"en": "Source: {source}. Years {first}-{last}. Anonymised: every number is rounded down to a "
                       "multiple of {k}; groups of fewer than {k} people are not shown.",
                 "ru": "Источник: {source}. Годы {first}-{last}. Данные обезличены: каждое число округлено вниз "
                       "до кратного {k}; группы менее {k} человек не показаны."},
    "key_figures": {"en": "Key figures", "ru": "Основные цифры"},
    "cases": {"en": "identified victims", "ru": "выявленных жертв"},
    "women": {"en": "women and girls", "ru": "женщины и девочки"},
    "minors": {"en": "children (under 18)", "ru": "дети (до 18 лет)"},
    "convicted": {"en": "cases ending in a conviction", "ru": "случаев закончились приговором"},
    "who": {"en": "Who the victims are", "ru": "Кто жертвы"},
    "who_text": {"en": "{women} of the victims whose sex is known are women or girls, and {minors} of those whose "
                       "age is known are children. The largest age group is {band}.",
                 "ru": "{women} жертв с известным полом - женщины и девочки, {minors} жертв с известным "
                       "возрастом - дети. Самая многочисленная возрастная группа - {band}."},
    "exploitation": {"en": "How they are exploited", "ru": "Как их эксплуатируют"},
    "exploitation_text": {"en": "The most common form is {form} ({form_share} of victims whose exploitation is "
                                "known). The most frequent means of control is {means} ({means_share} of the "
                                "records that note it). One person can suffer several, so shares add up to more "
                                "than 100%.",
                          "ru": "Самая частая форма - {form} ({form_share} жертв с известной формой "
                                "эксплуатации). Самый частый способ контроля - {means} ({means_share} записей, "
                                "где он отмечен). Один человек может пострадать от нескольких, поэтому доли в "
                                "сумме превышают 100%."},
    "routes": {"en": "Where they come from and where they are taken", "ru": "Откуда и куда их везут"},
    "routes_text": {"en": "The largest corridor is {origin} to {destination} ({share} of the victims whose route "
                          "is known). {place} is at the same time a place of origin ({o}), transit ({t}) and "
                          "destination ({d}) of the victims whose route passes through it.",
                    "ru": "Крупнейший маршрут - {origin} - {destination} ({share} жертв с известным маршрутом). "
                          "{place} одновременно является местом происхождения ({o}), транзита ({t}) и "
                          "назначения ({d}) для жертв, чей маршрут проходит через него."},
    "routes_text_short": {"en": "The largest corridor is {origin} to {destination} ({share} of the victims whose "
                                "route is known).",
                          "ru": "Крупнейший маршрут - {origin} - {destination} ({share} жертв с известным "
                                "маршрутом)."},
    "trends": {"en": "Over time", "ru": "Динамика"},
    "trends_text": {"en": "{last_count} victims were identified in {last}, against {first_count} in {first}.",
                    "ru": "В {last} году выявлено {last_count} жертв, в {first} году - {first_count}."},
    "funnel": {"en": "Where cases are lost", "ru": "Где теряются дела"},
    "funnel_text": {"en": "Of every 100 people screened, {conclusive} are confirmed as victims, {reported} "
                          "cases are reported to the police and {convicted} end in a conviction. The largest loss "
                          "is between {from_stage} and {to_stage}. The median time from {first_stage} to the next "
                          "stage is {days} days.",
                    "ru": "Из каждых 100 человек, прошедших скрининг, {conclusive} признаются жертвами, по "
                          "{reported} случаям подаётся заявление в полицию, и {convicted} заканчиваются "
                          "приговором. Больше всего дел теряется между этапами «{from_stage}» и «{to_stage}». "
                          "Медианное время от этапа «{first_stage}» до следующего - {days} дн."},
    "scale": {"en": "How many victims there may be", "ru": "Сколько может быть жертв"},
    "scale_text": {"en": "{observed} people appear on at least one of {lists} agencies' lists. From how these lists "
                         "overlap, Multiple Systems Estimation puts the total number of victims at about {estimate} "
                         "({level}% interval {low} to {high}): most victims are never identified.",
                   "ru": "{observed} человек есть хотя бы в одном из списков {lists} ведомств. По тому, как эти "
                         "списки пересекаются, оценка методом множественных систем (MSE) даёт общее число жертв "
                         "около {estimate} ({level}% интервал от {low} до {high}): большинство жертв так и не "
                         "выявляются."},
    "scale_unsupported": {"en": "{observed} people appear on at least one of {lists} agencies' lists, but the "
                                "overlaps between the lists are too sparse to support an estimate of the total.",
                          "ru": "{observed} человек есть хотя бы в одном из списков {lists} ведомств, но "
                                "пересечений между списками слишком мало, чтобы оценить общее число жертв."},
    "not_recorded": {"en": "This source does not record this.", "ru": "В этом источнике это не отмечается."},
    "no_data": {"en": "Not enough records to show this without risk to the people in them.",
                "ru": "Недостаточно записей, чтобы показать это без риска для людей."},
    "method": {"en": "How these figures were made", "ru": "Как получены эти цифры"},
    "method_text": {"en": "The figures come from a pseudonymised extract of case records: no names, contacts, "
                          "addresses or exact dates of birth. Every published number counts at least {k} people "
                          "and is rounded down to a multiple of {k}; smaller groups and places with fewer than "
                          "{k} victims are left out, and totals are sums of the published numbers. Totals can "
                          "therefore be lower than the true numbers. Shares are of the records where the item "
                          "was recorded.",
                    "ru": "Цифры получены из псевдонимизированной выборки записей о случаях: без имён, "
                          "контактов, адресов и точных дат рождения. Каждое опубликованное число охватывает не "
                          "менее {k} человек и округлено вниз до кратного {k}; меньшие группы и места, где жертв "
                          "меньше {k}, не показаны, а итоги - это суммы опубликованных чисел. Поэтому итоги "
                          "могут быть ниже истинных. Доли рассчитаны среди записей, где признак был отмечен."},
    "count": {"en": "Victims", "ru": "Жертвы"},
    "share": {"en": "Share", "ru": "Доля"},
    "year": {"en": "Year", "ru": "Год"},
    "origin": {"en": "Origin", "ru": "Происхождение"},
    "transit": {"en": "Transit", "ru": "Транзит"},
    "destination": {"en": "Destination", "ru": "Назначение"},
    "sex": {"en": "Sex", "ru": "Пол"},
    "age_band": {"en": "Age group", "ru": "Возрастная группа"},
    "form": {"en": "Form of exploitation", "ru": "Форма эксплуатации"},
    "means": {"en": "Means of control", "ru": "Способы контроля"},
    "roles_map": {"en": "Countries by their main role", "ru": "Страны по их основной роли"},
    "route_sankey": {"en": "Routes: origin, transit, destination", "ru": "Маршруты: происхождение, транзит, "
                                                                          "назначение"},
    "footer": {"en": "Made with ctkit from {source} on {date}.", "ru": "Подготовлено в ctkit из {source}, {date}."},
}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValidationError(f"language must be one of {', '.join(LANGUAGES)}; got '{lang}'")
    return lang


def message(key: str, lang: str, **values) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in."""
    return MESSAGES[key][check_lang(lang)].format(**values)


def label(list_name: str | None, code: str | None, lang: str) -> str:
    """A code's label from its code list (the code itself when the list does not know it or there is none)."""
    if code is None:
        return "?"
    if list_name is None:
        return str(code).replace("--", "–")  # CTDC writes age bands as 18--20
    codes = code_list(list_name)
    return codes.codes[code].label(lang) if code in codes else str(code)


# Regions whose ISO names are transliterations, with the names readers know (the study's region first).
REGION_NAMES = {
    "RU-KGD": {"en": "Kaliningrad Oblast", "ru": "Калининградская область"},
    "RU-MOW": {"en": "Moscow", "ru": "Москва"},
    "RU-SPE": {"en": "Saint Petersburg", "ru": "Санкт-Петербург"},
}


@cache
def _ru(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["ru"], fallback=True)


def place_name(code: str | None, lang: str) -> str:
    """Country (alpha-3) or region (ISO 3166-2) name in ``lang``; the code itself if unknown."""
    if code is None:
        return "?"
    try:
        if "-" in code:
            if code in REGION_NAMES:
                return REGION_NAMES[code][lang]
            name = region_name(code)
            return _ru("iso3166-2").gettext(name) if lang == "ru" else name
        name = country_name(code)
    except ValidationError:
        return code
    if lang == "ru":
        country = pycountry.countries.get(alpha_3=code)
        return _ru("iso3166-1").gettext(country.name) if country is not None else name
    return name


def percent(value, lang: str) -> str:
    if value is None or value != value:
        return "-"
    text = f"{100 * float(value):.0f}%"
    return text if lang == "en" else text.replace("%", " %")
