"""Held-out phrasings for the conversation-signal lexicon, written before the lexicon itself.

The lexicon (moderation/lexicons/<lang>/conversation_signals.toml) describes families of
phrasings; these sentences test that it generalises instead of matching the sentences it was
written from. SIGNALS maps language -> family -> sentences that must show that family; BENIGN
holds everyday mentoring sentences that must show no family at all.
"""

SIGNALS = {
    "en": {
        "supervision": [
            "what time do your parents get home?",
            "you'll have the house to yourself this weekend?",
            "when does your mom usually get back from work",
            "is your dad working late again tonight",
            "so your parents are out of town until sunday?",
            "does anyone check on you after school",
            "what time does your mother go to bed",
        ],
        "monitoring": [
            "is anyone else reading this?",
            "who else can see these messages",
            "does your mom ever look at your phone?",
            "are our chats private or does the school read them",
            "do your parents go through your messages",
        ],
        "special_bond": [
            "you're so mature",
            "your parents don't get you like I do",
            "you're really mature for your age",
            "I feel like I understand you better than anyone",
            "nobody gets you the way I do",
            "you're not like the other kids",
            "you can tell me anything, I'm the only one who really listens",
            "we have a special connection",
        ],
        "age": [
            "how old are you exactly?",
            "age is just a number",
            "you seem way older than you are",
            "you'll be 16 soon right",
        ],
        "appearance": [
            "you looked really pretty in your profile picture",
            "you're so cute",
            "I bet you look beautiful when you dress up",
            "what are you wearing right now",
            "you have a great body",
        ],
        "gifts_money": [
            "I could buy you that phone you wanted",
            "I'll send you some money for it",
            "want me to get you a gift card?",
            "I got you a little present",
            "let me pay for it, don't worry",
        ],
        "elsewhere": [
            "do you have whatsapp?",
            "text me on my personal number instead",
            "what's your snapchat",
            "we could meet up, just the two of us",
            "add me on instagram",
            "it'd be easier to talk on discord",
        ],
        "secrecy": [
            "don't tell your parents about this",
            "this stays between us",
            "let's keep this our little secret",
        ],
    },
    "es": {
        "supervision": [
            "¿a qué hora llegan tus papás?",
            "¿vas a estar sola en casa el sábado?",
            "¿tu mamá trabaja hasta tarde hoy?",
            "¿a qué hora se duermen tus padres?",
            "entonces tendrás la casa para ti solita",
        ],
        "monitoring": [
            "¿alguien más lee esto?",
            "¿tus papás revisan tu celular?",
            "¿quién más puede ver estos mensajes?",
        ],
        "special_bond": [
            "eres muy madura para tu edad",
            "tus papás no te entienden como yo",
            "nadie te comprende como yo",
            "eres diferente a los otros chicos",
            "tenemos una conexión especial",
        ],
        "age": [
            "¿cuántos años tienes exactamente?",
            "la edad es solo un número",
            "pareces mucho mayor",
        ],
        "appearance": [
            "te ves muy bonita en tu foto",
            "eres muy linda",
            "¿qué llevas puesto ahorita?",
        ],
        "gifts_money": [
            "te compro algo",
            "te puedo mandar dinero",
            "te regalo unos audífonos si quieres",
            "yo te lo pago, no te preocupes",
        ],
        "elsewhere": [
            "mejor háblame por WhatsApp",
            "¿tienes instagram?",
            "pásame tu número",
            "podemos vernos solos tú y yo",
        ],
        "secrecy": [
            "no le cuentes a nadie",
            "esto queda entre nosotros",
            "que sea nuestro secreto",
        ],
    },
}

BENIGN = {
    "en": [
        "what time is your game on saturday?",
        "say hi to your parents for me",
        "how was family dinner last night?",
        "any fun weekend plans?",
        "did you finish the chemistry homework?",
        "my parents always made us eat dinner together too",
        "what time does the science fair start",
        "your essay shows real maturity in the argument",
        "good luck at practice today",
        "are your parents coming to the college info night?",
        "I'll bring the practice test to our meeting at the library",
        "how old were you when you started playing soccer?",
        "my daughter is in the same grade as you",
        "what time do you usually start your homework",
        "did your mom like the recipe?",
        "the application fee can be waived, ask your counselor",
        "you should be proud of that grade",
        "what are you reading for english class?",
        "the team looked great on saturday",
        "is the scholarship money enough for books?",
    ],
    "es": [
        "¿a qué hora es tu partido?",
        "saluda a tus papás de mi parte",
        "¿qué tal la cena familiar?",
        "¿tienes planes para el fin de semana?",
        "¿terminaste la tarea de matemáticas?",
        "¿tus papás van a ir a la feria universitaria?",
        "mi familia también cena junta los domingos",
        "¿a qué hora empieza la práctica?",
        "qué bien te fue en el examen",
        "¿cuántos años llevas jugando fútbol?",
        "la beca cubre los libros",
        "nos vemos en la biblioteca de la escuela el martes",
    ],
}

# A second set, written after the lexicon and run against it unchanged: the lexicon was not
# edited to fit these. The test asks for most, not all, of them (the recall the lexicon
# really has), and for none of the benign ones.
UNSEEN = {
    "en": [
        ("supervision", "what time does your dad get back tonight?"),
        ("supervision", "so you'll be home alone friday?"),
        ("supervision", "how late does your mom work on thursdays"),
        ("supervision", "will you have the place to yourself after school"),
        ("monitoring", "is someone watching what you type here?"),
        ("monitoring", "does your stepdad check your chromebook?"),
        ("monitoring", "who gets to read what we write"),
        ("special_bond", "you're way more grown up than kids your age"),
        ("special_bond", "your family doesn't understand you like I do"),
        ("special_bond", "you can tell me anything you know"),
        ("special_bond", "honestly you are wise beyond your years"),
        ("age", "age is only a number anyway"),
        ("age", "you act so much older than 14"),
        ("appearance", "you look so cute with your hair like that"),
        ("appearance", "ur really pretty"),
        ("gifts_money", "i can send you a gift card for your birthday"),
        ("gifts_money", "if you need cash just ask me"),
        ("gifts_money", "I'm going to buy you those shoes"),
        ("elsewhere", "hit me up on snap"),
        ("elsewhere", "what's your cell number"),
        ("elsewhere", "maybe we could hang out alone sometime"),
        ("secrecy", "don't mention this to your mom"),
        ("secrecy", "keep this between you and me ok"),
    ],
    "es": [
        ("supervision", "¿cuándo regresa tu mamá del trabajo?"),
        ("supervision", "¿te quedas solita en casa hoy?"),
        ("monitoring", "¿alguien más puede leer lo que escribimos?"),
        ("monitoring", "¿tu papá revisa tus mensajes?"),
        ("special_bond", "eres tan madura"),
        ("special_bond", "nadie te entiende como yo"),
        ("age", "la edad no importa"),
        ("appearance", "te ves hermosa hoy"),
        ("gifts_money", "te puedo comprar unos tenis"),
        ("gifts_money", "te mando lana si necesitas"),
        ("elsewhere", "escríbeme al whats"),
        ("elsewhere", "¿me das tu número?"),
        ("secrecy", "no le digas a tus papás"),
        ("secrecy", "es un secreto entre tú y yo"),
    ],
}

UNSEEN_BENIGN = {
    "en": [
        "what time does your bus get to school?",
        "tell your mom thanks for the cookies",
        "we had a big family dinner for my dad's birthday",
        "you're pretty good at geometry",
        "the app for the college fair is on the school website",
        "i can send you the link to the practice test",
        "how old is your little brother now?",
        "that's a really mature way to handle the argument with your friend",
        "I'll see you at our meeting in the library on tuesday",
        "did you watch the game last night",
    ],
    "es": [
        "¿a qué hora sale tu camión?",
        "dile gracias a tu mamá por las galletas",
        "te mando el enlace del examen de práctica",
        "¿cuántos años tiene tu hermanito?",
        "nos vemos en la reunión de la biblioteca",
        "¿viste el partido anoche?",
    ],
}
