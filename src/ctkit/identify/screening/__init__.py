"""Indicator-based screening for trafficking in human beings, with explained outcomes, adaptive questions
and a training mode.

The catalogue (ILO/EC operational indicators 2009, draft) is data; the engine hard-codes none of it.
Typical use::

    from ctkit.identify.screening import screen, explain, next_questions
    result = screen({"dec_job_nature": "yes"}, age=34, exploitation=["labour"])
    result.outcome            # "ask_more"
    next_questions(result)    # facts to ask next, e.g. "ex_excessive_hours@destination"
    explain(result, "ru")     # sentences in Russian

Every result is a referral recommendation, never a legal finding, and names its catalogue's id, version and
status.
"""

from ctkit.identify.screening.adaptive import Session, choose_next, interview, naive_next, next_questions, run_session
from ctkit.identify.screening.agreement import cohen_kappa
from ctkit.identify.screening.answers import ScreeningInput, input_from_document, prepare_input
from ctkit.identify.screening.catalogue import Catalogue, catalogue_from_data, load_catalogue
from ctkit.identify.screening.engine import evaluate, screen
from ctkit.identify.screening.explain import explain, explanation_data
from ctkit.identify.screening.questions import Question, check_language, question, questions
from ctkit.identify.screening.registry import (
    BUILTIN_CATALOGUE_ID,
    catalogue_ids,
    get_catalogue,
    register_catalogue,
    unregister_catalogue,
)
from ctkit.identify.screening.report import result_document
from ctkit.identify.screening.result import (
    ASK_MORE,
    INSUFFICIENT,
    REFER,
    DimensionResult,
    ScreeningResult,
    SetResult,
)
from ctkit.identify.screening.training import (
    ClassReport,
    TraineeScore,
    Vignette,
    class_report,
    feedback,
    get_vignette,
    load_vignettes,
    score_trainee,
)

__all__ = [
    "ASK_MORE",
    "BUILTIN_CATALOGUE_ID",
    "INSUFFICIENT",
    "REFER",
    "Catalogue",
    "ClassReport",
    "DimensionResult",
    "Question",
    "ScreeningInput",
    "ScreeningResult",
    "Session",
    "SetResult",
    "TraineeScore",
    "Vignette",
    "catalogue_from_data",
    "catalogue_ids",
    "check_language",
    "choose_next",
    "class_report",
    "cohen_kappa",
    "evaluate",
    "explain",
    "explanation_data",
    "feedback",
    "get_catalogue",
    "get_vignette",
    "input_from_document",
    "interview",
    "load_catalogue",
    "load_vignettes",
    "naive_next",
    "next_questions",
    "prepare_input",
    "question",
    "questions",
    "register_catalogue",
    "result_document",
    "run_session",
    "score_trainee",
    "screen",
    "unregister_catalogue",
]
