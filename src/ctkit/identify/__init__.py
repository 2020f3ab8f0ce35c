"""Identification: indicator-based screening (``screening``) and text extraction (``text``)."""

__all__: list[str] = []
