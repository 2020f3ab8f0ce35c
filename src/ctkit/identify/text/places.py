"""Place mentions: gazetteer matches over token keys (longest first), demonyms next to a person noun, and
capitalised names after a place preposition that the gazetteer does not know (reported as unresolved)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ctkit.identify.text.gazetteer import Gazetteer, Place, stem_key
from ctkit.identify.text.lexicon import Lexicon
from ctkit.identify.text.tokens import Token, ru_stem

__all__ = ["Mention", "find_mentions"]

_NOT_NAMES = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday i mr mrs ms dr""".split())


@dataclass
class Mention:
    """A place named in the text: the resolved Place (None when unresolved) and where it is."""

    place: Place | None
    first: int
    last: int
    sent: int
    demonym: bool = False
    roles: set[str] = field(default_factory=set)
    prep_role: str | None = None  # role given by a preposition or a person noun, carried along lists
    in_place: bool = False  # after "in" / "в" + prepositional, where the sentence decides the role
    by_predicate: bool = False  # a destination only because the sentence tells of work or exploitation there


def _name_like(span: list[Token]) -> bool:
    return any(t.capitalized or (t.text.isupper() and len(t.text) > 1) for t in span)


def _match_at(tokens: list[Token], i: int, gaz: Gazetteer) -> tuple[Place, int] | None:
    sent = tokens[i].sent
    first = tokens[i]
    lengths = set(gaz.lengths(first.key))
    if first.cyr:
        lengths.update(gaz.lengths("~" + ru_stem(first.lower)))
    for length in sorted(lengths, reverse=True):
        if i + length > len(tokens):
            continue
        span = tokens[i:i + length]
        if span[-1].sent != sent or not span[-1].is_word:
            continue
        keys = tuple(t.key for t in span if t.text not in {".", "(", ")"})
        place = gaz.lookup(keys)
        if place is None and all(t.cyr and t.pos in {"NOUN", "ADJF", ""} for t in span):
            place = gaz.lookup(stem_key([t.lower for t in span]))
        if place is not None and _name_like(span) and (length > 1 or span[0].capitalized or span[0].text.isupper()):
            return place, i + length
    return None


def _demonym_at(tokens: list[Token], i: int, gaz: Gazetteer, lex: Lexicon) -> tuple[str, int] | None:
    """A demonym that names people: "Ukrainian women", "гражданки-узбечки", "узбеки" (a noun itself)."""
    token = tokens[i]
    code = gaz.demonyms.get(token.norm if token.cyr else token.lower)
    if code is None:
        return None
    if token.cyr and token.pos == "NOUN":
        return code, i + 1
    for j in range(i + 1, min(i + 6, len(tokens))):
        if tokens[j].sent != token.sent:
            break
        if lex.persons.find(tokens, j, j + 1) or _occupation_plural(tokens, i, j):
            return code, i + 1
        # "Indian and Nepalese workers": other demonyms and conjunctions may stand between
        if j > i + 1 and tokens[j].lower not in {"and", "or", ",", "и", "или"} and tokens[j].lower not in gaz.demonyms \
                and tokens[j].norm not in gaz.demonyms:
            break
    if not token.cyr and token.lower.endswith("s") and token.capitalized and i + 1 < len(tokens):
        return code, i + 1  # "Uzbeks", "Ukrainians" as nouns
    return None


# Heads of names that contain a place word without naming that place: streets and districts ("Moscow Road",
# "Московский проспект", "улица Ленина") and district courts ("Октябрьского районного суда" names a city district).
_EN_NAME_HEADS = frozenset("""road street avenue lane boulevard drive crescent terrace close square st rd ave
cafe café restaurant hotel bar ltd limited inc company group""".split())
_RU_NAME_HEADS_AFTER = frozenset("проспект шоссе переулок бульвар улица площадь набережная тракт район".split())
_RU_NAME_HEADS_BEFORE = frozenset("улица ул проспект пр-т переулок бульвар площадь набережная шоссе".split())
_RU_DISTRICT_COURT = frozenset({"районный", "межрайонный"})
_OPEN_QUOTES, _CLOSE_QUOTES = frozenset("«\"“„'‘"), frozenset("»\"”'’")


def _inside_name(tokens: list[Token], first: int, stop: int) -> bool:
    """A place word that is part of the name of a street, a district court or a business ("кафе «Самарканд»"):
    no mention of the place itself."""
    before = tokens[first - 1] if first > 0 and tokens[first - 1].sent == tokens[first].sent else None
    after = tokens[stop] if stop < len(tokens) and tokens[stop].sent == tokens[stop - 1].sent else None
    if before is not None and after is not None and before.text in _OPEN_QUOTES and after.text in _CLOSE_QUOTES:
        return True  # a quoted name: places are not quoted, businesses and organisations are
    if after is None:
        return before is not None and before.cyr and before.norm in _RU_NAME_HEADS_BEFORE
    if not tokens[first].cyr:
        return after.capitalized and after.lower in _EN_NAME_HEADS
    if before is not None and before.norm in _RU_NAME_HEADS_BEFORE:
        return True
    if tokens[stop - 1].pos != "ADJF":
        return False
    if after.norm in _RU_NAME_HEADS_AFTER:
        return True
    nxt = tokens[stop + 1] if stop + 1 < len(tokens) else None
    return after.norm in _RU_DISTRICT_COURT and nxt is not None and nxt.norm == "суд"


# English plural agent nouns that name people by their trade: "Nepalese security guards", "Romanian fruit pickers".
_AGENT_ENDINGS = ("ers", "ors", "ists", "ians", "men", "guards", "hands", "staff", "crews")


def _occupation_plural(tokens: list[Token], i: int, j: int) -> bool:
    """An English plural trade noun up to two plain lower-case words after a demonym ("Romanian fruit pickers")."""
    token = tokens[j]
    return (not token.cyr and j - i <= 3 and len(token.text) > 4 and token.text.islower()
            and token.lower.endswith(_AGENT_ENDINGS)
            and all(t.text.isalpha() and t.text.islower() for t in tokens[i + 1:j]))


def _unresolved_at(tokens: list[Token], i: int, lex: Lexicon) -> bool:
    token = tokens[i]
    if not token.capitalized or i == 0 or tokens[i - 1].sent != token.sent or token.lower in _NOT_NAMES:
        return False
    prev = tokens[i - 1]
    preps = ("origin_preps", "destination_preps", "transit_preps")
    if not any(lex.role_cues[name].find(tokens, i - 1, i) for name in preps):
        return False
    if token.cyr:
        return token.geox
    return token.text.isalpha() and prev.text.islower()


def _elided_regions(tokens: list[Token], i: int, stop: int, gaz: Gazetteer) -> list[Mention]:
    """"Псковской и Новгородской областей": the adjectives before a matched "adjective + noun" share its noun."""
    if stop - i != 2 or not tokens[i].cyr or tokens[i].pos != "ADJF":
        return []
    found: list[Mention] = []
    j = i - 1
    while j >= 1 and tokens[j].text in {",", "и", "или"} and tokens[j - 1].pos == "ADJF" and tokens[j - 1].capitalized:
        place = gaz.lookup((tokens[j - 1].key, tokens[stop - 1].key))
        if place is None:
            break
        found.insert(0, Mention(place, j - 1, j, tokens[j - 1].sent))
        j -= 2
    return found


def find_mentions(tokens: list[Token], gaz: Gazetteer, lex: Lexicon) -> tuple[list[Mention], list[Mention]]:
    """Resolved mentions (gazetteer and demonyms) and unresolved name-like mentions after place prepositions."""
    mentions: list[Mention] = []
    unresolved: list[Mention] = []
    i = 0
    while i < len(tokens):
        if not tokens[i].is_word:
            i += 1
            continue
        found = _match_at(tokens, i, gaz)
        if found and _inside_name(tokens, i, found[1]):
            i = found[1]
            continue
        if found:
            mentions.extend(_elided_regions(tokens, i, found[1], gaz))
            mentions.append(Mention(found[0], i, found[1], tokens[i].sent))
            i = found[1]
            continue
        demonym = _demonym_at(tokens, i, gaz, lex)
        if demonym:
            country = gaz.countries.get(demonym[0])
            if country is not None:
                mentions.append(Mention(country, i, demonym[1], tokens[i].sent, demonym=True))
        elif _unresolved_at(tokens, i, lex):
            unresolved.append(Mention(None, i, i + 1, tokens[i].sent))
        i += 1
    return mentions, unresolved
