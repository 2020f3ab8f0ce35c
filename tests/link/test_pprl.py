"""Privacy-preserving linkage: encodings, the hub's refusals, matching quality, and the holder's resolution."""

import stat

import numpy as np
import pandas as pd
import pytest

from ctkit.errors import KeyMaterialError, ValidationError
from ctkit.share.link import (
    EncodingMismatch,
    EncodingSettings,
    FieldSpec,
    create_secret,
    encode_file,
    encode_frame,
    fingerprint,
    load_secret,
    match_encodings,
    match_files,
    resolve,
)  # fmt: skip
from ctkit.share.link.clk import encode_bits
from ctkit.share.link.encodings import pack, unpack

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def _holders(registers):
    police = registers[registers["list"] == "police"].drop_duplicates("person_id")
    foreign = registers[registers["list"] == "foreign"].drop_duplicates("person_id")
    return police, foreign


def test_fingerprint_depends_on_key_and_settings():
    base = fingerprint(KEY, EncodingSettings())
    assert base == fingerprint(KEY, EncodingSettings())
    assert base != fingerprint(OTHER_KEY, EncodingSettings())
    assert base != fingerprint(KEY, EncodingSettings(length=2048))


def test_pack_roundtrip():
    bits = np.random.default_rng(3).random((4, 256)) < 0.5
    assert (unpack(pack(bits)) == bits).all()


def test_balanced_encodings_all_have_the_same_weight(registers):
    frame = registers.head(50)
    bits = encode_bits(frame, KEY, EncodingSettings(), rng=np.random.default_rng(0))
    assert bits.shape == (50, 2048)
    assert (bits.sum(axis=1) == 1024).all()


def test_swapped_names_encode_the_same():
    row = {"first_name": "Ольга", "last_name": "Иванова", "birth_date": "1990-04-03", "sex": "female",
           "place_of_origin": "Калининград"}  # fmt: skip
    swapped = {**row, "first_name": "Iwanowa", "last_name": "Olga"}
    bits = encode_bits(pd.DataFrame([row, swapped]), KEY, EncodingSettings(), rng=np.random.default_rng(0))
    assert (bits[0] == bits[1]).all()


def test_salting_by_birth_year_changes_name_bits():
    names = (FieldSpec("first_name", "name", "name", k=20, salted=True), FieldSpec("birth_date", "date", "b", k=0))
    settings = EncodingSettings(fields=names, hardening="none", permute=False, fake_share=0)
    frame = pd.DataFrame({"first_name": ["Olga", "Olga"], "birth_date": ["1990-01-01", "1991-01-01"]})
    bits = encode_bits(frame, KEY, settings, rng=np.random.default_rng(0))
    overlap = (bits[0] & bits[1]).sum() / bits[0].sum()
    assert overlap < 0.3


def test_short_key_and_missing_fields_are_refused(registers):
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        encode_frame(registers.head(5), b"short", EncodingSettings())
    with pytest.raises(ValidationError, match="place_of_origin"):
        encode_frame(registers.head(5).drop(columns=["place_of_origin"]), KEY, EncodingSettings())


def test_fake_records_are_added_and_marked(registers):
    frame = registers.head(200)
    enc, private, meta = encode_frame(frame, KEY, EncodingSettings(fake_share=0.1), seed=4)
    assert len(enc) == meta.records == 220
    assert private["fake"].sum() == 20
    assert set(private.loc[~private["fake"], "record_id"]) == set(frame["record_id"])
    assert enc["rid"].is_unique and "record_id" not in enc.columns


def test_hub_refuses_other_key_settings_and_fields(registers):
    police, foreign = _holders(registers)
    enc_a, _, meta_a = encode_frame(police, KEY, EncodingSettings(), seed=1)
    for key, settings, message in [
        (OTHER_KEY, EncodingSettings(), "different keys or settings"),
        (KEY, EncodingSettings(hardening="blip"), "different keys or settings"),
        (KEY, EncodingSettings(fields=EncodingSettings().fields[:3]), "different field sets"),
    ]:
        enc_b, _, meta_b = encode_frame(foreign, key, settings, seed=2)
        with pytest.raises(EncodingMismatch, match=message):
            match_encodings(enc_a, meta_a, enc_b, meta_b)
    with pytest.raises(EncodingMismatch, match="fingerprint this hub expects"):
        match_encodings(enc_a, meta_a, enc_a, meta_a, expected_fingerprint="0" * 32)


def test_matching_quality_and_resolution(registers):
    police, foreign = _holders(registers)
    enc_a, keep_a, meta_a = encode_frame(police, KEY, EncodingSettings(), seed=1)
    enc_b, keep_b, meta_b = encode_frame(foreign, KEY, EncodingSettings(), seed=2)
    matches = match_encodings(enc_a, meta_a, enc_b, meta_b)
    assert list(matches.columns) == ["pair_ref", "rid_a", "rid_b", "band"]
    assert set(matches["band"]) <= {"high", "medium"}
    own_a, own_b = resolve(matches, keep_a), resolve(matches, keep_b)
    person_a = dict(zip(police["record_id"], police["person_id"], strict=True))
    person_b = dict(zip(foreign["record_id"], foreign["person_id"], strict=True))
    joined = own_a.merge(own_b, on="pair_ref", suffixes=("_a", "_b"))
    correct = (joined["record_id_a"].map(person_a) == joined["record_id_b"].map(person_b)).sum()
    true_pairs = len(set(police["person_id"]) & set(foreign["person_id"]))
    high = joined[joined["band_a"] == "high"]
    high_correct = (high["record_id_a"].map(person_a) == high["record_id_b"].map(person_b)).mean()
    assert correct / true_pairs >= 0.85  # recall: salting by birth year loses pairs whose year is wrong or missing
    assert high_correct >= 0.97
    assert set(own_a["record_id"]) <= set(police["record_id"])  # fakes dropped, only own records
    assert not set(own_a["record_id"]) & set(foreign["record_id"])


def test_resolve_refuses_a_foreign_private_map():
    matches = pd.DataFrame({"pair_ref": ["p"], "rid_a": ["a1"], "rid_b": ["b1"], "band": ["high"]})
    keep = pd.DataFrame({"rid": ["zz"], "record_id": ["x"], "fake": [False]})
    with pytest.raises(ValidationError, match="exactly one side"):
        resolve(matches, keep)


def test_files_and_secret(tmp_path, registers):
    secret = create_secret(tmp_path / "project.secret")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    with pytest.raises(KeyMaterialError):
        create_secret(secret)
    key = load_secret(secret)
    police, foreign = _holders(registers)
    meta = encode_file(police, key, EncodingSettings(), tmp_path / "a.parquet", tmp_path / "a.keep.parquet")
    encode_file(foreign, key, EncodingSettings(), tmp_path / "b.parquet", tmp_path / "b.keep.parquet")
    pairs = match_files(tmp_path / "a.parquet", tmp_path / "b.parquet", expected_fingerprint=meta.fingerprint)
    assert len(pairs) > 0
    (tmp_path / "junk.parquet").write_bytes(b"not parquet")
    with pytest.raises(EncodingMismatch, match="not a ctkit encoding file"):
        match_files(tmp_path / "junk.parquet", tmp_path / "b.parquet")
    (tmp_path / "bad.secret").write_text("zz")
    with pytest.raises(KeyMaterialError):
        load_secret(tmp_path / "bad.secret")
