"""Columnar demo data for benchmark volumes: the same scenarios, drawn with numpy a batch at a time.

Yields ``{table: {column: values}}`` batches for :func:`ctkit.store.fastload.insert_columns`. Compared with
:class:`ctkit.demo.CaseGenerator` a case is thinner (recruitment and exploitation legs only; no services, consents
or proceedings; personal data is the name only) but persons, cases, exploitations, recording agencies and lifecycle
stages follow the same profiles, capture model and funnel. Seeded and deterministic for (seed, batch size).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np

from ctkit.demo import profiles as p
from ctkit.demo.lifecycle import DEMO_TODAY
from ctkit.demo.people import People
from ctkit.store import tables as t
from ctkit.store.crypto import FieldCipher

AGENCY_INDEX = {a: i for i, a in enumerate(p.AGENCIES)}
TODAY = np.datetime64(DEMO_TODAY.isoformat(), "D")
STAGES = [stage for stage, _ in p.FUNNEL]
IDENTIFICATION = ["screened", "possible_victim", "reasonable_grounds", "conclusive_victim"]
JUSTICE = ["none", "reported", "investigation", "prosecution", "conviction"]


def _uuids(rng: np.random.Generator, n: int) -> list[str]:
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hexes = raw.tobytes().hex()
    chunks = (hexes[i:i + 32] for i in range(0, 32 * n, 32))
    return [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in chunks]


def _categorical(rng, scen: np.ndarray, table: list[tuple[tuple[str, float], ...]]) -> np.ndarray:
    """Per row, a value drawn from its scenario's (value, weight) pairs."""
    out = np.empty(len(scen), dtype=object)
    for s, weighted in enumerate(table):
        mask = scen == s
        values = [v for v, _ in weighted]
        weights = np.array([w for _, w in weighted], dtype=float)
        out[mask] = np.array(values, dtype=object)[rng.choice(len(values), size=int(mask.sum()),
                                                              p=weights / weights.sum())]
    return out


def _flags(rng, scen: np.ndarray, probabilities: list[dict[str, float]], codes: tuple[str, ...],
           column) -> dict[str, np.ndarray]:
    out = {}
    for code in codes:
        prob = np.array([pr.get(code, np.nan) for pr in probabilities])[scen]
        u = rng.random(len(scen))
        values = np.where(u < prob, "yes", np.where(u < prob + (1 - prob) * 0.7, "no", "unknown")).astype(object)
        values[np.isnan(prob)] = None
        out[column(code)] = values
    return out


class ColumnarGenerator:
    """Batches of synthetic cases as columns. ``stats`` counts people drawn and observed, like CaseGenerator."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = np.random.default_rng(seed)
        self.people = People(seed)
        self.population = 0
        self.observed = 0
        sc = p.SCENARIOS
        self._weights = np.array([s.weight for s in sc]) / sum(s.weight for s in sc)
        self._visibility = np.array([[s.visibility[a] for a in p.AGENCIES] for s in sc])
        self._classes = np.array([f for _, _, f in p.VISIBILITY_CLASSES])
        self._class_w = np.array([w for _, w, _ in p.VISIBILITY_CLASSES])
        self._years = np.arange(p.FIRST_YEAR, p.LAST_YEAR + 1)
        year_w = 1.0 + 0.12 * (self._years - p.FIRST_YEAR)
        self._year_w = year_w / year_w.sum()

    def _captures(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        """Scenario index and capture matrix (m x agencies) of the next ``m`` observed people."""
        scen_parts, cap_parts, found = [], [], 0
        while found < m:
            k = max(64, int((m - found) * 1.9))
            scen = self.rng.choice(len(p.SCENARIOS), size=k, p=self._weights)
            factor = self._classes[self.rng.choice(len(self._classes), size=k, p=self._class_w)]
            cap = self.rng.random((k, len(p.AGENCIES))) < np.minimum(0.95, self._visibility[scen] * factor[:, None])
            for source, (target, prob) in p.AGENCY_REFERRALS.items():
                cap[:, AGENCY_INDEX[target]] |= cap[:, AGENCY_INDEX[source]] & (self.rng.random(k) < prob)
            seen = np.flatnonzero(cap.any(axis=1))[: m - found]
            self.population += int(seen[-1]) + 1 if len(seen) == m - found else k
            scen_parts.append(scen[seen])
            cap_parts.append(cap[seen])
            found += len(seen)
        return np.concatenate(scen_parts), np.concatenate(cap_parts)

    def batches(self, n: int, cipher: FieldCipher, size: int = 50_000) -> Iterator[dict[str, dict[str, list]]]:
        """``n`` cases in column batches of at most ``size``; personal data encrypted with ``cipher``."""
        self._cipher = cipher
        left = n
        while left > 0:
            m = min(size, left)
            yield self._batch(m, cipher)
            self.observed += m
            left -= m

    def _batch(self, m: int, cipher: FieldCipher) -> dict[str, dict[str, list]]:
        rng, sc = self.rng, p.SCENARIOS
        scen, cap = self._captures(m)
        person_ids, case_ids = _uuids(rng, m), _uuids(rng, m)
        year = self._years[rng.choice(len(self._years), size=m, p=self._year_w)]
        start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        span = np.where(year < DEMO_TODAY.year, 365, (TODAY - start).astype(int) + 1)
        registered = start + (rng.random(m) * span).astype(int)
        female = rng.random(m) < np.array([s.female_share for s in sc])[scen]
        sex = np.where(female, "female", "male").astype(object)
        sex[rng.random(m) < 0.01] = "unknown"
        minor = rng.random(m) < np.array([s.minor_share for s in sc])[scen]
        low = np.array([max(8, min(s.age_range[0], 15)) for s in sc])[scen]
        a_low = np.array([max(s.age_range[0], 18) for s in sc])[scen]
        a_high = np.array([max(s.age_range[1], 18) for s in sc])[scen]
        age = np.where(minor, rng.integers(low, 18), rng.integers(a_low, a_high + 1))
        birth_year = registered.astype("datetime64[Y]").astype(int) + 1970 - age
        origin = _categorical(rng, scen, [s.origins for s in sc])
        destination = _categorical(rng, scen, [s.destinations for s in sc])
        form = np.array([s.form for s in sc], dtype=object)[scen]
        sector = _categorical(rng, scen, [s.sectors for s in sc])
        persons = {"id": person_ids, "sex": sex.tolist(), "birth_year": birth_year.tolist(),
                   "citizenship": origin.tolist(),
                   **{k: v.tolist() for k, v in _flags(rng, scen, [s.vulnerabilities for s in sc],
                                                         t.VULNERABILITIES, t.vul_column).items()}}
        persons["personal_ciphertext"], persons["key_id"] = self._personal(person_ids, origin, female)
        life, stage_count = self._lifecycle(case_ids, registered)
        cases = {"id": case_ids, "person_id": person_ids, "registered_on": registered.astype(str).tolist(),
                 "identification_status": [IDENTIFICATION[min(k, 4) - 1] for k in stage_count.tolist()],
                 "case_status": "active", "justice_status": [JUSTICE[max(0, min(k - 5, 4))] for k in stage_count],
                 "is_abduction": "no", "source": "demo-columnar", "version": 1,
                 **{k: v.tolist() for k, v in _flags(rng, scen, [s.means for s in sc], t.MEANS_OF_CONTROL,
                                                     t.moc_column).items()}}
        for key in ("case_status", "is_abduction", "source", "version"):
            cases[key] = [cases[key]] * m
        rows, agency = np.nonzero(cap)
        recorded = {"case_id": [case_ids[i] for i in rows], "position": _positions(rows),
                    "agency": [p.AGENCIES[a] for a in agency]}
        events = self._events(case_ids, origin, destination, registered)
        exploitations = {"case_id": case_ids, "position": [0] * m, "form": form.tolist(), "sector": sector.tolist()}
        return {"persons": persons, "cases": cases, "case_events": events, "case_exploitations": exploitations,
                "case_recorded_by": recorded, "case_lifecycle": life}

    def _personal(self, ids: list[str], origin: np.ndarray, female: np.ndarray) -> tuple[list, list]:
        blobs = []
        pick = self.rng.integers(0, 1 << 30, size=(len(ids), 2)).tolist()
        for pid, country, fem, (i, j) in zip(ids, origin.tolist(), female.tolist(), pick, strict=True):
            pool = self.people.pools[("uk_UA" if country == "UKR" else "ru_RU", "female" if fem else "male")]
            body = {"first_name": pool.first[i % len(pool.first)], "last_name": pool.last[j % len(pool.last)]}
            blobs.append(cipher_bytes(self._cipher, pid, body))
        return blobs, [self._cipher.active_id] * len(ids)

    def _lifecycle(self, case_ids: list[str], registered: np.ndarray) -> tuple[dict[str, list], np.ndarray]:
        m = len(case_ids)
        day = registered.copy()
        alive = np.ones(m, dtype=bool)
        count = np.zeros(m, dtype=int)
        out: dict[str, list] = {"case_id": [], "position": [], "stage": [], "on_date": []}
        for k, (stage, prob) in enumerate(p.FUNNEL):
            if k:
                day = day + self.rng.integers(7, 85, size=m)
            alive &= (day <= TODAY) & (self.rng.random(m) < prob)
            idx = np.flatnonzero(alive)
            out["case_id"] += [case_ids[i] for i in idx]
            out["position"] += [k] * len(idx)
            out["stage"] += [stage] * len(idx)
            out["on_date"] += day[idx].astype(str).tolist()
            count[idx] += 1
        return out, count

    def _events(self, case_ids, origin, destination, registered) -> dict[str, list]:
        m = len(case_ids)
        end = registered - self.rng.integers(0, 61, size=m)
        begin = end - self.rng.integers(14, 541, size=m)
        recruited = begin - self.rng.integers(1, 91, size=m)
        return {
            "id": _uuids(self.rng, 2 * m), "case_id": case_ids * 2, "position": [0] * m + [1] * m,
            "type": ["recruitment"] * m + ["exploitation"] * m,
            "country": origin.tolist() + destination.tolist(),
            "region": [p.KGD if c == "RUS" else None for c in origin.tolist() + destination.tolist()],
            "start_date": recruited.astype(str).tolist() + begin.astype(str).tolist(),
            "end_date": [None] * m + end.astype(str).tolist(),
        }


def cipher_bytes(cipher: FieldCipher, person_id: str, body: dict) -> bytes:
    """Encrypt a PersonalData-shaped dict (JSON of its non-empty fields) for ``person_id``."""
    return cipher.encrypt_bytes(person_id, json.dumps(body, ensure_ascii=False).encode())


def _positions(rows: np.ndarray) -> list[int]:
    """0, 1, 2... within each run of equal row numbers (rows come sorted from np.nonzero)."""
    if len(rows) == 0:
        return []
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    return (np.arange(len(rows)) - first).tolist()
