"""Fetch Detoxify's own checkpoint once (on a machine that is online), verify it, and prepare the
local config folder that offline loading needs; prints the settings to use.

    python manage.py detoxify_fetch --dest /srv/trellis/models [--model-type original]
    python manage.py detoxify_fetch --dest /srv/trellis/models --model-type multilingual

`original` is English (BERT); `multilingual` is XLM-RoBERTa, for Spanish and the other languages
a district serves (its config folder holds XLM-R's tokenizer instead of vocab.txt).

The release file names carry the first hex digits of the file's SHA-256 (`...-c1212f89.ckpt`); the
download is refused unless it matches. The config folder (config.json with the checkpoint's labels,
vocab.txt) comes from the model's hub name, or from `--config-from` (a local copy) when offline.
"""

import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from django.core.management.base import BaseCommand, CommandError

from moderation.scorers.detoxify_scorer import TOKENIZER_FILES


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Download and verify a Detoxify checkpoint and prepare its local config folder."

    def add_arguments(self, parser):
        parser.add_argument("--dest", required=True)
        parser.add_argument("--model-type", default="original")
        parser.add_argument("--url", help="Override the release URL (a mirror, or file://).")
        parser.add_argument("--sha256-prefix", help="Expected digest prefix (default: from name).")
        parser.add_argument("--config-from", help="Local folder with config.json and vocab.txt.")

    def handle(self, *args, **options):
        import torch
        from detoxify.detoxify import MODEL_URLS

        url = options["url"] or MODEL_URLS.get(options["model_type"])
        if not url:
            raise CommandError(f"unknown model type {options['model_type']!r}")
        name = Path(urlparse(url).path).name
        expected = options["sha256_prefix"]
        if not expected:
            m = re.search(r"-([0-9a-f]{8,64})\.ckpt$", name)
            if not m:
                raise CommandError("no digest in the file name; pass --sha256-prefix")
            expected = m.group(1)
        dest = Path(options["dest"])
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / name
        with tempfile.TemporaryDirectory(dir=dest) as tmp:
            part = Path(tmp) / name
            torch.hub.download_url_to_file(url, str(part), progress=False)
            actual = sha256_of(part)
            if not actual.startswith(expected.lower()):
                raise CommandError(f"checksum mismatch for {name}: {actual[:16]}... != {expected}")
            part.replace(target)
        self.stdout.write(f"checkpoint verified: {target} (sha256 {actual[:16]}...)")

        hf_dir = target.with_name(target.stem + "-hf")
        loaded = torch.load(target, map_location="cpu", weights_only=False)
        arch = loaded["config"]["arch"]["args"]
        classes = loaded["config"]["dataset"]["args"]["classes"]
        del loaded
        if options["config_from"]:
            shutil.copytree(options["config_from"], hf_dir, dirs_exist_ok=True)
        else:
            import transformers

            config_cls = getattr(transformers, arch["model_name"]).config_class
            config = config_cls.from_pretrained(
                arch["model_type"],
                num_labels=len(classes),
                id2label=dict(enumerate(classes)),
                label2id={c: i for i, c in enumerate(classes)},
            )
            config.save_pretrained(hf_dir)
            tokenizer = getattr(transformers, arch["tokenizer_name"]).from_pretrained(
                arch["model_type"]
            )
            tokenizer.save_pretrained(hf_dir)
        if not (hf_dir / "config.json").is_file() or not any(
            (hf_dir / f).is_file() for f in TOKENIZER_FILES
        ):
            raise CommandError(f"{hf_dir} lacks config.json or a tokenizer file")
        self.stdout.write(f"config folder: {hf_dir}")
        prefix = (
            "DETOXIFY_MULTILINGUAL" if arch["model_name"].startswith("XLMRoberta") else "DETOXIFY"
        )
        self.stdout.write(f"{prefix}_CHECKPOINT={target}\n{prefix}_HF_DIR={hf_dir}")
