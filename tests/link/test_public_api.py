import ctkit.share.link as link


def test_public_api_is_pinned():
    assert sorted(link.__all__) == sorted([
        "DuckDBEngine", "DuckDBSql", "EncodingMismatch", "EncodingSettings", "FieldSpec", "GeneratorConfig",
        "HubSettings", "JsonlDecisionLog", "LinkDecision", "LinkEngine", "LinkResult", "MemoryDecisionLog",
        "ReviewItem", "ReviewQueue", "SparkEngine", "SparkSql", "TrainedParameters", "capture_histories",
        "create_secret", "encode_file", "encode_frame", "fingerprint", "frequency_alignment_attack", "iter_records",
        "link", "load_secret", "local_spark", "match_encodings", "match_files", "name_key", "normalise_text",
        "parse_date", "predict", "prepare_records", "read_encodings", "read_register", "read_registers",
        "reidentification_rate", "resolve", "train", "transliterate", "write_capture_histories", "write_registers",
    ])  # fmt: skip
    for name in link.__all__:
        assert getattr(link, name) is not None
