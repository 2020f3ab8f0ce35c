"""Field encryption: nothing personal in the raw database, wrong keys fail clearly, rotation re-encrypts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from ctkit.errors import ConfigurationError, KeyMaterialError
from ctkit.model import CasePerpetrator, PersonalData
from ctkit.settings import load_settings
from ctkit.store import accounts as acc
from ctkit.store import tables as t
from ctkit.store.crypto import FieldCipher, KeyRing, StaticKeyProvider, encode_key, env_key_provider, new_key
from ctkit.store.datastore import init_store, open_store
from ctkit.store.db import transaction
from ctkit.store.keyfile import FileKeyProvider, create_key_file, read_keyring
from ctkit.store.repository import SqlCaseRepository
from ctkit.store.rotation import rotate_keys
from tests.perpetrators.conftest import case_with, recruiter

from .conftest import full_case, make_ring

NAME = "Бронислава"


def test_raw_sqlite_file_holds_no_personal_data_nor_totp_secrets(data_dir: Path):
    settings = load_settings(data_dir, environ={})
    init_store(settings)
    with open_store(settings) as store:
        store.cases.add_many([full_case(name=NAME) for _ in range(20)])
        assert store.cases.get(store.cases.list_ids()[0]).person.personal.first_name == NAME
        with transaction(store.engine) as session:
            totp_secrets = [acc.create_user(session, organisation_id="o", username=f"u{i}", role="case_worker",
                                            password="p" * 12, cipher=store.cipher)[1] for i in range(3)]
    raw = b"".join(p.read_bytes() for p in data_dir.iterdir() if p.name.startswith("ctkit.sqlite3"))
    assert raw, "the database file is empty"
    assert b"password_hash" in raw  # the users table is in these bytes: the TOTP check below is not vacuous
    for secret in (NAME, "Кузнецова", "4500 123456", "+7 900 000 00 00", "false job offer", *totp_secrets):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in raw, secret


def test_wrong_key_is_a_clear_key_material_error(repo: SqlCaseRepository, engine: Engine):
    case = full_case(name=NAME)
    repo.add(case)
    same_id = repo.cipher.active_id
    stranger = SqlCaseRepository(engine, FieldCipher(KeyRing(same_id, {same_id: new_key()})))
    with pytest.raises(KeyMaterialError, match=f"person {case.person.id}") as info:
        stranger.get(case.id)
    assert NAME not in str(info.value)
    unknown = SqlCaseRepository(engine, FieldCipher(make_ring()))
    with pytest.raises(KeyMaterialError, match="no key with id"):
        unknown.get(case.id)


def test_ciphertext_is_bound_to_its_row(repo: SqlCaseRepository, engine: Engine):
    first, second = full_case(name="A"), full_case(name="B")
    repo.add_many([first, second])
    with engine.begin() as conn:
        blob = conn.execute(select(t.persons.c.personal_ciphertext).where(t.persons.c.id == first.person.id)).scalar()
        conn.execute(update(t.persons).where(t.persons.c.id == second.person.id).values(personal_ciphertext=blob))
    assert repo.get(first.id).person.personal.first_name == "A"
    with pytest.raises(KeyMaterialError):
        repo.get(second.id)


def test_empty_personal_data_stores_nothing(cipher: FieldCipher):
    assert cipher.encrypt("p", PersonalData()) == (None, None)
    assert cipher.decrypt("p", None, None) == PersonalData()


def test_key_file_is_private_and_refused_when_readable(tmp_path: Path):
    path = tmp_path / "keys.json"
    ring = create_key_file(path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert read_keyring(path) == ring
    with pytest.raises(KeyMaterialError, match="already exists"):
        create_key_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyMaterialError, match="readable by other users"):
        read_keyring(path)
    with pytest.raises(KeyMaterialError, match="does not exist"):
        read_keyring(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    os.chmod(bad, 0o600)
    with pytest.raises(KeyMaterialError, match="malformed"):
        read_keyring(bad)


def test_master_key_from_environment(tmp_path: Path):
    key = new_key()
    provider = env_key_provider(encode_key(key))
    assert provider.keyring().keys == {provider.keyring().active_id: key}
    with pytest.raises(KeyMaterialError, match="not valid base64"):
        env_key_provider("not base64!")
    with pytest.raises(KeyMaterialError, match="32 bytes"):
        env_key_provider(encode_key(b"short"))
    settings = load_settings(tmp_path / "d", environ={"CTKIT_MASTER_KEY": encode_key(key)})
    assert init_store(settings) is False  # no key file is written when the key comes from the environment
    assert not settings.resolved_key_file.exists()
    with open_store(settings) as store:
        store.cases.add(full_case())
        with pytest.raises(ConfigurationError, match="needs a key file"):
            rotate_keys(store.engine, store.keys)


def test_rotation_keeps_data_readable_with_the_new_key_only(engine: Engine, tmp_path: Path):
    path = tmp_path / "keys.json"
    old_ring = create_key_file(path)
    provider = FileKeyProvider(path)
    repo = SqlCaseRepository(engine, FieldCipher(provider.keyring()))
    cases = [full_case(name=f"N{i}") for i in range(30)]
    repo.add_many(cases)
    seen = []
    new_id, count, secrets, perpetrators = rotate_keys(engine, provider,
                                                       progress=lambda done, total: seen.append((done, total)))
    assert count == 30 and secrets == 0 and perpetrators == 0 and seen[-1] == (30, 30)
    new_ring = read_keyring(path)
    assert new_ring.active_id == new_id != old_ring.active_id
    assert set(new_ring.keys) == {new_id}
    fresh = SqlCaseRepository(engine, FieldCipher(new_ring))
    assert {c.id: c for c in fresh.iter_cases()} == {c.id: c for c in cases}
    with engine.connect() as conn:
        assert set(conn.execute(select(t.persons.c.key_id)).scalars()) == {new_id}
    with pytest.raises(KeyMaterialError):
        SqlCaseRepository(engine, FieldCipher(old_ring)).get(cases[0].id)


def test_rotation_counts_what_it_re_encrypted(engine: Engine, tmp_path: Path):
    path = tmp_path / "keys.json"
    create_key_file(path)
    cipher = FieldCipher(FileKeyProvider(path).keyring())
    SqlCaseRepository(engine, cipher).add_many([case_with(CasePerpetrator(perpetrator=recruiter())), full_case()])
    with transaction(engine) as session:
        acc.create_user(session, organisation_id="o", username="w", role="case_worker", password="p" * 12,
                        cipher=cipher)
    done = rotate_keys(engine, FileKeyProvider(path))
    assert (done.persons, done.perpetrators, done.totp_secrets) == (2, 1, 1)


def test_failed_rotation_changes_nothing(engine: Engine, tmp_path: Path):
    path = tmp_path / "keys.json"
    create_key_file(path)
    provider = FileKeyProvider(path)
    repo = SqlCaseRepository(engine, FieldCipher(provider.keyring()))
    repo.add(full_case())
    foreign = SqlCaseRepository(engine, FieldCipher(make_ring()))
    intruder = full_case()
    foreign.add(intruder)  # a row the key file cannot decrypt
    with engine.connect() as conn:
        before = conn.execute(select(t.persons.c.id, t.persons.c.personal_ciphertext).order_by(t.persons.c.id)).all()
    with pytest.raises(KeyMaterialError):
        rotate_keys(engine, provider)
    with engine.connect() as conn:
        after = conn.execute(select(t.persons.c.id, t.persons.c.personal_ciphertext).order_by(t.persons.c.id)).all()
    assert before == after
    assert StaticKeyProvider(read_keyring(path)).keyring().active_id  # still a valid key file
