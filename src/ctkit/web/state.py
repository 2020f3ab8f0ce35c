"""What the app holds for its lifetime: settings, the open store and the template engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources

from fastapi.templating import Jinja2Templates

from ctkit.settings import Settings
from ctkit.store.datastore import Store
from ctkit.web.anonymous_audit import AnonymousDenialBudget

MAX_BODY_BYTES = 1_000_000  # forms and JSON are small; imports have their own, larger limit where they live


@dataclass
class WebState:
    """Shared, read-only state of one app instance (``app.state.web``)."""

    settings: Settings
    store: Store
    templates: Jinja2Templates = field(init=False)
    max_body_bytes: int = MAX_BODY_BYTES
    anonymous_denials: AnonymousDenialBudget = field(default_factory=AnonymousDenialBudget)

    def __post_init__(self) -> None:
        directory = str(resources.files("ctkit.web").joinpath("templates"))
        self.templates = Jinja2Templates(directory=directory)  # autoescapes .html

    @property
    def session_limits(self) -> dict[str, timedelta]:
        return {"idle": timedelta(minutes=self.settings.session_idle_minutes),
                "absolute": timedelta(hours=self.settings.session_absolute_hours)}
