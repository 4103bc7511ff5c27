"""Build a randomly initialised checkpoint in Detoxify's own format, with no download: the tests
use a tiny one to exercise the real loading code, the benchmark a BERT-base-shaped one (same cost
as the real `original` model, meaningless scores)."""

from __future__ import annotations

from pathlib import Path

ORIGINAL_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
# The multilingual (XLM-R) model's labels, as Detoxify reports them.
MULTILINGUAL_CLASSES = [
    "toxicity", "severe_toxicity", "obscene", "identity_attack", "insult", "threat",
    "sexual_explicit",
]  # fmt: skip
XLMR_SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_random_checkpoint(
    dest: Path, *, words: list[str], tiny: bool = True, seed: int = 0
) -> tuple[Path, Path]:
    """Write `dest/model.ckpt` and `dest/model-hf/` (config.json with the six labels, vocab.txt).

    `tiny` gives a two-layer, 32-wide BERT; otherwise transformers' BertConfig defaults (the
    BERT-base shape of Detoxify's `original`, about 109.5M parameters) with a 30,522-entry vocab.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    torch.manual_seed(seed)
    vocab = list(dict.fromkeys([*SPECIAL_TOKENS, *words]))
    if not tiny:
        vocab += [f"tok{i}" for i in range(30522 - len(vocab))]
    labels = {i: name for i, name in enumerate(ORIGINAL_CLASSES)}
    common = {"num_labels": 6, "id2label": labels, "label2id": {v: k for k, v in labels.items()}}
    if tiny:
        config = BertConfig(
            vocab_size=len(vocab),
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=128,
            **common,
        )
    else:
        config = BertConfig(vocab_size=len(vocab), **common)
    model = BertForSequenceClassification(config)
    hf_dir = dest / "model-hf"
    hf_dir.mkdir(parents=True, exist_ok=True)
    config.save_pretrained(hf_dir)
    (hf_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizer.from_pretrained(str(hf_dir)).save_pretrained(hf_dir)
    checkpoint = dest / "model.ckpt"
    torch.save(
        {
            "config": {
                "arch": {
                    "args": {
                        "model_type": "bert-base-uncased",
                        "model_name": "BertForSequenceClassification",
                        "tokenizer_name": "BertTokenizer",
                        "num_classes": 6,
                    }
                },
                "dataset": {"args": {"classes": ORIGINAL_CLASSES}},
            },
            "state_dict": model.state_dict(),
        },
        checkpoint,
    )
    return checkpoint, hf_dir


def build_random_multilingual_checkpoint(
    dest: Path, *, sentences: list[str], seed: int = 0
) -> tuple[Path, Path]:
    """Write `dest/multilingual.ckpt` and `dest/multilingual-hf/`: a tiny randomly initialised
    XLM-RoBERTa classifier in the format of Detoxify's `multilingual` checkpoint, with a
    sentencepiece (unigram) tokenizer trained here on `sentences` (tokenizer.json)."""
    import torch
    from tokenizers import SentencePieceUnigramTokenizer
    from transformers import (
        XLMRobertaConfig,
        XLMRobertaForSequenceClassification,
        XLMRobertaTokenizer,
    )

    torch.manual_seed(seed)
    hf_dir = dest / "multilingual-hf"
    hf_dir.mkdir(parents=True, exist_ok=True)
    trainer = SentencePieceUnigramTokenizer()
    trainer.train_from_iterator(
        sentences * 4,
        vocab_size=120,
        special_tokens=XLMR_SPECIAL_TOKENS,
        unk_token="<unk>",  # noqa: S106 (a token name, not a password)
        show_progress=False,
    )
    trainer.save(str(hf_dir / "tokenizer.json"))
    tokenizer = XLMRobertaTokenizer.from_pretrained(str(hf_dir))
    tokenizer.save_pretrained(hf_dir)
    labels = dict(enumerate(MULTILINGUAL_CLASSES))
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=130,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        num_labels=len(labels),
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    model = XLMRobertaForSequenceClassification(config)
    config.save_pretrained(hf_dir)
    checkpoint = dest / "multilingual.ckpt"
    torch.save(
        {
            "config": {
                "arch": {
                    "args": {
                        "model_type": "xlm-roberta-base",
                        "model_name": "XLMRobertaForSequenceClassification",
                        "tokenizer_name": "XLMRobertaTokenizer",
                        "num_classes": len(labels),
                    }
                },
                "dataset": {"args": {"classes": MULTILINGUAL_CLASSES}},
            },
            "state_dict": model.state_dict(),
        },
        checkpoint,
    )
    return checkpoint, hf_dir
