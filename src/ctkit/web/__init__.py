"""The web application: FastAPI pages and JSON API, accounts, the one authorization policy, the audit trail.

Start it with ``ctkit serve``; build it in code with :func:`create_app`.
"""

from ctkit.web.app import ROUTE_MODULES, create_app
from ctkit.web.policy import Actor, Decision, allowed, scope_filter

__all__ = ["ROUTE_MODULES", "Actor", "Decision", "allowed", "create_app", "scope_filter"]
