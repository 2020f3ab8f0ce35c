"""``ctkit screen`` and ``ctkit train`` through Typer's runner, and through ``ctkit.cli.main`` for exit codes."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from ctkit.cli.screen_commands import register

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_screen_answers_json(app, tmp_path):
    path = _write(tmp_path, "answers.json", {"age": 34, "exploitation": ["labour"], "answers": {
        "dec_job_nature": "yes", "co_violence_person": "unknown", "ex_excessive_hours": "yes"}})
    out = RUNNER.invoke(app, ["screen", "--answers", str(path), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["outcome"] == "ask_more"
    assert doc["sets"] == {"adult_labour": "ask_more"}
    assert doc["dimensions"]["adult_labour"]["exploitative_conditions"] == "indeterminate"
    assert doc["catalogue"]["id"] == "ilo-ec-2009" and doc["catalogue"]["status"] == "draft"
    assert doc["catalogue"]["version"] and doc["explanation"]["lines"] and doc["explanation"]["by_set"]
    assert doc["next_questions"] and all(q["key"] not in doc["answers"] for q in doc["next_questions"])


def test_screen_answers_text_in_russian(app, tmp_path):
    path = _write(tmp_path, "a.json", {"age": 16, "exploitation": "sexual", "answers": {
        "act_recorded": "yes", "ex_hazardous_work": "yes", "ex_low_no_pay": "yes"}})
    out = RUNNER.invoke(app, ["screen", "--answers", str(path), "--lang", "ru"])
    assert out.exit_code == 0, out.output
    assert "направить" in out.output and "ЧЕРНОВИК" in out.output


@pytest.mark.parametrize(("doc", "named", "code"), [
    ({"age": 34, "exploitation": ["labour"], "answers": {"dec_nope": "yes"}}, "dec_nope", 2),
    ({"age": 12, "exploitation": ["labour"], "sets": ["adult_labour"]}, "adult_labour", 2),
    ({"age": 34, "exploitation": ["labour"], "answer": {}}, "answer", 2),
    ({"age": 34, "exploitation": ["labour"], "catalogue": "zz-none"}, "zz-none", 4),
])
def test_screen_bad_input_exit_codes_name_the_item(tmp_path, capsys, doc, named, code):
    from ctkit.cli import main

    path = _write(tmp_path, "bad.json", doc)
    with pytest.raises(SystemExit) as info:
        main(["screen", "--answers", str(path), "--json"])
    assert info.value.code == code
    assert named in capsys.readouterr().err


def test_screen_unreadable_json(tmp_path, capsys):
    from ctkit.cli import main

    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["screen", "--answers", str(path)])
    assert info.value.code == 2 and "broken.json" in capsys.readouterr().err


def test_screen_interactive_reaches_an_outcome(app):
    # Language, age, kind, then "no" to everything: a person with no indicator is "insufficient".
    out = RUNNER.invoke(app, ["screen", "--json"], input="en\n30\nlabour\n" + "n\n" * 80)
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output[out.output.index("{"):])
    assert doc["outcome"] == "insufficient"
    assert "The next questions are about" in out.output


def test_screen_interactive_stop_in_russian(app):
    out = RUNNER.invoke(app, ["screen"], input="ru\n\nboth\ny\ns\n")
    assert out.exit_code == 0, out.output
    assert "спросить ещё" in out.output and "Открытые вопросы" in out.output


def test_train_list_and_interactive(app):
    listed = RUNNER.invoke(app, ["train", "--list"])
    assert listed.exit_code == 0 and "fisherman_deceived_beaten" in listed.output
    out = RUNNER.invoke(app, ["train", "--vignette", "warehouse_bad_job"], input="\n\ninsufficient\n")
    assert out.exit_code == 0, out.output
    assert "Missed: Excessive working days or hours" in out.output and "Teaching note" in out.output


def test_train_answers_and_class_json(app, tmp_path):
    session = {"vignette": "migrant_builder_passport", "outcome": "refer", "answers": {
        "co_documents_taken@destination": "yes", "co_debt_bondage": "yes"}}
    out = RUNNER.invoke(app, ["train", "--answers", str(_write(tmp_path, "t.json", session)), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["key_outcome"] == "refer" and "dec_pay@recruitment" in doc["missed"]
    assert "co_debt_bondage@recruitment" in doc["false_alarms"]
    klass = [{**session, "trainee": "ana"}, {"trainee": "boris", "vignette": "warehouse_bad_job",
                                              "answers": {}, "outcome": "refer"}]
    out = RUNNER.invoke(app, ["train", "--class", str(_write(tmp_path, "c.json", klass)), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert set(report["trainees"]) == {"ana", "boris"} and -1 <= report["kappa_indicators"] <= 1


def test_commands_are_registered_with_examples():
    from ctkit.cli import COMMAND_MODULES
    from ctkit.cli.screen_commands import screen, train

    assert "ctkit.cli.screen_commands" in COMMAND_MODULES
    assert "Example: ctkit screen" in (screen.__doc__ or "") and "Example: ctkit train" in (train.__doc__ or "")
