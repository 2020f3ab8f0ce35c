"""``ctkit screen`` and ``ctkit train``: thin commands over ``ctkit.identify.screening``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.prompt import Prompt

from ctkit.errors import ValidationError

CatalogueOpt = Annotated[str | None, typer.Option("--catalogue", help="Registered catalogue id (default: built-in).")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of questions and explanations (en, ru).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
_KEYS = {"y": "yes", "n": "no", "u": "unknown"}


def register(app: typer.Typer) -> None:
    """Add ``screen`` and ``train`` to the ctkit command line."""
    app.command("screen")(screen)
    app.command("train")(train)


def screen(
    answers: Annotated[Path | None, typer.Option("--answers", help="Answers JSON file (batch mode).")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    catalogue: CatalogueOpt = None,
    next_limit: Annotated[int, typer.Option("--next", min=0, help="How many next questions to list.")] = 5,
) -> None:
    """Screen a person for indicators of trafficking: interactive, or from an answers file.

    The answers file: {"age": 34, "exploitation": ["labour"], "answers": {"dec_job_nature": "yes", ...}};
    keys are concept ids, concept@recruitment or concept@destination. The result is a referral
    recommendation, never a legal finding.

    Example: ctkit screen --answers answers.json --json
    """
    from ctkit.identify import screening as sc

    console = Console()
    if answers is not None:
        doc = _read_json(answers)
        cat = sc.get_catalogue(catalogue or (doc.get("catalogue") if isinstance(doc, dict) else None)
                               or sc.BUILTIN_CATALOGUE_ID)
        lang = sc.check_language(cat, lang or "en")
        result = sc.evaluate(cat, sc.input_from_document(cat, doc, source=answers.name))
    else:
        cat = sc.get_catalogue(catalogue or sc.BUILTIN_CATALOGUE_ID)
        lang = sc.check_language(cat, lang or Prompt.ask("Language / Язык", choices=list(cat.languages),
                                                             default=cat.languages[0], console=console))
        result = _interactive_screening(console, cat, lang)
    document = sc.result_document(result, lang, next_limit)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_result(console, document)


def _interactive_screening(console: Console, cat: Any, lang: str) -> Any:
    from ctkit.identify import screening as sc
    from ctkit.identify.screening.messages import msg

    console.print(msg(lang, "opening"), highlight=False)
    raw_age = Prompt.ask(msg(lang, "prompt_age"), default="", show_default=False, console=console).strip()
    if raw_age and not raw_age.isdigit():
        raise ValidationError("age: must be a whole number, or empty if not known")
    kind = Prompt.ask(msg(lang, "prompt_exploitation"), choices=[*cat.exploitation_kinds, "both"],
                      default="both", console=console)
    inp = sc.prepare_input(cat, age=int(raw_age) if raw_age else None, exploitation=kind)
    last_phase = ""

    def ask(fact: str) -> str | None:
        nonlocal last_phase
        q = sc.question(cat, fact, lang)
        if q.phase != last_phase:
            # Introduce each phase once, so the person knows which time the questions are about.
            console.print(f"\n[bold]{q.intro}[/]")
            last_phase = q.phase
        reply = Prompt.ask(f"{q.text} {msg(lang, 'prompt_stop')}", choices=["y", "n", "u", "s"],
                           show_choices=False, console=console)
        return _KEYS.get(reply)

    return sc.interview(cat, inp, ask).result


def _print_result(console: Console, document: dict[str, Any]) -> None:
    console.print(f"\n[bold]{document['outcome_text']}[/]")
    for line in document["explanation"]["lines"][1:]:
        console.print(f"- {line}", highlight=False)
    if document["next_questions"]:
        from ctkit.identify.screening.messages import msg

        console.print(f"\n[bold]{msg(document['language'], 'next_questions')}[/]")
        for q in document["next_questions"]:
            console.print(f"- {q['question']} [{q['key']}]", highlight=False, markup=False)


def train(
    vignette: Annotated[str | None, typer.Option("--vignette", help="Vignette id (see --list).")] = None,
    list_only: Annotated[bool, typer.Option("--list", help="List the vignettes and stop.")] = False,
    answers: Annotated[Path | None, typer.Option("--answers", help="Trainee answers JSON (batch).")] = None,
    class_file: Annotated[Path | None, typer.Option("--class", help="JSON list of trainee sessions.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    catalogue: CatalogueOpt = None,
) -> None:
    """Training: screen a vignette and compare with the expert key, or score a class.

    Trainee answers file: {"vignette": "fisherman_deceived_beaten", "answers": {...}, "outcome": "refer"};
    unlisted indicators count as "no". Class file: a list of such objects, each with a "trainee" name.

    Example: ctkit train --vignette migrant_builder_passport --lang ru
    """
    from ctkit.identify import screening as sc

    console = Console()
    cat = sc.get_catalogue(catalogue or sc.BUILTIN_CATALOGUE_ID)
    lang = sc.check_language(cat, lang or "en")
    library = sc.load_vignettes(cat)
    if list_only:
        for v in library:
            typer.echo(f"{v.id}\t{v.title.get(lang) or v.title['en']}")
        return
    if class_file is not None:
        _emit(console, _class_document(cat, library, _read_json(class_file), class_file.name), as_json)
        return
    if answers is not None:
        doc = _read_json(answers)
        session = doc if isinstance(doc, dict) else {}
        chosen = sc.get_vignette(library, vignette or str(session.get("vignette", "")))
        score = _score(cat, chosen, session, answers.name)
    else:
        chosen = sc.get_vignette(library, vignette or _pick_vignette(library, lang, console))
        score = _interactive_training(console, cat, chosen, lang)
    _emit(console, {"vignette": chosen.id, **_score_document(score),
                    "feedback": sc.feedback(cat, chosen, score, lang)}, as_json)


def _pick_vignette(library: list[Any], lang: str, console: Console) -> str:
    for n, v in enumerate(library, 1):
        console.print(f"{n:2d}. {v.title.get(lang) or v.title['en']}", highlight=False)
    choice = Prompt.ask("#", choices=[str(n) for n in range(1, len(library) + 1)], show_choices=False,
                        console=console)
    return library[int(choice) - 1].id


def _interactive_training(console: Console, cat: Any, chosen: Any, lang: str) -> Any:
    from ctkit.identify import screening as sc
    from ctkit.identify.screening.messages import msg

    console.print(f"\n[bold]{chosen.title[lang]}[/]\n{chosen.story[lang]}\n", highlight=False)
    facts = list(chosen.key)
    for n, fact in enumerate(facts, 1):
        q = sc.question(cat, fact, lang)
        console.print(f"{n:2d}. {q.label} ({msg(lang, 'phase.' + q.phase)})", highlight=False)
    yes = _numbers(Prompt.ask(msg(lang, "prompt_yes_items"), default="", console=console), len(facts))
    unknown = _numbers(Prompt.ask(msg(lang, "prompt_unknown_items"), default="", console=console), len(facts))
    outcome = Prompt.ask(msg(lang, "prompt_outcome"), choices=["refer", "insufficient", "ask_more"], console=console)
    given = {facts[n - 1]: "unknown" for n in unknown} | {facts[n - 1]: "yes" for n in yes}
    return sc.score_trainee(cat, chosen, given, outcome)


def _numbers(raw: str, top: int) -> list[int]:
    out = []
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= top:
            raise ValidationError(f"indicator number '{part}': must be from 1 to {top}")
        out.append(int(part))
    return out


def _score(cat: Any, chosen: Any, session: dict[str, Any], source: str, trainee: str = "trainee") -> Any:
    from ctkit.identify import screening as sc

    given = session.get("answers", {})
    if not isinstance(given, dict):
        raise ValidationError(f"{source}: 'answers' must be an object of indicator id to yes/no/unknown")
    try:
        return sc.score_trainee(cat, chosen, given, session.get("outcome"), trainee)
    except ValidationError as exc:
        raise ValidationError(f"{source}: vignette {chosen.id}: {exc.message}") from None


def _score_document(score: Any) -> dict[str, Any]:
    return {"trainee": score.trainee, "indicator_agreement": round(score.indicator_agreement, 4),
            "dimension_agreement": round(score.dimension_agreement, 4), "outcome": score.outcome,
            "key_outcome": score.key_outcome, "missed": list(score.missed), "false_alarms": list(score.false_alarms)}


def _class_document(cat: Any, library: list[Any], doc: Any, source: str) -> dict[str, Any]:
    from ctkit.identify import screening as sc

    if not isinstance(doc, list) or not all(isinstance(s, dict) for s in doc):
        raise ValidationError(f"{source}: must be a JSON list of trainee sessions")
    scores = [_score(cat, sc.get_vignette(library, str(s.get("vignette", ""))), s, source,
                     str(s.get("trainee", "trainee"))) for s in doc]
    report = sc.class_report(scores)
    return {"kappa_indicators": round(report.kappa_indicators, 4), "kappa_outcomes": round(report.kappa_outcomes, 4),
            "trainees": {n: {k: (round(v, 4) if isinstance(v, float) else v) for k, v in t.__dict__.items()}
                         for n, t in report.trainees.items()},
            "outcome_accuracy_by_vignette": report.outcome_accuracy_by_vignette}


def _emit(console: Console, document: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for key, value in document.items():
        if isinstance(value, list) and value and isinstance(value[0], str) and key == "feedback":
            for line in value:
                console.print(f"- {line}", highlight=False)
        else:
            console.print(f"{key}: {value}", highlight=False)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(f"{path.name}: cannot be read ({type(exc).__name__})") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno})") from None
