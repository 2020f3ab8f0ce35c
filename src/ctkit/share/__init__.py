"""Exchange and publication: file formats (``formats``), disclosure control (``disclosure``), record linkage (``link``).

Each sub-package declares its own public API; import from there (e.g. ``ctkit.share.formats``).
"""

__all__: list[str] = []
