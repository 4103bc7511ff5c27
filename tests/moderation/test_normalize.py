from moderation.normalize import normalize


def test_zero_width_homoglyphs_and_fullwidth_are_undone():
    n = normalize("s\u200bn\u200ba\u200bp  \uff43\uff48\uff41\uff54 \u0441\u0430\u0442")
    assert n.folded.text == "snap chat cat"


def test_combining_marks_and_controls_are_removed():
    n = normalize("z\u0335\u0336a\u0301l\u202eg\u0000o")
    assert n.folded.text == "zalgo"


def test_leetspeak_is_undone_only_inside_words():
    n = normalize("k1ll mys3lf, sn@pch4t, I got 92 and $350")
    assert n.words.text == "kill myself, snapchat, i got 92 and $350"


def test_spaced_letters_are_joined_and_repeats_squeezed():
    assert normalize("s e n d n u d e s").words.text == "sendnudes"
    assert normalize("soooo stuuupid").words.text == "so stupid"


def test_number_words_become_digits_but_homophones_only_between_digits():
    assert normalize("two oh nine five five five").digits.text == "2 0 9 5 5 5"
    assert normalize("I want to go for a walk").digits.text == "i want to go for a walk"
    assert normalize("double five one two").digits.text == "55 1 2"


def test_spans_point_into_the_original_text():
    original = "ok so \u0441\u0430ll m\u200be k1ll"
    n = normalize(original)
    at = n.words.text.index("call me")
    start, end = n.words.span(at, at + len("call me"))
    assert original[start:end] == "\u0441\u0430ll m\u200be"
    at = n.words.text.index("kill")
    assert original[slice(*n.words.span(at, at + 4))] == "k1ll"
    # A number word turned into a digit points at the word it came from.
    n = normalize("my number is two zero nine")
    at = n.digits.text.index("2")
    assert n.digits.span(at, at + 1)[0] == len("my number is ")


def test_any_string_normalises_without_error():
    for text in ["", "\ud800", "\u0301" * 10_000, "\x00", "\U0001f600" * 3, "<img onerror=x>"]:
        normalize(text)


def test_text_speak_is_spelled_out_in_the_words_view():
    n = normalize("r u home? dont tell ur mom, ily")
    assert n.words.text == "are you home? don't tell ur mom, i love you"
    # Parts of other words are left alone.
    assert normalize("run umbrella ready").words.text == "run umbrella ready"


def test_ordinals_and_unit_numbers_are_not_leetspeak():
    assert normalize("apartment 5B on 3rd and 10th").words.text == "apartment 5b on 3rd and 10th"
