"""Name keys: every spelling of one name meets, different names stay apart.

Surnames here are invented (Вымыслаў, Прыдуманы, Бандарэнка, Навіцкі, Лугавая ...).
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.identity.names import name_key, query_matches, similarity, word_keys

# Each group lists spellings of one name; the first is compared with every other.
SPELLINGS_OF_ONE_NAME = [
    ("Аляксандр", "Александр", "Aliaksandr", "Alyaksandr", "Aleksandr", "Alexander", "Aleksander"),
    ("Сяргей", "Сергей", "Siarhiej", "Siarhei", "Sergei", "Sergey", "Serhii"),
    ("Дзмітрый", "Дмитрий", "Dzmitry", "Dzmitryj", "Dmitry", "Dmitri", "Dmitriy"),
    ("Уладзімір", "Владимир", "Uladzimir", "Vladimir", "Uladzimer"),
    ("Мікалай", "Николай", "Mikalai", "Nikolai", "Nikolay"),
    ("Ігар", "Игорь", "Ihar", "Igor"),
    ("Хведар", "Chviedar", "Khviedar", "Фёдор", "Fiodar", "Fyodor"),
    ("Гродна", "Гродно", "Hrodna", "Grodno"),
    ("Яўген", "Евгений", "Jaŭhien", "Yauhen", "Iauhen", "Yevgeniy", "Eugene"),
    ("Ганна", "Анна", "Hanna", "Anna"),
    ("Вольга", "Ольга", "Volha", "Olga"),
    ("Кацярына", "Екатерина", "Katsiaryna", "Kaciaryna", "Yekaterina"),
    ("Наталля", "Наталья", "Наталия", "Natallia", "Natalya"),
    ("Таццяна", "Татьяна", "Tatsiana", "Taćciana", "Tatyana"),
    ("Канстанцін", "Константин", "Kanstantsin", "Konstantin"),
    ("Вячаслаў", "Вячеслав", "Viačaslaŭ", "Viachaslau", "Vyacheslav"),
    ("Міхаіл", "Михаил", "Michail", "Mikhail"),
    ("Арцём", "Артём", "Arciom", "Artsiom", "Artyom"),
    ("Юрый", "Юрий", "Jurij", "Yury", "Iury"),
    ("Ілля", "Илья", "Illia", "Il'ja"),
    ("Шчасны", "Щасный", "Ščasny", "Shchasny"),
    ("Жанна", "Zhanna", "Žanna"),
    ("Бандарэнка", "Бондаренко", "Bandarenka", "Bondarenko"),
    ("Навіцкі", "Новицкий", "Navitski", "Navicki", "Novitsky", "Novitskiy", "Nowicki"),
    ("Лугавая", "Луговая", "Luhavaya", "Luhavaja", "Lugovaya"),
    ("Вымыслаў", "Вымыслов", "Vymyslaŭ", "Vymyslau", "Vymyslov"),
    ("Прыдумановіч", "Придуманович", "Prydumanovič", "Prydumanovich", "Pridumanovich"),
    ("Аляксандр Вымыслаў", "Александр Вымыслов", "ALIAKSANDR VYMYSLAU", "Alexander Vymyslov"),
]
SAME_KEY = [
    pytest.param(first, other, id=f"{first}={other}")
    for first, *others in SPELLINGS_OF_ONE_NAME
    for other in others
]

# Forms that no skeleton rule can make equal, but that must still be proposed as duplicates.
SIMILAR = [
    pytest.param("Віктар Вымыслаў", "Victor Vymyslau", id="press-c-for-k"),
    pytest.param("Андрэй Прыдуманы", "Andrew Prydumany", id="english-given-name"),
    pytest.param("Уладзімір Навіцкі", "Włodzimierz Nowicki", id="polish-rz"),
    pytest.param("Аляксандр Вымыслаў Іванавіч", "Aliaksandr Vymyslau", id="patronymic-missing"),
    pytest.param("Вымыслаў Аляксандр", "Alexander Vymyslov", id="word-order"),
    pytest.param("Сяргей Вымыслаў", "Sergei Vymyzlau", id="one-consonant-typo"),
]

DIFFERENT_NAMES = [
    pytest.param("Аляксандр", "Аляксей", id="Аляксандр-Аляксей"),
    pytest.param("Сяргей", "Сямён", id="Сяргей-Сямён"),
    pytest.param("Іван", "Ян", id="Іван-Ян"),
    pytest.param("Ганна", "Галіна", id="Ганна-Галіна"),
    pytest.param("Вольга", "Вера", id="Вольга-Вера"),
    pytest.param("Павел", "Пётр", id="Павел-Пётр"),
    pytest.param("Дзмітрый", "Дзяніс", id="Дзмітрый-Дзяніс"),
    pytest.param("Мікалай", "Міхаіл", id="Мікалай-Міхаіл"),
    pytest.param("Андрэй", "Арцём", id="Андрэй-Арцём"),
    pytest.param("Кацярына", "Каміла", id="Кацярына-Каміла"),
    pytest.param("Ігар", "Ягор", id="Ігар-Ягор"),
    pytest.param("Aleh", "Volha", id="Aleh-Volha"),
    pytest.param("Аляксандр", "Аляксандра", id="masculine-feminine-given"),
    pytest.param("Яўген", "Yauheniya", id="masculine-feminine-latin"),
    pytest.param("Вымыслаў", "Вымыслава", id="masculine-feminine-surname"),
    pytest.param("Навіцкі", "Navitskaya", id="masculine-feminine-adjectival"),
    pytest.param("Бандарэнка", "Бандарчук", id="Бандарэнка-Бандарчук"),
    pytest.param("Вымыслаў", "Выдумкін", id="Вымыслаў-Выдумкін"),
    pytest.param("Юрый", "Юлія", id="Юрый-Юлія"),
]

DIFFERENT_PEOPLE = [
    pytest.param("Аляксандр Вымыслаў", "Аляксандр Прыдуманы", id="same-given-name"),
    pytest.param("Аляксандр Вымыслаў", "Сяргей Вымыслаў", id="same-surname"),
    pytest.param("Аляксандр Вымыслаў", "Аляксандра Вымыслава", id="husband-and-wife"),
    pytest.param("Siarhei Navitski", "Кацярына Лугавая", id="nothing-shared"),
]

NAME = "Аляксандр Вымыслаў"
QUERIES = [
    pytest.param("Aliaksandr", NAME, True, id="latin-finds-cyrillic"),
    pytest.param("Alexander", NAME, True, id="press-spelling-finds-cyrillic"),
    pytest.param("Александр", NAME, True, id="russian-finds-belarusian"),
    pytest.param("Аляксандр", "Aleksandr Vymyslov", True, id="cyrillic-finds-latin"),
    pytest.param("vymys", NAME, True, id="prefix"),
    pytest.param("Ala", NAME, True, id="prefix-ending-in-a-vowel"),
    pytest.param("VYMYSLAU aliaksandr", NAME, True, id="case-and-word-order"),
    pytest.param("  vymyslau,   ALEKS.  ", NAME, True, id="spaces-and-punctuation"),
    pytest.param("Вымыслов-Alex", NAME, True, id="hyphen-separates-words"),
    pytest.param("Nikolai", "Мікалай Прыдуманы", True, id="unified-given-name"),
    pytest.param("Mika", "Мікалай Прыдуманы", True, id="prefix-of-belarusian-given-name"),
    pytest.param("Hrodna", "Гродно", True, id="be-latin-finds-ru-cyrillic"),
    pytest.param("Aliaksandr Prydumany", NAME, False, id="every-word-must-match"),
    pytest.param("Siarhei", NAME, False, id="other-given-name"),
    pytest.param("Вымыслава", NAME, False, id="feminine-does-not-find-masculine"),
    pytest.param("Вымыслаў", "Вымыслава Ганна", True, id="masculine-prefix-finds-feminine"),
    pytest.param("", NAME, False, id="empty-query"),
    pytest.param("  - , ", NAME, False, id="query-without-letters"),
    pytest.param("Aliaksandr", "", False, id="empty-name"),
]


@pytest.mark.parametrize(("a", "b"), SAME_KEY)
def test_name_key_is_equal_for_spellings_of_one_name(a, b):
    assert name_key(a) == name_key(b)
    assert similarity(a, b) == 1.0


@pytest.mark.parametrize(("a", "b"), SIMILAR)
def test_similarity_is_high_for_forms_whose_keys_differ(a, b):
    assert name_key(a) != name_key(b)
    assert similarity(a, b) >= 0.85


@pytest.mark.parametrize(("a", "b"), DIFFERENT_NAMES)
def test_name_key_differs_for_different_names(a, b):
    assert name_key(a) != name_key(b)
    assert similarity(a, b) < 0.85


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PEOPLE)
def test_similarity_is_low_for_different_people(a, b):
    assert similarity(a, b) <= 0.7


@pytest.mark.parametrize(("query", "name", "expected"), QUERIES)
def test_query_matches(query, name, expected):
    assert query_matches(query, name) is expected


def test_name_key_folds_case_spacing_and_punctuation():
    assert name_key("  АЛЯКСАНДР   вымыслаў-ПРЫДУМАНЫ, (Ivan) 2024 ") == "alksndr vmslv prdmn ivn"


def test_name_key_drops_apostrophes_and_soft_signs_within_a_word():
    assert name_key("Дар'я") == name_key("Дарья") == name_key("Dar’ja") == name_key("Darya")


def test_name_key_of_text_without_letters_is_empty():
    assert name_key(" -, 12 ") == ""
    assert word_keys("") == []


def test_word_keys_keep_the_order_of_words():
    assert word_keys("Вымыслаў Аляксандр") == [name_key("Vymyslau"), name_key("Aliaksandr")]


def test_similarity_is_symmetric_and_zero_without_letters():
    assert similarity("Аляксандр Вымыслаў", "Siarhei") == similarity("Siarhei", "Аляксандр Вымыслаў")
    assert similarity("", "Аляксандр") == 0.0


LATIN_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F, categories=("L", "Zs", "P"))
    | st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF, categories=("L",)),
    max_size=40,
)
PROPERTY = settings(max_examples=500, derandomize=True, database=None, deadline=None)


@PROPERTY
@given(LATIN_TEXT)
def test_name_key_of_a_latin_key_is_the_key(text):
    key = name_key(text)

    assert name_key(key) == key


@PROPERTY
@given(st.text(), st.text())
def test_names_functions_accept_any_unicode(a, b):
    assert isinstance(name_key(a), str)
    assert 0.0 <= similarity(a, b) <= 1.0
    assert query_matches(a, b) in (True, False)


@PROPERTY
@given(st.text())
def test_name_key_ignores_case(text):
    assert name_key(text.upper()) == name_key(text.lower()) == name_key(text)
