"""Route roles of place mentions, by rules over prepositions, Russian grammatical case and the sentence.

English: from / out of -> origin; to / into -> destination; via / through -> transit; "in" -> origin after a
recruitment verb, destination with an exploitation predicate, otherwise other. Russian: из/с + genitive ->
origin; в/во/на + accusative -> destination; в + prepositional -> destination with an exploitation predicate;
через -> transit; уроженец / житель / гражданин -> origin. "X is a source, transit and destination" gives the
roles it names; a list ("to Poland, Germany and Greece") carries its first item's role. A mention with no route
role is ``other`` (an office, a police force, a conference).
"""

from __future__ import annotations

from ctkit.identify.text.lexicon import Hit, Lexicon
from ctkit.identify.text.places import Mention
from ctkit.identify.text.tokens import Sentence, Token

__all__ = ["assign_roles", "journeyless"]

_POSSESSIVES = frozenset({"her", "his", "their", "my", "our", "your", "own"})
_PREP_ROLES = (("origin_preps", "origin"), ("destination_preps", "destination"), ("transit_preps", "transit"))


def _cue_before(lex: Lexicon, name: str, tokens: list[Token], end: int, lo: int) -> int | None:
    """Start index of a ``name`` cue that ends exactly at ``end`` (searching back no further than ``lo``)."""
    for start in range(end - 1, max(lo, end - 4) - 1, -1):
        for _p, s, e in lex.role_cues[name].find(tokens, start, end):
            if s == start and e == end:
                return start
    return None


def _skip_back(lex: Lexicon, tokens: list[Token], first: int, lo: int) -> int:
    """Position just after the preposition: skip words like "the city of" / "город"."""
    j = first
    while j > lo and first - j < 4 and (tokens[j - 1].lower.strip(".") in lex.skip or tokens[j - 1].norm in lex.skip):
        j -= 1
    return j


def _ru_case_role(tokens: list[Token], after: int, mention: Mention, prep: str) -> str | None:
    head = tokens[after] if after < mention.first else tokens[mention.first]
    # "Калининградскую область": adjective and noun agree; "страны Евросоюза": the first noun governs
    cases = (head.cases & tokens[mention.last - 1].cases if head.pos == "ADJF" else head.cases) or head.cases
    if mention.last - mention.first > 1 and not cases & {"accs", "loct", "loc2"}:
        cases = tokens[mention.last - 1].cases or cases  # "в Хабаровском крае": the adjective read as a noun
    if prep in {"из", "изо"}:
        return "origin"
    if prep in {"с", "со"}:
        return "origin" if "gent" in cases or not cases else None
    if not cases & {"accs", "loct", "loc2"} and tokens[mention.last - 1].cyr:
        # a name the morphology misreads ("в Самару" as a dative): the ending tells accusative from prepositional
        ending = tokens[mention.last - 1].lower[-1:]
        cases = {"accs"} if ending in {"у", "ю"} else {"loct"} if ending in {"е", "и"} else cases
    if "accs" in cases and not cases & {"loct", "loc2"}:
        return "destination"
    return "in" if cases & {"loct", "loc2"} or not cases else None


def _returning(lex: Lexicon, tokens: list[Token], end: int, lo: int) -> bool:
    """"was returned to", "sent back home to", "вернулась в": a way home a few words before ``end``."""
    return bool(lex.role_cues["return_verbs"].find(tokens, max(lo, end - 3), end))


def _preposition_role(lex: Lexicon, tokens: list[Token], m: Mention, lo: int, workplaces: set[int]) -> str | None:
    after = _skip_back(lex, tokens, m.first, lo)
    for cue, role in _PREP_ROLES:
        start = _cue_before(lex, cue, tokens, after, lo)
        if start is None:
            continue
        if role == "destination" and _returning(lex, tokens, start, lo):
            return "origin"  # "she was returned to Minsk": home, not a destination
        if lex.lang == "ru" and cue == "destination_preps":
            return _ru_case_role(tokens, after, m, tokens[start].lower)
        if role == "origin" and lex.role_cues["offices"].find(tokens, max(lo, start - 2), start):
            return "other"  # "experts from Lithuania", "представители НКО из Польши"
        return role
    near = _cue_before(lex, "near", tokens, after, lo)
    if near is not None:
        # "a village near Osh" after "from" keeps the origin; otherwise "near X" reads like "in X"
        return "origin" if _cue_before(lex, "origin_preps", tokens, near, max(lo, near - 3)) is not None or any(
            lex.role_cues["origin_preps"].find(tokens, k, k + 1) for k in range(max(lo, near - 3), near)) else "in"
    if _cue_before(lex, "destination_preps", tokens, after, lo) is None and after > lo:
        if tokens[after - 1].lower in {"in", "at", "within", "inside"}:
            return "in"
    if lex.lang == "ru" and after > lo and lex.role_cues["origin_nouns"].find(tokens, after - 1, after):
        return "origin"
    if _citizen_of(lex, tokens, m, after, lo):
        return "origin"
    return _verb_role(lex, tokens, after, lo, workplaces)


def _citizen_of(lex: Lexicon, tokens: list[Token], m: Mention, after: int, lo: int) -> bool:
    """"a citizen of Moldova", "native of the Philippines" (the "of" may have been skipped with "the")."""
    return lex.lang == "en" and any(
        tokens[k].lower == "of" and _cue_before(lex, "origin_verbs", tokens, k + 1, lo) is not None
        for k in range(max(lo, after - 1), m.first))


def _verb_role(lex: Lexicon, tokens: list[Token], after: int, lo: int, workplaces: set[int]) -> str | None:
    """"left Tashkent", "покинула Москву" -> origin; "reached Samara", "добралась до Новосибирска" -> destination."""
    if after <= lo:
        return None
    if lex.role_cues["departure_verbs"].find(tokens, after - 1, after):
        return "origin"
    prep = after - 1 if lex.lang == "ru" and tokens[after - 1].lower == "до" else after
    if prep > lo and (lex.role_cues["arrival_verbs"].find(tokens, max(lo, prep - 2), prep) or (
            prep < after and lex.role_cues["vehicles"].find(tokens, max(lo, prep - 2), prep))):
        return "destination"
    if tokens[after - 1].lower == "for" and lex.role_cues["departure_verbs"].find(tokens, max(lo, after - 6), after):
        return "destination"  # "the boat left Odesa for Istanbul"
    if prep < after and lex.role_cues["origin_preps"].find(tokens, max(lo, prep - 6), prep):
        return "destination"  # "довезли из Армении до Москвы": "до" after "из" ends the journey
    if lex.lang == "ru" and after - 2 >= lo and tokens[after - 1].pos == "NOUN" and lex.role_cues[
            "destination_preps"].find(tokens, after - 2, after - 1):
        # "в гостиницы Калининграда", "на стройки Подмосковья": a genitive place after "в" + a noun; a workplace
        # also in the prepositional ("на стройках Москвы"), but not "в отношении жителя Оренбурга" or "в полицию
        # Хасавюрта" (an office's place is no destination)
        noun = tokens[after - 1]
        if lex.role_cues["offices"].find(tokens, after - 1, after):
            return None
        if ("accs" in noun.cases and not noun.cases & {"loct", "loc2"}) or after - 1 in workplaces:
            return "destination"
    return None


def _origin_phrase_before(lex: Lexicon, tokens: list[Token], m: Mention, lo: int) -> bool:
    """"from small towns in eastern Ukraine": "from" a few plain words before "in X", with no place between."""
    first = _skip_back(lex, tokens, m.first, lo)  # "from poor families in the rural south of Kyrgyzstan"
    for start in range(first - 2, max(lo, first - 6) - 1, -1):
        token = tokens[start]
        if lex.role_cues["origin_preps"].find(tokens, start, start + 1):
            return True
        if token.lower not in lex.skip and token.norm not in lex.skip:
            return False  # "rescued from a brothel in Sofia": only words like "village", "their" may stand between
    return False


def _job_as_before(lex: Lexicon, tokens: list[Token], prep: int, lo: int) -> bool:
    """"work in Germany", "jobs as electricians in Riyadh", "work as a hostess in Dubai": the (promised) job's place."""
    if prep - 1 >= lo and lex.role_cues["work_nouns"].find(tokens, prep - 1, prep):
        return True
    return any(tokens[k + 1].lower == "as" and lex.role_cues["work_nouns"].find(tokens, k, k + 1)
               and all(t.text.isalpha() for t in tokens[k + 1:prep]) for k in range(max(lo, prep - 5), prep - 2))


def _agent_place(lex: Lexicon, tokens: list[Token], m: Mention, sentence: Sentence, prep: int, lo: int,
                 after_start: bool) -> str | None:
    """The role of "in X" given by the go-between just before it: a recruiter's place is the origin, a smuggler's
    (after an earlier place) a stop on the way."""
    if any(e == prep for _p, _s, e in lex.recruiter_roles.find(tokens, max(lo, prep - 3), prep)):
        return "origin"  # "a broker in Dhaka", "a manpower agency in Manila", "посредник в Бишкеке": where they recruit
    if lex.role_cues["recruiting_businesses"].find(tokens, max(lo, prep - 3), prep) and lex.recruiter_verbs.find(
            tokens, m.last, sentence.last):
        return "origin"  # "a woman who ran a 'travel agency' in Accra offered her work": a recruiter by description
    if after_start and lex.role_cues["smugglers"].find(tokens, max(lo, prep - 3), prep):
        return "transit"  # "paid smugglers in Sudan", "заплатили проводникам в Таджикистане": a leg of the way
    return None


def _in_role(lex: Lexicon, tokens: list[Token], m: Mention, sentence: Sentence, hits: list[Hit],
             after_start: bool = False) -> str:
    """Role of a place after "in" / "в" + prepositional (``after_start``: an earlier place began the route)."""
    lo = max(sentence.first, m.first - 6)
    prep = _skip_back(lex, tokens, m.first, lo) - 1  # the "in" / "в"
    by_agent = _agent_place(lex, tokens, m, sentence, prep, lo, after_start)
    if by_agent is not None:
        return by_agent
    recruited = any(t.lower.startswith(("recruit", "вербов", "завербов")) for t in tokens[lo:m.first])
    if not recruited and any(lex.role_cues["offices"].find(tokens, k, k + 1) for k in range(max(lo, m.first - 3),
                                                                                             m.first)):
        return "office"  # "border guards in Bialystok" (but "recruited by an agency in Hanoi" is the origin)
    if _job_as_before(lex, tokens, prep, lo) and not any(h.category == "vulnerabilities" for h in hits):
        return "destination"  # "lured by promises of work in Germany", "завербовали на работу в Германии"
    origin_verbs = [s for _p, s, _e in lex.role_cues["origin_verbs"].find(tokens, lo, m.first)]
    # the nearest predicate governs the place: "жил и работал в Дагестане" is where he worked, not his home
    nearer_work = origin_verbs and any(s > max(origin_verbs) for _p, s, _e in lex.role_cues[
        "exploitation_verbs"].find(tokens, lo, m.first))
    if (origin_verbs and not nearer_work) or _origin_phrase_before(lex, tokens, m, max(sentence.first, m.first - 9)):
        return "origin"
    if any(_returning(lex, tokens, k, lo) for k in range(max(lo, m.first - 3), m.first + 1)):
        return "origin"  # "sent back to her family in Moldova", "sent money home to her family in Chisinau"
    if prep > lo and lex.role_cues["arrival_verbs"].find(tokens, max(lo, prep - 3), prep):
        return "destination"  # "arrived in Samara", "оказалась в Москве"
    if prep > lo and lex.role_cues["movement_verbs"].find(tokens, max(sentence.first, m.first - 9), prep):
        return "destination"  # "went to work on a farm in Kazakhstan", "уехала на заработки в Москве" (a journey)
    to = [k for k in range(max(lo, m.first - 5), m.first - 2)
          if lex.role_cues["destination_preps"].find(tokens, k, k + 1)
          and (lex.lang == "en" or _accusative_after(tokens, k))]
    if to and not _own_kin(lex, tokens, to[-1], m.first):
        return "destination"  # "taken to a flat in Berlin", "доставили в квартиру в Москве" (not "to her family")
    if lex.negation.strong.find(tokens, sentence.first, sentence.last):
        return "other"  # "no signs of trafficking were found at a cafe in X": X is not a destination
    exploitation = any(h.category in {"exploitation", "sectors"} for h in hits)
    if not exploitation and any(h.category == "vulnerabilities" for h in hits) and not any(
            h.category == "means" for h in hits):
        return "origin"  # "unemployed, she slept at the station in Samara": the victim's background, before the route
    if exploitation or lex.role_cues["exploitation_verbs"].find(tokens, sentence.first, sentence.last):
        return "predicate"  # a destination only by what happened there (see ``journeyless``)
    return "other"


def _own_kin(lex: Lexicon, tokens: list[Token], start: int, end: int) -> bool:
    """"to her family in X" (home), not "sold to a family in London" (a buyer): in English the relative must be
    someone's own."""
    for _p, s, _e in lex.role_cues["kin"].find(tokens, start, end):
        if lex.lang != "en" or (s > 0 and tokens[s - 1].lower in _POSSESSIVES):
            return True
    return False


def _accusative_after(tokens: list[Token], k: int) -> bool:
    """"в квартиру", "на склад": a Russian preposition of direction (accusative), not of place ("в семье")."""
    noun = next((t for t in tokens[k + 1:k + 4] if t.pos == "NOUN"), None)
    return noun is not None and "accs" in noun.cases and not noun.cases & {"loct", "loc2"}


def _onward(lex: Lexicon, tokens: list[Token], sentences: list[Sentence], mentions: list[Mention]) -> None:
    """"to Moscow, from where they were driven to Kazan", "до Новосибирска, откуда её доставили в Сургут": a
    destination followed by "from there" and a later destination was a stop on the way."""
    for i, m in enumerate(mentions):
        if "destination" not in m.roles:
            continue
        stop = sentences[min(m.sent + 1, len(sentences) - 1)].last
        cue = next((s for _p, s, _e in lex.role_cues["onward"].find(tokens, m.last, stop)), None)
        if cue is None or any(o.first < cue for o in mentions[i + 1:] if o.sent <= m.sent + 1 and not o.demonym):
            continue  # no "from there", or another place stands between
        if any("destination" in o.roles and o.first > cue and o.sent <= m.sent + 1 for o in mentions[i + 1:]):
            m.roles.discard("destination")
            m.roles.add("transit")


def _departure_points(mentions: list[Mention]) -> None:
    """"In Almaty he was put on a train to Novosibirsk", "Во Вроцлаве девушек встречал водитель и отвозил их в
    Берлин", "sold by her stepmother in Lagos to a family in London": a place "in X" with no route role of its own (a
    destination only by the sentence's predicate), before a destination in the same sentence, is where that leg
    began: the origin, or a transit place when the text already named an origin."""
    for i, m in enumerate(mentions):
        if not ((m.roles == {"other"} and m.prep_role is None and m.in_place) or m.by_predicate):
            continue
        if any("destination" in o.roles and not o.by_predicate and o.sent == m.sent and o.first > m.last
               for o in mentions[i + 1:]):
            m.by_predicate = False
            seen_origin = any("origin" in o.roles for o in mentions[:i])
            m.roles = {"transit" if seen_origin else "origin"}


def _beside_office(lex: Lexicon, tokens: list[Token], m: Mention, sentence: Sentence) -> bool:
    offices = lex.role_cues["offices"]
    return bool(offices.find(tokens, max(sentence.first, m.first - 2), m.first)
                or offices.find(tokens, m.last, min(sentence.last, m.last + 1)))


def _office_role(m: Mention, mentions: list[Mention], hits: list[Hit]) -> str:
    """"Police in Naples arrested a gang that forced women to beg": the only place of a sentence that tells of
    exploitation is where it happened, even after an office word; otherwise an office's place is ``other``."""
    alone = not any(o is not m and o.sent == m.sent and not o.demonym for o in mentions)
    return "destination" if alone and any(h.category == "exploitation" for h in hits) else "other"


def _statement_roles(lex: Lexicon, tokens: list[Token], sentence: Sentence) -> set[str]:
    roles = set()
    for cue, role in (("source_nouns", "origin"), ("transit_nouns", "transit"), ("destination_nouns", "destination")):
        if lex.role_cues[cue].find(tokens, sentence.first, sentence.last):
            roles.add(role)
    return roles


def _coordinated(lex: Lexicon, tokens: list[Token], prev: Mention, m: Mention) -> bool:
    if prev.sent != m.sent or prev.last > m.first:
        return False
    if any(t.lower == "in" for t in tokens[prev.last:m.first]):
        # "Osh in Kyrgyzstan": only a wider place after a smaller one shares its role
        return m.place.type in {"country", "region"} and prev.place.type != "country" and m.first - prev.last == 1
    k = prev.last
    while k < m.first:
        hits = [e for _p, s, e in lex.role_cues["coordination"].find(tokens, k, m.first) if s == k]
        if not hits:
            return False
        k = max(hits)
    return m.first - prev.last <= 4


def journeyless(mentions: list[Mention]) -> None:
    """A labour dispute that tells of no exploitation and no journey (a strike at a factory in Dhaka): a place that
    was a destination only because work happened there is just where the story is (``other``). (Not applied to every
    document without a form: there a missed form would also lose its destination.)"""
    if any(m.roles & {"origin", "transit", "destination"} and not m.by_predicate for m in mentions):
        return
    for m in mentions:
        if m.by_predicate:
            m.roles = {"other"}
            m.by_predicate = False


def assign_roles(lex: Lexicon, tokens: list[Token], sentences: list[Sentence], mentions: list[Mention],
                 hits_by_sentence: dict[int, list[Hit]]) -> None:
    """Set ``roles`` on every mention in place (at least one role each)."""
    previous: Mention | None = None
    for m in mentions:
        sentence = sentences[m.sent]
        hits = hits_by_sentence.get(m.sent, [])
        workplaces = {k for h in hits if h.category == "sectors" for k in range(h.first, h.last)}
        role = "origin" if m.demonym else _preposition_role(lex, tokens, m, sentence.first, workplaces)
        if lex.role_cues["transit_after"].find(tokens, m.last, min(m.last + 3, sentence.last)) or lex.role_cues[
                "transit_before"].find(tokens, max(sentence.first, m.first - 3), m.first):
            role = "transit"  # "the Chernyshevskoye checkpoint", "пункт пропуска Мамоново"
        if role in {None, "in"} and previous is not None and previous.prep_role and _coordinated(
                lex, tokens, previous, m):
            role, m.by_predicate = previous.prep_role, previous.by_predicate
        if role == "in":
            role = _in_role(lex, tokens, m, sentence, hits, any(o.first < m.first for o in mentions))
            m.in_place = role == "other"
            if role == "predicate":
                role, m.by_predicate = "destination", True
        if role is None and not _statement_roles(lex, tokens, sentence) and _beside_office(lex, tokens, m, sentence):
            role = "office"  # "Полиция Санкт-Петербурга", "Manchester police"
        if role == "office":
            role = _office_role(m, mentions, hits)
        if role is not None and role != "other":
            m.prep_role = role
            m.roles.add(role)
        elif role is None:
            m.roles |= _statement_roles(lex, tokens, sentence)
        if not m.roles:
            m.roles.add("other")
        previous = m
    _onward(lex, tokens, sentences, mentions)
    _departure_points(mentions)
