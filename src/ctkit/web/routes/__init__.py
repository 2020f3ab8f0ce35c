"""Route modules of the web app: each has ``router`` (pages) and ``api`` (JSON)."""

__all__: list[str] = []
