"""The pipeline through its public API: schema, evidence spans, roles, Russian cases, negation, bad input."""

from __future__ import annotations

import json

import pytest

import ctkit.identify.text as text_api
from ctkit.identify.text import BadDocument, decode_document, detect_language, extract, label_vocabulary

EN = ("Kaliningrad Oblast is a source, transit and destination region. Women from Moldova were taken to Poland, "
      "Germany, Turkey and Greece via Lithuania. A 16-year-old girl was recruited in Kaliningrad by a friend; "
      "her passport was confiscated and she was forced into prostitution. The IOM office in Moscow assisted her. "
      "There was no evidence of forced labour.")
RU = ("Уроженка Молдовы была завербована в Калининграде знакомой и вывезена через Литву в Германию, где её "
      "заставляли заниматься проституцией. УМВД по Калининградской области не выявило признаков принудительного "
      "труда.")


def _roles(result: dict) -> dict[str, list[str]]:
    return {p["name"]: p["roles"] for p in result["places"]}


def test_public_api_is_pinned():
    assert sorted(text_api.__all__) == sorted(
        ["extract", "BadDocument", "decode_document", "detect_language", "label_vocabulary", "Suggester"])


def test_schema_and_every_evidence_span_is_exact():
    for text in (EN, RU):
        result = extract(text, "doc")
        assert set(result) >= {"id", "lang", "places", "exploitation", "sectors", "means", "victims", "recruitment"}
        facts = result["places"] + result["exploitation"] + result["sectors"] + result["means"]
        facts += result["victims"]["vulnerabilities"] + result["recruitment"]
        assert facts
        for fact in facts:
            start, end = fact["evidence_span"]
            assert text[start:end] == fact["evidence"]
        json.dumps(result)  # JSON-ready


def test_english_roles_lists_statements_and_offices():
    roles = _roles(extract(EN))
    assert roles["Kaliningrad Oblast"] == ["origin", "transit", "destination"]
    assert roles["Moldova"] == ["origin"]
    assert all(roles[c] == ["destination"] for c in ("Poland", "Germany", "Turkey", "Greece"))
    assert roles["Lithuania"] == ["transit"]
    assert roles["Kaliningrad"] == ["origin"]
    assert roles["Moscow"] == ["other"]


def test_russian_cases_and_canonical_names():
    result = extract(RU)
    assert result["lang"] == "ru"
    roles = _roles(result)
    assert roles == {"Moldova": ["origin"], "Kaliningrad": ["origin"], "Lithuania": ["transit"],
                     "Germany": ["destination"], "Kaliningrad Oblast": ["other"]}
    surfaces = {p["name"]: p["surface"] for p in result["places"]}
    assert surfaces["Kaliningrad Oblast"] == "Калининградской области"


def test_russian_prepositional_needs_an_exploitation_predicate():
    assert _roles(extract("Конференция прошла в Гданьске."))["Gdańsk"] == ["other"]
    assert _roles(extract("Девушек эксплуатировали в Гданьске."))["Gdańsk"] == ["destination"]


def test_labels_and_negation():
    result = extract(EN)
    labels = {c: {x["label"] for x in result[c]} for c in ("exploitation", "means")}
    assert "sexual_exploitation" in labels["exploitation"]
    assert "forced_labour" not in labels["exploitation"]  # "no evidence of"
    assert "withholds_documents" in labels["means"]
    assert {x["label"] for x in result["recruitment"]} >= {"personal_contact"}
    assert result["victims"]["minors"] is True and result["victims"]["sex"] == ["female"]
    ru = extract(RU)
    assert "forced_labour" not in {x["label"] for x in ru["exploitation"]}  # "не выявило признаков"


def test_output_vocabulary_is_the_issue_list():
    vocab = label_vocabulary()
    assert len(vocab["exploitation"]) == 9 and "organ_removal" in vocab["exploitation"]
    assert len(vocab["means"]) == 15 and len(vocab["vulnerabilities"]) == 19 and len(vocab["sectors"]) == 10
    assert set(vocab["recruitment"]) == {"personal_contact", "false_job_offer", "online", "organised_targeting"}


def test_deterministic():
    assert extract(EN, "x") == extract(EN, "x")


def test_other_language_is_named_and_nothing_extracted():
    result = extract("Die Frau wurde nach Deutschland gebracht und musste dort ohne Lohn arbeiten.", "de1")
    assert result["lang"] == "de" and result["places"] == [] and "not supported" in result["note"]
    assert detect_language("Жінку вивезли до Польщі, де її змусили працювати.") == "uk"


@pytest.mark.parametrize("data, message", [(b"", "empty"), (b"\x00\x01\x02binary", "binary"),
                                           (b"caf\xe9 \xe0 la cr\xe8me br\xfbl\xe9e", "UTF-8")])
def test_bad_bytes_have_clear_messages(data, message):
    with pytest.raises(BadDocument, match=message):
        decode_document(data, name="f.txt")


def test_windows_1251_is_read():
    assert decode_document("Её вывезли в Польшу".encode("cp1251")) == "Её вывезли в Польшу"


def test_oversized_and_empty_text_raise():
    with pytest.raises(BadDocument, match="over the limit"):
        extract("word " * 100, max_chars=50)
    with pytest.raises(BadDocument, match="empty"):
        extract("   ")


def test_large_document_is_processed():
    big = (EN + "\n\n") * 400  # about 160,000 characters
    result = extract(big)
    assert {p["name"] for p in result["places"]} >= {"Poland", "Moldova"}


def test_unresolved_places_are_reported():
    result = extract("She was taken from Zzyzxville to Poland.")
    assert [u["surface"] for u in result["unresolved_places"]] == ["Zzyzxville"]


@pytest.mark.parametrize("text", [
    "It is unclear whether the women were forced into prostitution.",
    "Установить, подвергались ли они принудительному труду, не удалось.",
    "Фактов принудительного труда не выявлено.",
])
def test_hedged_and_negated_statements_give_no_label(text):
    assert extract(text)["exploitation"] == []


def test_negation_inside_the_pattern_is_kept():
    means = {m["label"] for m in extract("The workers were not paid for months.")["means"]}
    assert "withheld_wages" in means


def test_gazetteer_is_cached_on_disk_and_reloaded():
    from ctkit.identify.text import gazetteer

    built = gazetteer.load_gazetteer()
    assert list(gazetteer.cache_dir().glob("gazetteer-*.pickle"))
    gazetteer.load_gazetteer.cache_clear()
    try:
        reloaded = gazetteer.load_gazetteer()  # from the pickle this time
        assert reloaded is not built and reloaded.aliases == built.aliases
    finally:
        gazetteer.load_gazetteer.cache_clear()
