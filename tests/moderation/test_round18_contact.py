"""Round 18's contact-details family in English and Spanish (docs/moderation.md, "Round 18").

Written for these tests from the kind of miss, not from the round's files: the home's address or
phone asked for or given with the possessive after the noun ("la dirección de tu casa", "el
teléfono de tu casa", "the address of your house", "the number at your house"), and the Spanish
request verbs the lexicon lacked (compartir, and the clitic forms of pasar, dar and mandar:
"¿me compartes tu número?", "pásamelo"), from a mentor or a student. Benign near-misses in the
same words: a page or a room number, the school's address or the office's phone, "la dirección"
as the principal's office or as a direction, a book mailed through the school office.
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

HELD = [
    # Spanish: the home's address or phone, the possessive after the noun
    (STUDENT, "¿me pasas la dirección de tu casa?"),
    (MENTOR, "¿me das el teléfono de tu casa? es por si se cae la plataforma"),
    (STUDENT, "oiga y cuál es el número de su casa? por si acaso"),
    (MENTOR, "ocupo el tel de tu casa pa llamarte el sábado"),
    (STUDENT, "la dirección de mi casa es por la Encino, la de la reja negra"),
    (MENTOR, "dime la direccion de tu casa y te llevo el libro"),
    # Spanish: request verbs, compartir and the clitic forms
    (MENTOR, "¿me compartes tu número? así te aviso más rápido"),
    (STUDENT, "me compartes tu direccion porfa"),
    (MENTOR, "compárteme tu cel y te marco"),
    (STUDENT, "¿tienes whatsapp? pásamelo"),
    (MENTOR, "¿me regalas tu número? para estar en contacto"),
    (STUDENT, "can you pasarme el número de tu casa?"),
    # English
    (MENTOR, "what's the address of your house?"),
    (STUDENT, "whats the number at ur house"),
    (MENTOR, "can you tell me the address of your place? I want to mail you something"),
    (MENTOR, "send me the address of your apartment so I have it"),
    (STUDENT, "text me the number at your house pls"),
    (STUDENT, "ok the address of my house is on Maple, the blue one by the park"),
    (MENTOR, "do you have snap? send it to me"),
]

PASSES = [
    # Spanish: a page or a room number, the school's address, the office's phone
    (STUDENT, "¿me pasas el número de la página?"),
    (STUDENT, "¿me compartes el número de la página del libro?"),
    (STUDENT, "¿me pasas el número del salón de ciencias?"),
    (STUDENT, "mi número de lista es el 12"),
    (MENTOR, "la dirección de la escuela es calle 5 #120, ahí es la feria"),
    (MENTOR, "el teléfono de la oficina es el 555 201 3344, llama en horario escolar"),
    # "la dirección" as the principal's office, "dirección" as a direction
    (STUDENT, "me mandaron a la dirección por llegar tarde"),
    (STUDENT, "¿en qué dirección queda el museo?"),
    # a book through the school office; something shared that is no detail
    (MENTOR, "te mando el libro por la oficina de la escuela"),
    (STUDENT, "¿me compartes tu presentación de historia?"),
    # English
    (STUDENT, "what's the page number for the reading?"),
    (STUDENT, "can you send me the room number for the tutoring session?"),
    (MENTOR, "the school's address is 1200 Oak Street, the fair is in the gym"),
    (MENTOR, "the office phone is (555) 201-3344 during school hours"),
    (STUDENT, "I got sent to the principal's office today"),
    (STUDENT, "which direction is the museum from the station?"),
    (MENTOR, "I'll mail the book through the school office, so you'll get it in class"),
    (MENTOR, "do you have the worksheet? send it to me when you're done"),
]


@pytest.mark.parametrize(("context", "text"), HELD)
def test_home_details_and_requests_are_held(context, text):
    verdict = run(text, context)
    assert (verdict.action, caught(verdict, "contact_info")) == ("hold", True), verdict.reasons


@pytest.mark.parametrize(("context", "text"), PASSES)
def test_benign_near_misses_pass(context, text):
    verdict = run(text, context)
    assert verdict.action == "deliver", verdict.reasons
