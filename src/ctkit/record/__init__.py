"""Casework of a national referral mechanism: the lifecycle state machines (as data), consent per purpose,
referrals and transfers between organisations, the service directory, assistance, support plans and risk
assessments, and the read models of the case file (timeline, deadlines, decisions queue).

Every service takes a :class:`Casework` (store, periods, clock) and an :class:`Authorizer` (the policy for one
actor), checks everything before it writes, and writes the change, its timeline rows and its audit event in one
transaction. See docs/casework.md.
"""

from ctkit.record import consent, directory, lifecycle, referrals, support, views
from ctkit.record.access import Authorizer, Target
from ctkit.record.machines import Machine, Transition, check, machine, machines, reasons
from ctkit.record.unit import Casework

__all__ = [
    "Authorizer",
    "Casework",
    "Machine",
    "Target",
    "Transition",
    "check",
    "consent",
    "directory",
    "lifecycle",
    "machine",
    "machines",
    "reasons",
    "referrals",
    "support",
    "views",
]
