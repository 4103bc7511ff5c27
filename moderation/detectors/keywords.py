"""District keyword lists: words and phrases coordinators add in the admin (moderation.KeywordRule),
matched on the normalised text so the usual disguises do not slip past them."""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import Normalized
from .base import Context, Detector, Finding


@lru_cache(maxsize=1024)
def _pattern(phrase: str) -> re.Pattern[str]:
    # Whole words; spaces inside a phrase match any run of spaces.
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return re.compile(rf"(?<!\w){body}(?!\w)")


class DistrictKeywordDetector(Detector):
    name = "district_keywords"

    def detect(self, text: Normalized, context: Context) -> list[Finding]:
        findings = []
        for spec in context.keywords:
            if not spec.phrase.strip():
                continue
            for view in (text.words, text.folded):
                m = _pattern(spec.phrase).search(view.text)
                if m is None:
                    continue
                span = view.span(m.start(), m.end())
                label = spec.label or "district keyword"
                findings.append(
                    Finding(
                        detector=self.name,
                        category=spec.category,
                        reason=f"{label}: “{text.original[span[0] : span[1]]}”",
                        span=span,
                        score=1.0,
                        action=spec.action,
                    )
                )
                break
        return findings
