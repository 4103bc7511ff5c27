"""Which scorer is active, one instance per process, and calls guarded by a time limit.

`settings.MODERATION["TOXICITY_SCORER"]`: "detoxify", "profanity_check", "none", or "auto"
(Detoxify when a checkpoint is configured, else profanity_check). The model behind it loads on the
first call, never at import. Every call of a model scorer (Detoxify) runs on one dedicated thread
with a timeout, so a hung model costs one thread and a timeout, not the worker: while that thread
is still stuck, further calls fail at once with ScorerUnavailable instead of piling up threads.
An inline scorer (profanity_check: a sparse dot product computed with numpy, well under a
millisecond) runs on the caller's thread: the hop to the model thread and back cost more than the
scoring, and concurrent sends queued on it.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections.abc import Sequence
from typing import NoReturn

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ScorerUnavailable, ToxicityScorer

logger = logging.getLogger(__name__)

SCORERS = {
    "detoxify": "moderation.scorers.detoxify_scorer.DetoxifyScorer",
    "profanity_check": "moderation.scorers.profanity.ProfanityCheckScorer",
}

_lock = threading.Lock()
_scorer: ToxicityScorer | None = None
_scorer_key: tuple | None = None
_executor: concurrent.futures.ThreadPoolExecutor | None = None
# A call that timed out and may still be running (a hung model); None when there is none.
_hung: concurrent.futures.Future | None = None
# What this process knows about its scorer; the worker also writes it to the database.
status: dict = {"state": "not_loaded", "error": "", "since": None}


def configured_name() -> str:
    conf = settings.MODERATION
    name = conf.get("TOXICITY_SCORER", "auto")
    if name == "auto":
        return "detoxify" if conf.get("DETOXIFY_CHECKPOINT") else "profanity_check"
    return name


def active_name() -> str:
    """The active scorer's short name ("detoxify", "profanity_check", or "none")."""
    name = configured_name()
    if name in ("none", ""):
        return "none"
    try:
        scorer = get_scorer()
    except Exception:
        return name[-40:]
    return scorer.name if scorer is not None else "none"


def get_scorer() -> ToxicityScorer | None:
    """The configured scorer (not yet loaded), or None when toxicity scoring is switched off."""
    global _scorer, _scorer_key
    name = configured_name()
    if name in ("none", ""):
        return None
    conf = settings.MODERATION
    key = (
        name,
        conf.get("DETOXIFY_CHECKPOINT", ""),
        conf.get("DETOXIFY_HF_DIR", ""),
        conf.get("DETOXIFY_MULTILINGUAL_CHECKPOINT", ""),
        conf.get("DETOXIFY_MULTILINGUAL_HF_DIR", ""),
    )
    with _lock:
        if _scorer is None or _scorer_key != key:
            cls = import_string(SCORERS.get(name, name))
            _scorer = cls(
                checkpoint=conf.get("DETOXIFY_CHECKPOINT", ""),
                hf_dir=conf.get("DETOXIFY_HF_DIR", ""),
                threads=conf.get("MODEL_THREADS", 0),
                multilingual_checkpoint=conf.get("DETOXIFY_MULTILINGUAL_CHECKPOINT", ""),
                multilingual_hf_dir=conf.get("DETOXIFY_MULTILINGUAL_HF_DIR", ""),
            )
            _scorer_key = key
            _set_status("not_loaded", "")
        return _scorer


def reset() -> None:
    """Forget the process's scorer (settings changed, or a test wants a clean slate)."""
    global _scorer, _scorer_key, _hung
    with _lock:
        _scorer = None
        _scorer_key = None
        _hung = None
        _set_status("not_loaded", "")


def _set_status(state: str, error: str) -> None:
    if status.get("state") != state or status.get("error") != error:
        status.update(state=state, error=error, since=time.time())


def score(
    texts: Sequence[str],
    *,
    timeout: float | None = None,
    languages: Sequence[str] | None = None,
) -> list[dict[str, float]]:
    """Score `texts` with the active scorer within `timeout` seconds (the setting by default).
    `languages` (one ISO 639-1 code per text, "" unknown) lets a scorer pick a model per language.

    Raises ScorerUnavailable when no scorer is configured, the model is missing, crashes, runs out
    of memory, or does not answer in time.
    """
    global _executor, _hung
    scorer = get_scorer()
    if scorer is None:
        raise ScorerUnavailable("toxicity scoring is switched off")
    if scorer.inline:
        return _score_here(scorer, texts, languages)
    if timeout is None:
        timeout = float(settings.MODERATION.get("MODEL_TIMEOUT_SECONDS", 30))
    with _lock:
        if _hung is not None and not _hung.done():
            _set_status("failed", "a timed-out call is still running (hung)")
            raise ScorerUnavailable("model hung: a timed-out call has not returned")
        _hung = None
        if _executor is None:
            _executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="toxicity"
            )
        # Concurrent callers queue on the one model thread; the time limit covers the wait.
        if languages is None:
            future = _executor.submit(scorer.score_batch, list(texts))
        else:
            future = _executor.submit(scorer.score_languages, list(texts), list(languages))
    try:
        result = future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        _set_status("failed", f"timed out after {timeout:g}s")
        # The stuck thread is abandoned with its executor; until it returns, calls fail fast
        # instead of piling up threads behind it (see above).
        with _lock:
            _executor = None
            _hung = future
        logger.error("toxicity scorer %s timed out after %ss", scorer.name, timeout)
        raise ScorerUnavailable(f"model timed out after {timeout:g}s") from exc
    except Exception as exc:
        _raise_unavailable(scorer, exc)
    _set_status("ready", "")
    return result


def _score_here(
    scorer: ToxicityScorer, texts: Sequence[str], languages: Sequence[str] | None
) -> list[dict[str, float]]:
    try:
        if languages is None:
            result = scorer.score_batch(list(texts))
        else:
            result = scorer.score_languages(list(texts), list(languages))
    except Exception as exc:
        _raise_unavailable(scorer, exc)
    _set_status("ready", "")
    return result


def _raise_unavailable(scorer: ToxicityScorer, error: Exception) -> NoReturn:
    """Record a scorer's failure and raise it as ScorerUnavailable (call while handling it)."""
    if isinstance(error, ScorerUnavailable):
        _set_status("failed", error.reason)
        logger.error("toxicity scorer %s unavailable: %s", scorer.name, error.reason)
        raise error
    if isinstance(error, MemoryError):
        _set_status("failed", "out of memory")
        logger.error("toxicity scorer %s ran out of memory", scorer.name)
        raise ScorerUnavailable("out of memory") from error
    _set_status("failed", type(error).__name__)
    logger.exception("toxicity scorer %s crashed", scorer.name)
    raise ScorerUnavailable(f"model crashed: {type(error).__name__}") from error
