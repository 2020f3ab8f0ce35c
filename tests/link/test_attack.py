"""Release test: a frequency attack on our own encodings must fail.

Attack: frequency alignment (see ``ctkit.share.link.attack``). The attacker holds the encodings and the *exact*
frequency of every first name in the encoded data (stronger than a public name list). Success = share of all
records whose first name the attacker guesses right. To show the attack has teeth, it first runs against an
unhardened encoding of first names only (no salt, no balancing, no permutation, no fakes), where it must
re-identify at least 20% of records. Against ctkit's default hardened encodings, and against hardened
first-name-only encodings, it must re-identify at most 1% of records (the stated bound).
"""

import pandas as pd
import pytest

from ctkit.share.link import (
    EncodingSettings,
    FieldSpec,
    GeneratorConfig,
    encode_frame,
    frequency_alignment_attack,
    iter_records,
    name_key,
    reidentification_rate,
)  # fmt: skip

KEY = bytes(range(100, 132))
BOUND = 0.01
FIRST = FieldSpec("first_name", "name", "name", k=18)
UNHARDENED = EncodingSettings(fields=(FIRST,), hardening="none", permute=False, salt_year=False, fake_share=0)
HARDENED_FIRST = EncodingSettings(
    fields=(FieldSpec("first_name", "name", "name", k=18, salted=True), FieldSpec("birth_date", "date", "birth", k=0))
)


@pytest.fixture(scope="module")
def victims() -> pd.DataFrame:
    # No spelling noise: the attacker's best case, every occurrence of a name encodes alike.
    frame = pd.concat(iter_records(GeneratorConfig(n_records=6_000, seed=5, variant=0, typo=0, swap=0)))
    frame = frame[frame["list"] == "ngo"].reset_index(drop=True)
    return frame.assign(first_key=[name_key(v) for v in frame["first_name"]])


def _attack(victims: pd.DataFrame, settings: EncodingSettings) -> float:
    public = victims["first_key"].value_counts(normalize=True).rename_axis("name").rename("share").reset_index()
    enc, private, _ = encode_frame(victims, KEY, settings, seed=3)
    truth = private["record_id"].map(dict(zip(victims["record_id"], victims["first_key"], strict=True)))
    return reidentification_rate(frequency_alignment_attack(enc, public), truth.fillna(""))


def test_attack_breaks_unhardened_encodings(victims):
    assert _attack(victims, UNHARDENED) >= 0.20


@pytest.mark.parametrize("settings", [EncodingSettings(), HARDENED_FIRST], ids=["default", "hardened-first-name"])
def test_attack_fails_on_hardened_encodings(victims, settings):
    assert _attack(victims, settings) <= BOUND
