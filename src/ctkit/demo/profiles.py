"""The scenarios behind the synthetic demo data, as data (after the IOM 2006 Kaliningrad field study).

Each scenario says who the victims are, where they come from, pass through and are exploited, how they were
recruited and controlled, and how visible they are to each recording agency. Weights are relative.
All places are public place names; all people are synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

KGD = "RU-KGD"
KGD_TOWNS = ("Kaliningrad", "Sovetsk", "Chernyakhovsk", "Gusev", "Zelenogradsk", "Bagrationovsk", "Neman")
KGD_PORTS = ("Baltiysk", "Svetly", "Pionersky", "Kaliningrad")
CITIES = {
    "POL": ("Warsaw", "Gdansk", "Olsztyn", "Elblag"),
    "DEU": ("Berlin", "Hamburg", "Frankfurt am Main", "Cologne"),
    "TUR": ("Istanbul", "Antalya", "Izmir"),
    "GRC": ("Athens", "Thessaloniki"),
    "LTU": ("Vilnius", "Kaunas", "Klaipeda"),
}
AGENCIES = ("police", "ngo", "health", "labour_inspection", "border_guard", "iom")


@dataclass(frozen=True)
class Scenario:
    """One pattern of trafficking. Tuples of (value, weight) are drawn from; probabilities are per case."""

    name: str
    weight: float
    female_share: float
    age_range: tuple[int, int]
    minor_share: float
    origins: tuple[tuple[str, float], ...]  # alpha-3 country; RUS means Kaliningrad Oblast unless ``other_region``
    other_russian_region_share: float  # of Russian victims, share from outside the oblast
    destinations: tuple[tuple[str, float], ...]  # RUS = Kaliningrad Oblast
    transit: tuple[str, ...]
    form: str
    sectors: tuple[tuple[str, float], ...]
    methods: tuple[tuple[str, float], ...]
    relations: tuple[tuple[str, float], ...]
    means: dict[str, float]  # P(yes) per means-of-control code
    vulnerabilities: dict[str, float]  # P(yes) per vulnerability code
    visibility: dict[str, float]  # base capture probability per agency


SEX_ABROAD = Scenario(
    name="sexual exploitation abroad", weight=0.28, female_share=0.96, age_range=(14, 34), minor_share=0.22,
    origins=(("RUS", 1.0),), other_russian_region_share=0.1,
    destinations=(("POL", 0.3), ("DEU", 0.3), ("TUR", 0.25), ("GRC", 0.15)), transit=("POL", "LTU"),
    form="sexual", sectors=(("sex_industry", 0.8), ("hospitality", 0.2)),
    methods=(("false_job_offer", 0.45), ("personal_contact", 0.3), ("online_social_network", 0.15),
             ("newspaper_advertisement", 0.1)),
    relations=(("acquaintance", 0.35), ("friend", 0.2), ("intimate_partner", 0.2), ("stranger", 0.25)),
    means={"false_promises": 0.8, "withholds_documents": 0.6, "debt_bondage": 0.5, "psychological_abuse": 0.55,
           "physical_threats": 0.4, "physical_abuse": 0.3, "sexual_abuse": 0.35, "takes_earnings": 0.6,
           "restricts_movement": 0.5, "threats_law_enforcement": 0.25},
    vulnerabilities={"poverty": 0.7, "unemployment": 0.6, "family_violence": 0.4, "prior_sex_work": 0.3,
                     "minor_without_guardian": 0.1, "childhood_in_care": 0.1},
    visibility={"police": 0.18, "ngo": 0.35, "health": 0.12, "labour_inspection": 0.01, "border_guard": 0.2,
                "iom": 0.25},
)
SEX_IN_REGION = Scenario(
    name="sexual exploitation in the region", weight=0.15, female_share=0.97, age_range=(15, 35), minor_share=0.2,
    origins=(("RUS", 0.45), ("UKR", 0.2), ("BLR", 0.12), ("UZB", 0.12), ("MDA", 0.11)), other_russian_region_share=0.6,
    destinations=(("RUS", 1.0),), transit=("LTU", "BLR"),
    form="sexual", sectors=(("sex_industry", 0.85), ("hospitality", 0.15)),
    methods=(("false_job_offer", 0.5), ("personal_contact", 0.3), ("online_advertisement", 0.2)),
    relations=(("acquaintance", 0.4), ("intimate_partner", 0.2), ("stranger", 0.4)),
    means={"false_promises": 0.7, "withholds_documents": 0.55, "debt_bondage": 0.55, "psychological_abuse": 0.5,
           "physical_threats": 0.45, "threats_law_enforcement": 0.4, "takes_earnings": 0.6,
           "restricts_movement": 0.55, "psychoactive_substances": 0.15},
    vulnerabilities={"poverty": 0.65, "unemployment": 0.5, "family_violence": 0.35, "prior_sex_work": 0.35,
                     "irregular_status": 0.45},
    visibility={"police": 0.22, "ngo": 0.3, "health": 0.15, "labour_inspection": 0.01, "border_guard": 0.05,
                "iom": 0.1},
)
LABOUR_MIGRANTS = Scenario(
    name="forced labour of migrants", weight=0.37, female_share=0.22, age_range=(18, 55), minor_share=0.03,
    origins=(("UZB", 0.3), ("TJK", 0.22), ("KGZ", 0.14), ("UKR", 0.12), ("MDA", 0.1), ("ARM", 0.06), ("AZE", 0.06)),
    other_russian_region_share=0.0, destinations=(("RUS", 1.0),), transit=("KAZ", "BLR"),
    form="forced_labour",
    sectors=(("construction", 0.45), ("market_trading", 0.25), ("counterfeit_manufacturing", 0.15),
             ("domestic_work", 0.15)),
    methods=(("false_job_offer", 0.5), ("personal_contact", 0.35), ("family", 0.15)),
    relations=(("acquaintance", 0.45), ("family", 0.1), ("stranger", 0.45)),
    means={"withholds_documents": 0.85, "false_promises": 0.75, "excessive_working_hours": 0.7,
           "takes_earnings": 0.6, "threats_law_enforcement": 0.6, "debt_bondage": 0.4, "restricts_movement": 0.35,
           "physical_threats": 0.3, "withholds_necessities": 0.25},
    vulnerabilities={"irregular_status": 0.9, "poverty": 0.6, "unemployment": 0.45, "low_education": 0.3},
    visibility={"police": 0.12, "ngo": 0.15, "health": 0.08, "labour_inspection": 0.3, "border_guard": 0.12,
                "iom": 0.2},
)
FISHING = Scenario(
    name="local men deceived into fishing", weight=0.12, female_share=0.03, age_range=(18, 58), minor_share=0.01,
    origins=(("RUS", 1.0),), other_russian_region_share=0.15, destinations=(("RUS", 1.0),), transit=(),
    form="forced_labour", sectors=(("fishing", 1.0),),
    methods=(("false_job_offer", 0.6), ("newspaper_advertisement", 0.2), ("personal_contact", 0.2)),
    relations=(("stranger", 0.5), ("acquaintance", 0.4), ("friend", 0.1)),
    means={"false_promises": 0.9, "physical_abuse": 0.55, "psychological_abuse": 0.6, "physical_threats": 0.6,
           "takes_earnings": 0.65, "excessive_working_hours": 0.75, "restricts_movement": 0.5,
           "withholds_documents": 0.4, "psychoactive_substances": 0.2},
    vulnerabilities={"unemployment": 0.8, "poverty": 0.6, "addiction": 0.3, "homelessness": 0.15},
    visibility={"police": 0.25, "ngo": 0.12, "health": 0.2, "labour_inspection": 0.15, "border_guard": 0.08,
                "iom": 0.02},
)
CHILD_BEGGING = Scenario(
    name="forced begging and criminality of children", weight=0.08, female_share=0.45, age_range=(8, 17),
    minor_share=1.0, origins=(("RUS", 0.6), ("MDA", 0.2), ("UKR", 0.2)), other_russian_region_share=0.4,
    destinations=(("RUS", 1.0),), transit=("BLR",),
    form="forced_begging", sectors=(("begging", 0.7), ("illicit_activities", 0.3)),
    methods=(("family", 0.5), ("personal_contact", 0.4), ("abduction", 0.1)),
    relations=(("family", 0.5), ("acquaintance", 0.3), ("stranger", 0.2)),
    means={"physical_threats": 0.5, "physical_abuse": 0.45, "takes_earnings": 0.8, "restricts_movement": 0.5,
           "withholds_necessities": 0.4, "psychological_abuse": 0.5},
    vulnerabilities={"minor_without_guardian": 0.5, "family_violence": 0.5, "poverty": 0.8,
                     "childhood_in_care": 0.3, "homelessness": 0.3},
    visibility={"police": 0.3, "ngo": 0.25, "health": 0.15, "labour_inspection": 0.01, "border_guard": 0.05,
                "iom": 0.03},
)

SCENARIOS: tuple[Scenario, ...] = (SEX_ABROAD, SEX_IN_REGION, LABOUR_MIGRANTS, FISHING, CHILD_BEGGING)

# Latent heterogeneity of visibility: a person's capture probabilities are the scenario's times the class factor.
# Hidden people are seen by few agencies; visible ones (e.g. in a shelter) by several at once.
VISIBILITY_CLASSES: tuple[tuple[str, float, float], ...] = (("hidden", 0.55, 0.5), ("ordinary", 0.35, 1.2),
                                                           ("visible", 0.10, 2.5))
# Agencies that tend to record the same people (a referral from one usually means a record in the other).
AGENCY_REFERRALS: dict[str, tuple[str, float]] = {"police": ("ngo", 0.35), "border_guard": ("iom", 0.3),
                                                 "labour_inspection": ("police", 0.2), "health": ("ngo", 0.25)}

# Funnel: P(reaching the stage | reached the previous one), in order.
FUNNEL: tuple[tuple[str, float], ...] = (
    ("screened", 1.0), ("possible_victim", 0.85), ("reasonable_grounds", 0.7), ("conclusive_grounds", 0.75),
    ("assisted", 0.85), ("reported", 0.5), ("investigated", 0.6), ("prosecuted", 0.4), ("convicted", 0.6),
)
FIRST_YEAR, LAST_YEAR = 2015, 2026
