"""The name a letter to a prison must carry (issue 19, point 2): shared by the public "write a
letter" page and the staff's check of it."""


def envelope_name(person) -> str:
    """In Russian, surname, given name and patronymic: the person's Russian official name as
    recorded (surname first, as Russian official records write it), then the patronymic, unless
    the recorded name already ends with it. `person.names` may be prefetched."""
    name = person.name_for_language("ru")
    text = name.text.strip() if name else person.slug
    patronymic = (person.patronymic or "").strip()
    if not patronymic or text.split()[-1:] == [patronymic]:
        return text
    return f"{text} {patronymic}"
