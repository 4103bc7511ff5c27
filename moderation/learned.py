"""The learned detector's model: a linear classifier over the normalised text, trained on the
reviewable data files in moderation/training/ (docs/moderation.md, "The learned detector").

One model for every configured language (code-switched messages are common): multinomial
logistic regression over TF-IDF features of
- character 2-5-grams within words of the `words` view (spellings, inflections, slang),
- word 1-2-grams of that view,
- the lemmas of its words (moderation.lexicon.lemmas: "pegó", "pegaba" read as "pegar"),
- the concepts the lexicons find in it (moderation.lexicon.analyse: `abuser_adult`, `harm_act`...).
Classes are "none", the six categories, and "threat" (violence threatened against others), which
the detector reports as toxicity held at urgent, like the rules' threats.

Per category, a threshold on the class probability is chosen by five-fold cross-validation on the
training data only (each example's out-of-fold probabilities averaged over three shuffles of the
folds, `FOLD_SEEDS`, so that one line more or less moves a threshold less): the lowest (never
under `MIN_THRESHOLD`, a high probability) at which the out-of-fold predictions add at most
`NONE_BUDGET` of the "none" examples as false flags and are right at least `MIN_PRECISION` of
the time. A class no threshold satisfies is never reported.

Training takes seconds, so the model is not in git: it is trained when first needed and pickled
into a cache folder under a key made of the training files' bytes, the feature code's version and
the library's version; a process, a test run or another server process finds it there. Training is
deterministic (fixed folds, a deterministic solver), so a retrain gives the same model.
`manage.py moderation_train` (re)trains it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import pickle
import re
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from . import lexicon as lexicon_module
from .normalize import Normalized, normalize

logger = logging.getLogger(__name__)

TRAINING_DIR = Path(__file__).parent / "training"
# Bumped when the features or the training procedure change (part of the cache key).
MODEL_VERSION = "learned-3"
LABELS = (
    "none",
    "contact_info",
    "grooming",
    "sexual",
    "self_harm",
    "abuse_disclosure",
    "toxicity",
    "threat",
)
# Classes the model predicts for the detector. Toxicity is reported by the detector only for the
# languages no inline toxicity scorer reads (moderation.detectors.learned): on English social-media
# text (Davidson's "neither" tweets, most of them about something "trash") it flags one in six.
REPORTED = frozenset(LABELS) - {"none"}
# The evaluation files of tests/moderation/rounds, never training text: every held-out half, and
# every round from round 8 on, including rounds not yet written (a new round is evaluation text
# unless someone decides otherwise here, never by forgetting to list it).
HELD_OUT_MARKERS = ("heldout", "holdout")
FIRST_EVALUATION_ROUND = 8
ROUND_NUMBER = re.compile(r"-r(\d+)-")
MIN_THRESHOLD = 0.75
NONE_BUDGET = 0.0015
MIN_PRECISION = 0.95
C = 10.0
WORD_PATTERN = r"[\w']+"
NON_SPACE = r"\S+"
FOLDS = 5
# The fold shuffles whose out-of-fold probabilities are averaged before thresholds are chosen.
FOLD_SEEDS = (0, 1, 2)


def make_classifier():
    return LogisticRegression(C=C, tol=1e-3, max_iter=300, solver="lbfgs")


def is_evaluation_file(name: str) -> bool:
    if any(marker in name for marker in HELD_OUT_MARKERS):
        return True
    number = ROUND_NUMBER.search(name)
    return number is not None and int(number.group(1)) >= FIRST_EVALUATION_ROUND


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    lang: str = "en"


def training_files(directory: Path = TRAINING_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def load_examples(directory: Path = TRAINING_DIR) -> list[Example]:
    examples = []
    for path in training_files(directory):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["label"] not in LABELS:
                raise ValueError(f"{path.name}:{n}: unknown label {row['label']!r}")
            examples.append(Example(row["text"], row["label"], row.get("lang", "en")))
    return examples


def data_key(directory: Path = TRAINING_DIR, lexicon: lexicon_module.Lexicon | None = None) -> str:
    """The cache key: training files, feature code version, library version, lexicon version."""
    digest = hashlib.sha256()
    digest.update(
        f"{MODEL_VERSION};{MIN_THRESHOLD};{NONE_BUDGET};{MIN_PRECISION};{C};{FOLD_SEEDS};"
        f"sklearn-{sklearn.__version__};".encode()
    )
    lexicon = (lexicon or lexicon_module.load()).for_features()
    # The lexicon's terms and spellings in a fixed order (its `version` is for people to read).
    digest.update(
        repr(
            (
                sorted((c, t.parts) for c, ts in lexicon.concepts.items() for t in ts),
                sorted((k, sorted(v)) for k, v in lexicon.spellings.items()),
                lexicon.languages,
            )
        ).encode()
    )
    for path in training_files(directory):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _parts(text: Normalized, lexicon: lexicon_module.Lexicon) -> tuple[str, str]:
    """The words view, and a document of the message's lemmas and concepts (the concepts of the
    lexicon's feature files: `Lexicon.for_features`)."""
    lexicon = lexicon.for_features()
    analysis = lexicon_module.analyse(text, lexicon)
    extra = []
    for token in analysis.tokens:
        for form in lexicon_module.lemmas(token, lexicon.languages, lexicon.aids):
            if form != token:
                extra.append("l_" + form)
    extra.extend("c_" + concept for concept in sorted(analysis.present))
    return text.words.text, " ".join(extra)


class Model:
    """Vectorisers, classifier, and per-category thresholds."""

    def __init__(self) -> None:
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=60000
        )
        self.words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            token_pattern=WORD_PATTERN,
            sublinear_tf=True,
        )
        self.extra = TfidfVectorizer(analyzer="word", token_pattern=NON_SPACE, sublinear_tf=True)
        self.classifier = make_classifier()
        self.thresholds: dict[str, float] = {}
        self.key = ""
        self.cv_report: dict = {}

    def _matrix(self, parts: Sequence[tuple[str, str]], *, fit: bool = False):
        words = [p[0] for p in parts]
        extra = [p[1] for p in parts]
        if fit:
            blocks = [
                self.chars.fit_transform(words),
                self.words.fit_transform(words),
                self.extra.fit_transform(extra),
            ]
        else:
            blocks = [
                self.chars.transform(words),
                self.words.transform(words),
                self.extra.transform(extra),
            ]
        return sparse.hstack(blocks, format="csr")

    def fit(self, parts: Sequence[tuple[str, str]], labels: Sequence[str]) -> Model:
        self.classifier.fit(self._matrix(parts, fit=True), list(labels))
        return self

    def probabilities(self, parts: Sequence[tuple[str, str]]) -> np.ndarray:
        """Rows of class probabilities, columns in LABELS order."""
        proba = self.classifier.predict_proba(self._matrix(parts))
        order = [list(self.classifier.classes_).index(label) for label in LABELS]
        return proba[:, order]

    def compile(self) -> None:
        """Plain tables for scoring one message at a time: scikit-learn's input checks cost
        about ten times the arithmetic on a single short text."""
        order = [list(self.classifier.classes_).index(label) for label in LABELS]
        self._coef = np.ascontiguousarray(self.classifier.coef_[order].T)
        self._intercept = self.classifier.intercept_[order]
        self._blocks = []
        offset = 0
        for vectorizer in (self.chars, self.words, self.extra):
            vocabulary = vectorizer.vocabulary_
            idf = vectorizer.idf_.tolist()
            self._blocks.append((vectorizer.build_analyzer(), vocabulary, idf, offset))
            offset += len(vocabulary)
        self._names = [
            *(("", 0),) * len(self.chars.vocabulary_),
            *((n, 1) for n in self.words.get_feature_names_out()),
            *((n, 2) for n in self.extra.get_feature_names_out()),
        ]

    def _row(self, part: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices and TF-IDF values of one message (as the vectorisers compute them:
        sublinear term frequency, idf, each block normalised to unit length). Plain Python up to
        one array of each: small numpy calls cost more than the arithmetic here."""
        indices: list[int] = []
        values: list[float] = []
        for (analyzer, vocabulary, idf, offset), doc in zip(
            self._blocks, (part[0], part[0], part[1]), strict=True
        ):
            found = []
            for gram, count in Counter(analyzer(doc)).items():
                j = vocabulary.get(gram)
                if j is not None:
                    found.append((j, (1.0 + math.log(count)) * idf[j]))
            if found:
                norm = math.sqrt(sum(w * w for _, w in found))
                indices.extend(j + offset for j, _ in found)
                values.extend(w / norm for _, w in found)
        return np.array(indices, dtype=np.int64), np.array(values)

    def probability_row(self, part: tuple[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One message's class probabilities (LABELS order), with its feature row."""
        js, vs = self._row(part)
        logits = vs @ self._coef[js] + self._intercept
        e = np.exp(logits - logits.max())
        return e / e.sum(), js, vs

    def explain(self, js: np.ndarray, vs: np.ndarray, k: int, top: int = 3) -> list[str]:
        """The word, lemma and concept features that weigh most for class `k` in one message."""
        weights = []
        for j, value in zip(js, vs, strict=True):
            name, block = self._names[j]
            contribution = value * self._coef[j, k]
            if block and contribution > 0:
                weights.append((contribution, name.removeprefix("l_").removeprefix("c_")))
        weights.sort(reverse=True)
        return list(dict.fromkeys(name for _, name in weights))[:top]


def _choose_thresholds(proba: np.ndarray, labels: Sequence[str]) -> tuple[dict, dict]:
    y = np.array(labels)
    none = y == "none"
    thresholds, report = {}, {}
    budget = NONE_BUDGET * none.sum()
    for k, label in enumerate(LABELS):
        if label == "none":
            continue
        chosen = None
        for t in np.arange(MIN_THRESHOLD, 0.991, 0.01):
            hit = proba[:, k] >= t
            if not hit.any():
                break
            false_none = int((hit & none).sum())
            precision = float((hit & (y == label)).sum() / hit.sum())
            if false_none <= budget and precision >= MIN_PRECISION:
                chosen = round(float(t), 2)
                recall = float((hit & (y == label)).sum() / max(1, (y == label).sum()))
                report[label] = {
                    "threshold": chosen,
                    "oof_recall": round(recall, 3),
                    "oof_precision": round(precision, 3),
                    "oof_none_flagged": false_none,
                }
                break
        if chosen is not None:
            thresholds[label] = chosen
    return thresholds, report


def out_of_fold(
    parts: Sequence[tuple[str, str]], labels: Sequence[str], seeds: Sequence[int] = FOLD_SEEDS
) -> np.ndarray:
    """Each example's class probabilities from models that never saw it, averaged over the
    shuffles of `seeds`: with one shuffle, which fold an example falls in moves a threshold by a
    step when one line of the training text is added or removed; the average moves less."""
    proba = np.zeros((len(parts), len(LABELS)))
    for seed in seeds:
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
        for train_idx, test_idx in folds.split(parts, labels):
            fold = Model().fit([parts[i] for i in train_idx], [labels[i] for i in train_idx])
            proba[test_idx] += fold.probabilities([parts[i] for i in test_idx])
    return proba / len(seeds)


def train(examples: Sequence[Example], lexicon: lexicon_module.Lexicon) -> Model:
    parts = [_parts(normalize(e.text), lexicon) for e in examples]
    labels = [e.label for e in examples]
    proba = out_of_fold(parts, labels)
    model = Model().fit(parts, labels)
    model.compile()
    model.thresholds, model.cv_report = _choose_thresholds(proba, labels)
    model.cv_report["examples"] = len(examples)
    model.oof = proba  # kept for evaluation; dropped before caching
    return model


def cache_dir() -> Path:
    from django.conf import settings

    configured = settings.MODERATION.get("LEARNED_CACHE_DIR", "")
    return Path(configured) if configured else Path(settings.BASE_DIR) / ".cache" / "moderation"


def train_or_load(
    *,
    cache_dir: Path,
    directory: Path = TRAINING_DIR,
    lexicon: lexicon_module.Lexicon | None = None,
    force: bool = False,
) -> tuple[Model, float]:
    """The model for the current training data, from the cache when it is there; and the seconds
    spent training (0.0 when loaded)."""
    lexicon = lexicon or lexicon_module.load()
    key = data_key(directory, lexicon)
    path = Path(cache_dir) / f"learned-{key[:24]}.pickle"
    if not force and path.is_file():
        try:
            with path.open("rb") as f:
                # The cache folder is the server's own (like its code), never user input.
                model = pickle.load(f)  # noqa: S301
            if model.key == key:
                model.compile()  # the scoring tables as this code builds them
                return model, 0.0
        except Exception:
            logger.warning("learned model cache %s unreadable: retraining", path)
    started = time.perf_counter()
    model = train(load_examples(directory), lexicon)
    model.key = key
    seconds = time.perf_counter() - started
    del model.oof
    try:
        _store(model, path)
    except OSError as exc:
        # A read-only checkout still screens messages: the model lives in this process only.
        logger.warning("learned model trained in %.1f s, not cached at %s: %s", seconds, path, exc)
        return model, seconds
    logger.info("learned model trained in %.1f s, cached at %s", seconds, path)
    return model, seconds


def _store(model: Model, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed: a process reading it never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(model, f)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    for stale in path.parent.glob("learned-*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)  # models of earlier training data


@lru_cache(maxsize=4)
def get_model(cache: str, lexicon: lexicon_module.Lexicon) -> Model:
    """One model per process for a cache folder and lexicon."""
    return train_or_load(cache_dir=Path(cache), lexicon=lexicon)[0]


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float
    threshold: float
    features: tuple[str, ...] = field(default=())


def predict(
    model: Model, texts: Sequence[Normalized], lexicon: lexicon_module.Lexicon
) -> list[list[Prediction]]:
    """Per text, the classes whose probability reaches their threshold."""
    if not texts:
        return []
    out: list[list[Prediction]] = []
    for text in texts:
        row, js, vs = model.probability_row(_parts(text, lexicon))
        found = []
        for k, label in enumerate(LABELS):
            threshold = model.thresholds.get(label)
            if label in REPORTED and threshold is not None and row[k] >= threshold:
                found.append(
                    Prediction(label, float(row[k]), threshold, tuple(model.explain(js, vs, k)))
                )
        out.append(found)
    return out
