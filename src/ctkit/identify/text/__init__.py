"""Text extraction: case notes, reports and news in English and Russian turned into structured facts with evidence.

``extract(text, doc_id=None)`` returns one JSON-ready dict per document (places with route roles, exploitation,
sectors, means, victims, recruitment), every fact with its evidence sentence and character span.
"""

from ctkit.identify.text.inputs import BadDocument, decode_document
from ctkit.identify.text.language import detect_language
from ctkit.identify.text.lexicon import label_vocabulary
from ctkit.identify.text.pipeline import Suggester, extract

__all__ = ["extract", "BadDocument", "decode_document", "detect_language", "label_vocabulary", "Suggester"]
