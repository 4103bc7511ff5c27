"""The learned detector: a linear classifier trained on the reviewable examples in
moderation/training/ (moderation.learned), beside the rules. A cheap rules-stage detector (it runs
with `--no-ml`); it only reports a category whose probability reaches the threshold that
cross-validation chose for it. A threat of violence is reported as toxicity, held and urgent,
like the rules' threats; self-harm and abuse are urgent by the policy.

A message that carries one of the conversation-level weak signals (moderation.conversation_signals:
a schedule question, "is anyone else reading this?", age talk, a gift, moving to another app) is
left to the conversation's risk for grooming and contact details: such a move is delivered by
itself and means something only together with others, so the model's reading of it as grooming is
not a finding of its own."""

from __future__ import annotations

from collections.abc import Sequence

from .. import conversation_signals, learned
from .. import lexicon as lexicon_module
from ..language import detect_language
from ..normalize import Normalized
from .base import Context, Detector, Finding
from .concepts import asks_to_report, stood_down
from .contact import no_ones_number_only, public_addresses_only, school_addresses_only
from .grooming import UNSUPERVISED
from .safeguarding import CONCRETE_SELF_HARM, death_wish_hyperbole, rules_read_no_harm

# The rules' frames that stand their findings down (a book, a song or a drill, a game, an idiom,
# a surprise party): whatever the model reads in such a message is left to the rules.
FRAMES = ("literature", "play", "idiom", "surprise")
# The rules' threats stand down for these targets too ("my dog chewed my shoes, i'll kill him",
# "my sister is so dead"), unless a weapon or the school is named: so does the model's.
THREAT_TARGETS_NOT_REAL = ("pet", "family_target")
# Online-safety advice, or advice to report a request ("if anyone asks you to switch apps, tell
# the coordinator"), names apps, details and secrets: the rules decide on contact and grooming.
ADVICE_CATEGORIES = frozenset({"grooming", "contact_info"})
# A kind gesture ("le vamos a llevar un pastel", an aunt's cooking while mom works) with no harm,
# weapon or injury named: the model's threat, contact or abuse reading of it is stood down.
KIND_GESTURE_CATEGORIES = frozenset({"threat", "contact_info", "abuse_disclosure"})
UNHURT_COOKING = (("unhurt", "incidental"),)
HARM_NAMED = ("harm_act", "severe_act", "injury", "weapon", "violence_act", "harm_verb", "coerce")
# The languages whose insults the model's toxicity class reports: those no inline toxicity scorer
# reads (the inline scorer is English; Detoxify's multilingual model needs its weights). English
# toxicity is the English scorer's and the rules' (docs/moderation.md, "The learned detector").
TOXICITY_LANGUAGES = ("es",)
# 0.86: a benign nickname ("le dicen la vaca lechera al camión") came out at 0.77, then at 0.85
# with round 13/14's lexicons (docs/moderation.md, "Round 13 (at freeze)").
TOXICITY_THRESHOLD = 0.86
# Categories a weak conversation signal in the message leaves to the conversation's risk.
WEAK_MOVE_CATEGORIES = frozenset({"grooming", "contact_info"})


class LearnedDetector(Detector):
    name = "learned"
    supplementary = True

    def __init__(
        self,
        *,
        cache_dir: str = "",
        toxicity_languages: Sequence[str] = TOXICITY_LANGUAGES,
        toxicity_threshold: float = TOXICITY_THRESHOLD,
        **options,
    ) -> None:
        super().__init__(**options)
        self.toxicity_languages = frozenset(toxicity_languages)
        self.toxicity_threshold = toxicity_threshold
        # Read once, when the pipeline is built (detectors read no settings per message).
        self.cache_dir = cache_dir or str(learned.cache_dir())
        # A model given directly (evaluation, tests); otherwise the cached one.
        self.given: learned.Model | None = None

    @property
    def model(self) -> learned.Model:
        if self.given is not None:
            return self.given
        return learned.get_model(self.cache_dir, self.lexicon)

    def detect(self, text: Normalized, context: Context) -> list[Finding]:
        return self.detect_batch([text], [context])[0]

    def detect_batch(
        self, texts: Sequence[Normalized], contexts: Sequence[Context]
    ) -> list[list[Finding]]:
        results = []
        tables = list(self.lexicon.signal_tables.values())
        for text, context, predictions in zip(
            texts, contexts, learned.predict(self.model, texts, self.lexicon), strict=True
        ):
            findings = []
            if any(p.label in WEAK_MOVE_CATEGORIES for p in predictions) and (
                conversation_signals.extract_with(text.original, tables)
            ):
                predictions = [p for p in predictions if p.label not in WEAK_MOVE_CATEGORIES]
            if any(p.label == "toxicity" for p in predictions) and (
                detect_language(text.folded.text, self.lexicon.languages)
                not in self.toxicity_languages
            ):
                predictions = [p for p in predictions if p.label != "toxicity"]
            # An insult is read only when the model is sure of it: the class is a second reader
            # where no scorer reads the language, not a judge of every nickname.
            predictions = [
                p
                for p in predictions
                if p.label != "toxicity" or p.probability >= self.toxicity_threshold
            ]
            if not context.adult_sender:
                # Grooming is an adult's (or an older mentor's) conduct, as in the rules.
                predictions = [p for p in predictions if p.label != "grooming"]
            if predictions:
                a = lexicon_module.analyse(text, self.lexicon)
                if any(frame in a.present for frame in FRAMES):
                    predictions = []
                if a.has("kind_gesture") and not any(a.has(c) for c in HARM_NAMED):
                    predictions = [p for p in predictions if p.label not in KIND_GESTURE_CATEGORIES]
                # A death said of failing a chore ("i'll die if i don't pass chem") is hyperbole
                # unless something concrete (a means, an act) is named, as in the rules.
                if (
                    a.has("fail_cond")
                    and a.has("chore")
                    and not any(a.has(c) for c in CONCRETE_SELF_HARM)
                ) or death_wish_hyperbole(a):
                    # The rules' own test of a death wish said as hyperbole (laughing about a
                    # chore or a lost game, a moment of embarrassment or a mishap in front of
                    # others) stands the model's self-harm reading down too.
                    predictions = [p for p in predictions if p.label != "self_harm"]
                # A cut or a burn denied while cooking ("pelando chiles con el cuchillo y no me
                # corté ni una vez"): the rules' stand-down, the model's too.
                if stood_down(UNHURT_COOKING, a):
                    predictions = [p for p in predictions if p.label != "self_harm"]
                # "Mi tío pegó las fotos en mi cuarto", "mi mamá dice que me toca lavar los
                # platos": the rules read no one harmed, and nor does the model.
                if rules_read_no_harm(a):
                    predictions = [p for p in predictions if p.label != "abuse_disclosure"]
                if any(t in a.present for t in THREAT_TARGETS_NOT_REAL) and not (
                    a.has("weapon") or a.has("school")
                ):
                    predictions = [p for p in predictions if p.label != "threat"]
                # Round 18: a stereotype said to be wrong or hurtful ("pero eso es racista y no
                # es cierto", "y me dio mucho coraje") is refuted, as the rules read it.
                if a.has("refuted"):
                    predictions = [p for p in predictions if p.label != "toxicity"]
                if a.has("safety_advice") or asks_to_report(a):
                    predictions = [p for p in predictions if p.label not in ADVICE_CATEGORIES]
                # Round 16: when a caregiver is free, asked for a school event, a form or a call
                # ("what time does your mom get off work? she could come to the meeting"), as in
                # the rules.
                if (
                    a.has("what_time")
                    and a.has("household")
                    and a.has("school_event")
                    and not any(a.has(c) for c in UNSUPERVISED)
                ):
                    predictions = [p for p in predictions if p.label != "grooming"]
                # Round 18: a gift for the student's own people kept from them until it is given
                # ("we got your dad a present for Father's Day, don't tell him"), as in the rules,
                # unless being alone, unseen or met is in it too.
                if stood_down(("family_gift",), a):
                    predictions = [p for p in predictions if p.label != "grooming"]
                if (
                    school_addresses_only(text)
                    or public_addresses_only(text, a)
                    or no_ones_number_only(a)
                ):
                    # A school e-mail address, a public place's street address, or a number
                    # that is no one's contact (round 18) is no contact detail to the rules: nor
                    # to the model.
                    predictions = [p for p in predictions if p.label != "contact_info"]
            for p in predictions:
                threat = p.label == "threat"
                weighing = ", ".join(f"“{f}”" for f in p.features) or "its character n-grams"
                findings.append(
                    Finding(
                        detector=self.name,
                        category="toxicity" if threat else p.label,
                        reason=(
                            f"learned classifier: {'threat of violence' if threat else p.label} "
                            f"with probability {p.probability:.2f} (threshold {p.threshold:.2f}); "
                            f"weighing most: {weighing}"
                        ),
                        score=p.probability,
                        action="hold" if threat else None,
                        priority="urgent" if threat else None,
                        details={"learned_label": p.label},
                    )
                )
            results.append(findings)
        return results
