"""ctkit: a counter-trafficking information system.

Capabilities live in one package each: ``identify``, ``record`` (``store``), ``analyse``, ``estimate`` and
``share``; ``vocab`` and ``model`` are the shared domain core.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
