"""Record linkage: inside a country (Splink, DuckDB or Spark) and across borders without names (CLK encodings).

Public surface (pinned by ``tests/link/test_public_api.py``):

* normalisation: ``normalise_text``, ``name_key``, ``parse_date``, ``transliterate``;
* synthetic registers: ``GeneratorConfig``, ``iter_records``, ``write_registers``;
* linkage: ``prepare_records``, ``train``, ``link``, ``LinkResult``, ``TrainedParameters``, ``DuckDBEngine``,
  ``SparkEngine``, ``local_spark``, ``read_register(s)``;
* review: ``ReviewQueue``, ``LinkDecision``, ``MemoryDecisionLog``, ``JsonlDecisionLog``;
* capture histories: ``capture_histories``, ``write_capture_histories``;
* privacy-preserving linkage: ``EncodingSettings``, ``encode_frame``, ``encode_file``, ``match_files``,
  ``match_encodings``, ``HubSettings``, ``resolve``, ``create_secret``, ``load_secret``, ``EncodingMismatch``;
* the release attack: ``frequency_alignment_attack``, ``reidentification_rate``.
"""

from ctkit.share.link.attack import frequency_alignment_attack, reidentification_rate
from ctkit.share.link.capture import capture_histories, write_capture_histories
from ctkit.share.link.clk import EncodingSettings, FieldSpec, fingerprint
from ctkit.share.link.encodings import EncodingMismatch, encode_file, encode_frame, read_encodings
from ctkit.share.link.engine import DuckDBEngine, LinkEngine, SparkEngine, local_spark
from ctkit.share.link.generate import GeneratorConfig, iter_records, write_registers
from ctkit.share.link.hub import DuckDBSql, HubSettings, SparkSql, match_encodings, match_files
from ctkit.share.link.linkage import LinkResult, link, predict, train
from ctkit.share.link.model import prepare_records
from ctkit.share.link.normalise import name_key, normalise_text, parse_date
from ctkit.share.link.params import TrainedParameters
from ctkit.share.link.registers import read_register, read_registers
from ctkit.share.link.resolve import resolve
from ctkit.share.link.review import JsonlDecisionLog, LinkDecision, MemoryDecisionLog, ReviewItem, ReviewQueue
from ctkit.share.link.secret import create_secret, load_secret
from ctkit.share.link.translit import transliterate

__all__ = [
    "DuckDBEngine",
    "DuckDBSql",
    "EncodingMismatch",
    "EncodingSettings",
    "FieldSpec",
    "GeneratorConfig",
    "HubSettings",
    "JsonlDecisionLog",
    "LinkDecision",
    "LinkEngine",
    "LinkResult",
    "MemoryDecisionLog",
    "ReviewItem",
    "ReviewQueue",
    "SparkEngine",
    "SparkSql",
    "TrainedParameters",
    "capture_histories",
    "create_secret",
    "encode_file",
    "encode_frame",
    "fingerprint",
    "frequency_alignment_attack",
    "iter_records",
    "link",
    "load_secret",
    "local_spark",
    "match_encodings",
    "match_files",
    "name_key",
    "normalise_text",
    "parse_date",
    "predict",
    "prepare_records",
    "read_encodings",
    "read_register",
    "read_registers",
    "reidentification_rate",
    "resolve",
    "train",
    "transliterate",
    "write_capture_histories",
    "write_registers",
]
