"""Synthetic demo data: seeded, deterministic cases following the Kaliningrad patterns of the mission.

Names come from Faker (ru_RU, uk_UA): no real person is ever described.
"""

from ctkit.demo.generator import CaseGenerator, GeneratorStats, demo_organisations
from ctkit.demo.loader import load_demo

__all__ = ["CaseGenerator", "GeneratorStats", "demo_organisations", "load_demo"]
