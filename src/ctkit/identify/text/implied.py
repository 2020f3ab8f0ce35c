"""Facts a text implies without naming them, and overlaps between categories, decided sentence by sentence.

- An activity beside a means of control implies its form of exploitation when the document names none: "she had
  to see men every night and the owner kept the money" (sexual exploitation), "asked drivers for coins and was
  beaten if she brought back too little" (begging), "used him to carry drugs and threatened his sister"
  (criminality); work itself implies forced labour only beside two different means of control.
- A parent's or husband's drinking is a household risk (``family_violence``), not the person's own addiction.
- A match inside a longer match of another category belongs to that one: "could not pay the rent" (poverty) is no
  unpaid wage, "pay off family debts" (economic need) no debt bondage.
"""

from __future__ import annotations

from ctkit.identify.text.lexicon import Hit, Lexicon
from ctkit.identify.text.tokens import Sentence, Token

__all__ = ["CONTROL_MEANS", "COERCIVE_MEANS", "held_in_work", "labour_dispute", "free_to_leave",
           "without_household_in_business", "implied_forms", "household_substance", "without_nested", "without_own",
           "without_employer_debts", "without_goods"]

# Means of control that, unlike a false promise or a psychological word, show a person was held in the activity.
CONTROL_MEANS = frozenset({"withheld_wages", "withholds_documents", "excessive_working_hours", "restricts_movement",
                           "debt_bondage", "poor_living_conditions", "physical_abuse", "threats", "isolation",
                           "sale_of_person", "restricts_medical_care"})
# Means that take away a free choice to work or to leave (the ILO indicators of involuntariness and menace; deception
# is a means in the Palermo definition): unpaid wages, long hours or a bad bed alone describe a bad job, which people
# leave, strike or sue over; they are not forced labour.
COERCIVE_MEANS = frozenset({"withholds_documents", "restricts_movement", "debt_bondage", "physical_abuse", "threats",
                            "isolation", "sale_of_person", "coercion", "false_promises"})
# In a labour dispute (a strike, a complaint, a claim) debts, fines and promises are the employer's ("promised to pay
# by the end of the month"), not a bondage or a deception: only these show the workers could not leave.
_HARD_COERCION = COERCIVE_MEANS - {"debt_bondage", "coercion", "false_promises"}
# A parent or husband this many words before an alcohol or drug word ("Their mother, a single parent struggling
# with alcohol addiction"), or a few words after it ("alcoholic parents"), is the one who drinks.
_KIN_BEFORE, _KIN_AFTER = 8, 3
_COORDINATORS = frozenset({"and", "but", "и", "но", "а"})
_OWN = frozenset({"own", "свой", "свои", "своих", "свою", "своё", "свое", "своего"})
# A longer match of the key category absorbs matches of these categories (None: any label) lying inside it; the other
# way round would lose facts that gapped patterns span ("forced disabled people to beg" keeps the disability).
_ABSORBS: dict[str, dict[str, frozenset[str] | None]] = {
    "vulnerabilities": {"means": None}, "exploitation": {"vulnerabilities": frozenset({"substance_abuse"})},
    "sectors": {"sectors": None}}
# (longer label, label inside it) of one category: "his family would be hurt" is a threat, not a beating.
_ABSORBS_LABEL = frozenset({("threats", "physical_abuse")})  # "nail bars" is a beauty business, not a bar
# Sectors whose own forms (domestic servitude, sexual exploitation) the document-level inference gives instead.
_NOT_LABOUR = frozenset({"domestic_work", "sex_industry"})


def _control(hits: list[Hit], also: frozenset[str]) -> set[str]:
    return {h.label for h in hits if h.category == "means" and (h.label in CONTROL_MEANS or h.label in also)}


def held_in_work(means: set[str], dispute: bool) -> bool:
    """Whether the means of control of a work relation make it forced labour: two different means, one of them
    coercive (a harder one when the workers are disputing their pay in the open: striking, complaining, suing)."""
    coercive = _HARD_COERCION if dispute else COERCIVE_MEANS
    return len(means & CONTROL_MEANS) >= 2 and bool(means & coercive)


def labour_dispute(lex: Lexicon, tokens: list[Token], sentences: list[Sentence]) -> bool:
    """A strike, a protest, a union, a complaint or a claim against the employer somewhere in the document."""
    return any(lex.dispute.find(tokens, s.first, s.last) for s in sentences)


def free_to_leave(lex: Lexicon, tokens: list[Token], sentences: list[Sentence]) -> bool:
    """"free to change jobs", "паспорт у него на руках, может уйти в любой момент": an asserted (not negated)
    statement that the workers can leave or hold their own papers."""
    return any(lex.negation.keep(tokens, s, lex.freedom.find(tokens, s.first, s.last)) for s in sentences)


def implied_forms(lex: Lexicon, tokens: list[Token], sentences: list[Sentence],
                  hits: dict[int, list[Hit]], dispute: bool = False) -> dict[int, list[Hit]]:
    """Exploitation hits implied by an activity and means of control, by sentence; none when a form is named."""
    if any(h.category == "exploitation" for found in hits.values() for h in found):
        return {}
    sectors = {h.label for found in hits.values() for h in found if h.category == "sectors"}
    implied: dict[int, list[Hit]] = {}
    for i, sentence in enumerate(sentences):
        near = [h for k in (i - 1, i, i + 1) for h in hits.get(k, [])]
        for form, cues in lex.implied.items():
            if form == "forced_labour" and sectors & _NOT_LABOUR:
                continue
            found = lex.negation.keep(tokens, sentence, cues.find(tokens, sentence.first, sentence.last))
            if found and _held(lex, tokens, sentence, form, near, found[0][1], dispute):
                implied.setdefault(i, []).append(Hit("exploitation", form, found[0][1], found[0][2]))
    return implied


def _held(lex: Lexicon, tokens: list[Token], sentence: Sentence, form: str, near: list[Hit], first: int,
          dispute: bool) -> bool:
    """Whether the means of control near an activity show the person was held in it. Work needs two different means,
    one of them coercive (``held_in_work``); other activities need one means or an obligation just before them ("had
    to see clients")."""
    if form == "forced_labour":
        return held_in_work(_control(near, COERCIVE_MEANS), dispute)
    if _control(near, frozenset({"coercion"})):
        return True
    return any(first - 3 <= e <= first for _p, _s, e in lex.obligation.find(tokens, sentence.first, first))


def household_substance(lex: Lexicon, tokens: list[Token], sentence: Sentence, hits: list[Hit]) -> list[Hit]:
    """Substance-abuse hits next to a parent or husband become family violence ("an alcoholic mother")."""
    if not any(h.label == "substance_abuse" for h in hits):
        return hits
    kin = [s for _p, s, e in lex.household.find(tokens, sentence.first, sentence.last)
           if e >= len(tokens) or tokens[e].text not in {"'", "’"}]  # "her stepfather's violence" is not his drinking
    out = []
    for h in hits:
        if h.label == "substance_abuse" and any(_drinker(tokens, k, h) for k in kin):
            h = Hit(h.category, "family_violence", h.first, h.last)
        out.append(h)
    return out


def _drinker(tokens: list[Token], kin: int, hit: Hit) -> bool:
    """The relative is the one who drinks: just after the hit, or before it with no "and" opening another predicate
    in between ("ran away because of her stepfather's violence and had used drugs" is her own use)."""
    if hit.last <= kin < hit.last + _KIN_AFTER:
        return True
    return hit.first - _KIN_BEFORE <= kin < hit.first and not any(
        t.lower in _COORDINATORS for t in tokens[kin + 1:hit.first])


def without_household_in_business(hits: list[Hit]) -> list[Hit]:
    """"a hotel housekeeper", "горничная в гостинице": a household word right after or before a hospitality
    workplace is a job in that business, not domestic work."""
    business = [h for h in hits if h.category == "sectors" and h.label == "hospitality"]
    if not business:
        return hits
    return [h for h in hits if not (h.category == "sectors" and h.label == "domestic_work" and any(
        b.last <= h.first <= b.last + 1 or h.last <= b.first <= h.last + 1 for b in business))]


def without_own(tokens: list[Token], hits: list[Hit]) -> list[Hit]:
    """"held their own passports", "kept their own earnings": what people keep themselves is no means of control."""
    return without_self_held(tokens, [h for h in hits if not (h.category == "means" and any(
        t.lower in _OWN for t in tokens[max(0, h.first - 1):h.last]))])  # "their own passports and kept"


# "they hold their passports": a subject pronoun, a verb of having and the same person's possessive.
_HAVING = frozenset({"hold", "holds", "have", "has", "keep", "keeps", "carry", "carries", "retain", "retains"})
_REFLEXIVE = {"they": "their", "we": "our", "he": "his", "she": "her", "i": "my", "you": "your"}
_OBJECT_ENDS = frozenset({",", ";", ".", "are", "is", "were", "was", "can", "could", "but", "while", "and are"})
_KEPT_BY_SELF = frozenset({"withholds_documents", "withheld_wages"})


def _self_held_spans(tokens: list[Token], hits: list[Hit]) -> list[tuple[int, int]]:
    """The objects of "they hold their passports and bank cards": what the subject keeps itself."""
    spans = []
    for h in hits:
        if h.label not in _KEPT_BY_SELF:
            continue
        for j in range(max(1, h.first - 8), h.first + 1):
            verb, subject = tokens[j], tokens[j - 1]
            if verb.lower in _HAVING and j + 1 < len(tokens) and tokens[j + 1].lower == _REFLEXIVE.get(subject.lower):
                end = next((k for k in range(j + 1, min(len(tokens), j + 10))
                            if tokens[k].lower in _OBJECT_ENDS or tokens[k].sent != verb.sent), j + 10)
                spans.append((j, end))
    return spans


def without_self_held(tokens: list[Token], hits: list[Hit]) -> list[Hit]:
    """"they hold their passports and bank cards": papers and pay kept by their own holders are no means of
    control, as with "own" (the subject and the possessive name the same people)."""
    spans = _self_held_spans(tokens, hits)
    if not spans:
        return hits
    return [h for h in hits if not (h.label in _KEPT_BY_SELF and any(a <= h.first < b for a, b in spans))]


def without_employer_debts(lex: Lexicon, tokens: list[Token], sentence: Sentence, hits: list[Hit]) -> list[Hit]:
    """In a labour dispute, "the company ran into debts and promised to pay the arrears", "фирма погасит
    задолженность": a debt or promise after the employer as actor, in a sentence about pay, is the employer's own."""
    if not any(h.label in {"debt_bondage", "false_promises"} for h in hits):
        return hits
    actors = [s for _p, s, _e in lex.employer.find(tokens, sentence.first, sentence.last)]
    if not actors or not lex.pay_words.find(tokens, sentence.first, sentence.last):
        return hits
    return [h for h in hits if not (h.label in {"debt_bondage", "false_promises"} and min(actors) < h.first)]


def without_goods(lex: Lexicon, tokens: list[Token], sentence: Sentence, hits: list[Hit]) -> list[Hit]:
    """"купили билеты", "sold her car to a neighbour": a sale whose object (up to three words after the verb) is a
    thing, with no person noun before it, is no sale of a person."""
    out = []
    for h in hits:
        if h.label == "sale_of_person":
            stop = min(sentence.last, h.first + 4)
            things = [s for _p, s, _e in lex.goods.find(tokens, h.first + 1, stop)]
            if things and not lex.persons.find(tokens, h.first + 1, things[0]):
                continue
        out.append(h)
    return out


def without_nested(hits: list[Hit]) -> list[Hit]:
    """Drop a match that lies inside a longer match of a category that absorbs it (see ``_ABSORBS``). The same
    words read as a means and a vulnerability ("жили впроголодь", "went hungry") are a means of control only in a
    sentence that tells of exploitation or a sector; otherwise they describe the person's life before."""
    sectors = sum(h.category == "sectors" for h in hits)
    if not (sectors > 1 or any(h.category == "vulnerabilities" or h.label == "threats" for h in hits)):
        return hits  # every absorption involves a vulnerability, two sectors or a threat: most sentences need no test
    exploited = any(h.category in {"exploitation", "sectors"} for h in hits)
    return [h for h in hits if not any(_absorbed(h, o, exploited) for o in hits)]


def _absorbed(h: Hit, o: Hit, exploited: bool) -> bool:
    if (o.first, o.last) == (h.first, h.last) and {o.category, h.category} == {"means", "vulnerabilities"}:
        return h.category == ("vulnerabilities" if exploited else "means")
    if (o.label, h.label) in _ABSORBS_LABEL:
        return o.first <= h.first and h.last <= o.last and (o.last - o.first) > (h.last - h.first)
    labels = _ABSORBS.get(o.category, {})
    if h.category not in labels or (labels[h.category] is not None and h.label not in labels[h.category]):
        return False
    if h.category == "sectors" and h.first != o.first and h.last != o.last:
        return False  # a business absorbs its own head ("nail bars"), not a trade inside "in meat processing plants"
    return o.first <= h.first and h.last <= o.last and (o.last - o.first) > (h.last - h.first)
