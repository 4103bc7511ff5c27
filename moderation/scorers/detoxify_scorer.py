"""Detoxify, loaded from a local checkpoint (no download at run time).

Detoxify's own loader reads the model's config with `from_pretrained(model_type)`, where
`model_type` comes from inside the checkpoint ("bert-base-uncased"), even when
`huggingface_config_path` is given; offline that name must be a local folder whose config.json
carries the checkpoint's labels. So the checkpoint is read here, its `model_type` pointed at the
configured local folder (`hf_dir`: config.json and vocab.txt), and the model built through
Detoxify's own `get_model_and_tokenizer` and scored through `Detoxify.predict`.

The tokenizer is loaded with `from_pretrained` on that folder: a BertTokenizer built with
`vocab_file=` is silently ignored under transformers 5 and turns every token into [UNK].
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

from .base import ScorerUnavailable, ToxicityScorer

logger = logging.getLogger(__name__)

# Detoxify's names for the original model's classes, standardised as Detoxify.predict reports them.
CHANGE_NAMES = {
    "toxic": "toxicity",
    "identity_hate": "identity_attack",
    "severe_toxic": "severe_toxicity",
}


# What a config folder holds for the tokenizer: BERT's vocabulary (`original`), or XLM-R's
# sentencepiece model or tokenizers file (`multilingual`).
TOKENIZER_FILES = ("vocab.txt", "tokenizer.json", "sentencepiece.bpe.model")


def default_hf_dir(checkpoint: str | Path) -> Path:
    return Path(checkpoint).with_suffix("").with_name(Path(checkpoint).stem + "-hf")


def load_detoxify(checkpoint: str | Path, hf_dir: str | Path | None = None, device: str = "cpu"):
    """A ready `detoxify.Detoxify` from a local checkpoint and a local config/tokenizer folder."""
    import torch
    from detoxify import detoxify as detoxify_module

    checkpoint = Path(checkpoint)
    hf_dir = Path(hf_dir) if hf_dir else default_hf_dir(checkpoint)
    if not checkpoint.is_file():
        raise ScorerUnavailable(f"checkpoint missing: {checkpoint}")
    if not (hf_dir / "config.json").is_file() or not any(
        (hf_dir / name).is_file() for name in TOKENIZER_FILES
    ):
        raise ScorerUnavailable(
            f"config folder incomplete (config.json and {' or '.join(TOKENIZER_FILES)}): {hf_dir}"
        )
    # The checkpoint is Detoxify's own pickle (config + state_dict); it comes from the operator's
    # configured path or the verified download, never from users.
    loaded = torch.load(checkpoint, map_location=device, weights_only=False)
    if "config" not in loaded or "state_dict" not in loaded:
        raise ScorerUnavailable("checkpoint lacks Detoxify's config or state_dict")
    arch = dict(loaded["config"]["arch"]["args"])
    arch["model_type"] = str(hf_dir)
    class_names = [CHANGE_NAMES.get(c, c) for c in loaded["config"]["dataset"]["args"]["classes"]]
    model, tokenizer = detoxify_module.get_model_and_tokenizer(
        **arch, state_dict=loaded["state_dict"], huggingface_config_path=str(hf_dir)
    )
    del loaded
    instance = detoxify_module.Detoxify.__new__(detoxify_module.Detoxify)
    instance.model, instance.tokenizer, instance.class_names = model, tokenizer, class_names
    instance.device = device
    instance.model.to(device)
    instance.model.eval()
    return instance


class DetoxifyScorer(ToxicityScorer):
    name = "detoxify"
    inline = False
    labels = (
        "toxicity",
        "severe_toxicity",
        "obscene",
        "threat",
        "insult",
        "identity_attack",
        "sexual_explicit",
    )

    # Languages the `original` (English) model reads; others go to the multilingual model when
    # one is configured. "" (too short to tell) stays with the original model.
    ORIGINAL_LANGUAGES = frozenset({"en", ""})

    def __init__(
        self,
        *,
        checkpoint: str = "",
        hf_dir: str = "",
        threads: int = 0,
        multilingual_checkpoint: str = "",
        multilingual_hf_dir: str = "",
        **options,
    ):
        self.checkpoint = checkpoint
        self.hf_dir = hf_dir
        self.threads = threads
        self.multilingual_checkpoint = multilingual_checkpoint
        self.multilingual_hf_dir = multilingual_hf_dir
        self._model = None
        self._multilingual = None
        self.load_seconds: float | None = None

    def _load_one(self, checkpoint: str, hf_dir: str):
        started = time.monotonic()
        try:
            if self.threads:
                import torch

                torch.set_num_threads(self.threads)
            model = load_detoxify(checkpoint, hf_dir or None)
        except ScorerUnavailable:
            raise
        except MemoryError as exc:
            raise ScorerUnavailable("out of memory while loading the model") from exc
        except Exception as exc:
            raise ScorerUnavailable(f"model failed to load: {type(exc).__name__}") from exc
        self.load_seconds = time.monotonic() - started
        logger.info("detoxify loaded in %.1fs", self.load_seconds)
        return model

    def load(self) -> None:
        if self._model is not None:
            return
        if not self.checkpoint:
            raise ScorerUnavailable("no Detoxify checkpoint configured (DETOXIFY_CHECKPOINT)")
        self._model = self._load_one(self.checkpoint, self.hf_dir)

    def load_multilingual(self) -> None:
        if self._multilingual is None:
            self._multilingual = self._load_one(
                self.multilingual_checkpoint, self.multilingual_hf_dir
            )

    def unload(self) -> None:
        self._model = None
        self._multilingual = None

    def score_languages(
        self, texts: Sequence[str], languages: Sequence[str]
    ) -> list[dict[str, float]]:
        """Texts in a language other than English go to the multilingual (XLM-R) model when one
        is configured (DETOXIFY_MULTILINGUAL_CHECKPOINT); everything else to the original."""
        texts = list(texts)
        if not self.multilingual_checkpoint:
            return self.score_batch(texts)
        other = [i for i, lang in enumerate(languages) if lang not in self.ORIGINAL_LANGUAGES]
        if not other:
            return self.score_batch(texts)
        self.load_multilingual()
        out: list[dict[str, float]] = [{} for _ in texts]
        rest = [i for i in range(len(texts)) if i not in set(other)]
        for i, scores in zip(
            other, self._predict(self._multilingual, [texts[i] for i in other]), strict=True
        ):
            out[i] = scores
        if rest:
            for i, scores in zip(rest, self.score_batch([texts[i] for i in rest]), strict=True):
                out[i] = scores
        return out

    def score_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.load()
        return self._predict(self._model, list(texts))

    def _predict(self, model, texts: list[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        try:
            raw = model.predict(texts)
        except MemoryError as exc:
            self.unload()
            raise ScorerUnavailable("out of memory during inference") from exc
        out: list[dict[str, float]] = [{} for _ in texts]
        for label, values in raw.items():
            values = values if isinstance(values, list) else [values]
            for i, value in enumerate(values):
                out[i][label] = float(value)
        return out
