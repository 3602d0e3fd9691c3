"""Give the benchmark's people names (full_pass.py fills people without them)."""

import random


def add_names(batch: int = 10_000) -> None:
    from cases.models import Person, PersonName
    from cases.names import name_key

    rng = random.Random(7)
    given = ["Аляксандр", "Сяргей", "Дзмітрый", "Ганна", "Вольга", "Мікалай", "Ігар", "Павел"]
    stems = ["Лугав", "Чарнав", "Вербал", "Сасноў", "Казлоў", "Дубав", "Ярмол", "Цішкев"]
    ids = list(Person.objects.values_list("id", flat=True))
    for start in range(0, len(ids), batch):
        rows = []
        for pk in ids[start : start + batch]:
            text = f"{rng.choice(given)} {rng.choice(stems)}{rng.choice(['іч', 'ук', 'ец', 'ін'])}"
            rows.append(
                PersonName(
                    person_id=pk,
                    text=text,
                    script="be_cyrl",
                    kind="official_be",
                    is_primary=True,
                    search_key=name_key(text),
                )
            )
        PersonName.objects.bulk_create(rows)
