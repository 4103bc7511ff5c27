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
    if not (hf_dir / "config.json").is_file() or not (hf_dir / "vocab.txt").is_file():
        raise ScorerUnavailable(f"config folder incomplete (config.json, vocab.txt): {hf_dir}")
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

    def __init__(self, *, checkpoint: str = "", hf_dir: str = "", threads: int = 0, **options):
        self.checkpoint = checkpoint
        self.hf_dir = hf_dir
        self.threads = threads
        self._model = None
        self.load_seconds: float | None = None

    def load(self) -> None:
        if self._model is not None:
            return
        if not self.checkpoint:
            raise ScorerUnavailable("no Detoxify checkpoint configured (DETOXIFY_CHECKPOINT)")
        started = time.monotonic()
        try:
            if self.threads:
                import torch

                torch.set_num_threads(self.threads)
            self._model = load_detoxify(self.checkpoint, self.hf_dir or None)
        except ScorerUnavailable:
            raise
        except MemoryError as exc:
            raise ScorerUnavailable("out of memory while loading the model") from exc
        except Exception as exc:
            raise ScorerUnavailable(f"model failed to load: {type(exc).__name__}") from exc
        self.load_seconds = time.monotonic() - started
        logger.info("detoxify loaded in %.1fs", self.load_seconds)

    def unload(self) -> None:
        self._model = None

    def score_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.load()
        texts = list(texts)
        if not texts:
            return []
        try:
            raw = self._model.predict(texts)
        except MemoryError as exc:
            self.unload()
            raise ScorerUnavailable("out of memory during inference") from exc
        out: list[dict[str, float]] = [{} for _ in texts]
        for label, values in raw.items():
            values = values if isinstance(values, list) else [values]
            for i, value in enumerate(values):
                out[i][label] = float(value)
        return out
