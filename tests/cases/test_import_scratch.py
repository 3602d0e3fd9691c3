"""The import's scratch store: what a run remembers across the whole file (identifiers, name keys,
the report's lines), on disk rather than in memory. Every name here is invented."""

from cases.transfer.importing.outcomes import Issue, RowOutcome
from cases.transfer.importing.scratch import PROBLEM, ROW, WARNING, Scratch


def test_an_identifier_is_reported_with_the_first_row_that_carried_it_in_this_batch_or_an_earlier_one():
    with Scratch() as scratch:
        first = scratch.earlier_rows([("id\x001", 2), ("id\x002", 3), ("id\x001", 4)])
        later = scratch.earlier_rows([("id\x002", 5), ("id\x003", 6)])

    assert first == [None, None, 2]
    assert later == [3, None]


def test_name_keys_first_carried_by_a_batch_are_told_from_keys_an_earlier_batch_carried():
    with Scratch() as scratch:
        assert scratch.note_names([("вымышленка алесь", 2), ("іншаковіч пётра", 3)]) == {
            "вымышленка алесь",
            "іншаковіч пётра",
        }
        assert scratch.note_names([("вымышленка алесь", 4), ("мурашка ян", 5)]) == {"мурашка ян"}


def test_shared_names_are_warned_for_new_rows_only_naming_the_first_other_rows_of_the_name():
    with Scratch() as scratch:
        scratch.note_names([("вымышленка алесь", row) for row in range(2, 12)] + [("мурашка ян", 20)])
        scratch.mark_new([3, 9, 20])  # row 2 and the others matched people of the registry

        shared = dict(scratch.shared_names(shown=5))

    assert shared == {3: [2, 4, 5, 6, 7], 9: [2, 3, 4, 5, 6]}  # a name no other row carries: none


def test_people_the_run_created_are_told_from_people_the_registry_had_before():
    with Scratch() as scratch:
        scratch.add_created([7, 8])
        scratch.add_existing([("вымышленка алесь", "vymyshlenka-b"), ("вымышленка алесь", "vymyshlenka-a")])

        assert scratch.created_among({6, 7, 8}) == {7, 8}
        assert scratch.existing_slugs("вымышленка алесь") == ["vymyshlenka-a", "vymyshlenka-b"]
        assert scratch.existing_slugs("мурашка ян") == []


def test_report_lines_come_back_by_kind_in_row_order_with_the_whole_file_first_and_are_counted():
    with Scratch() as scratch:
        scratch.add_issues(WARNING, [Issue(5, "prison", "later"), Issue(3, "sex", "earlier")])
        scratch.add_issues(
            WARNING, [Issue(None, "", "the whole file"), Issue(3, "name", "same row, found after")]
        )
        scratch.add_issues(PROBLEM, [Issue(4, "name", "the name is empty")])
        scratch.add_outcomes(
            [RowOutcome(2, "created", ["new person and case"]), RowOutcome(3, "updated", [])]
        )

        warnings = scratch.issues(WARNING)
        first_two = scratch.issues(WARNING, limit=2)
        outcomes = scratch.outcomes()
        counts = dict(scratch.counts)

    assert [(w.row, w.reason) for w in warnings] == [
        (None, "the whole file"),
        (3, "earlier"),
        (3, "same row, found after"),
        (5, "later"),
    ]
    assert first_two == warnings[:2]
    assert outcomes == [RowOutcome(2, "created", ["new person and case"]), RowOutcome(3, "updated", [])]
    assert counts == {PROBLEM: 1, WARNING: 4, ROW: 2}
