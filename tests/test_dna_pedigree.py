"""The maternal-line rules over relationship kinds (doantu.dna.pedigree): priority of every kind, the best next
donor, the flags on a lower-priority offer, coverage, and the drawing's layout."""

import pytest

from doantu.dna import pedigree
from doantu.dna.pedigree import Coverage, Person
from doantu.registry.choices import Relationship as R

# Every relationship kind: (on the maternal line, priority) — the domain notes' order, written out here by hand
# so that a change of the order in the code fails this test.
EXPECTED = {
    R.MOTHER: (True, 1),
    R.MATERNAL_GRANDMOTHER: (True, 2),
    R.SIBLING_SAME_MOTHER: (True, 3),
    R.MOTHERS_SIBLING: (True, 4),
    R.MOTHERS_SISTERS_CHILD: (True, 5),
    R.SISTERS_CHILD: (True, 6),
    R.FATHER: (False, None),
    R.SIBLING_OTHER: (False, None),
    R.SPOUSE: (False, None),
    R.CHILD: (False, None),
    R.OTHER: (False, None),
    R.NONE: (False, None),
}


def test_every_kind_has_a_rule_and_expected_priority():
    assert set(EXPECTED) == set(R)
    for kind, (maternal, priority) in EXPECTED.items():
        rule = pedigree.RULES[kind]
        assert (rule.maternal, rule.priority) == (maternal, priority), kind
        if not maternal and kind:
            assert rule.why_not  # staff are told why this relative's sample does not match


def p(key, kind, alive=True, **kw):
    return Person(key=key, kind=kind, alive=alive, **kw)


@pytest.mark.parametrize("kind", [k for k in EXPECTED if EXPECTED[k][0]])
def test_best_next_is_the_highest_living_maternal_kind(kind):
    others = [
        p(i, k) for i, k in enumerate(EXPECTED) if EXPECTED[k][0] and EXPECTED[k][1] > EXPECTED[kind][1]
    ]
    people = [p(100, R.FATHER), p(101, R.CHILD), *others, p(99, kind)]
    assert pedigree.best_next(people).key == 99


def test_dead_withdrawn_and_off_line_relatives_are_never_asked():
    people = [
        p(1, R.MOTHER, alive=False),
        p(2, R.MATERNAL_GRANDMOTHER, askable=False),  # withdrew
        p(3, R.FATHER),
        p(4, R.CHILD),
        p(5, R.MOTHERS_SISTERS_CHILD),
    ]
    assert pedigree.best_next(people).key == 5
    assert pedigree.best_next(people[:4]) is None


def test_alive_unknown_comes_after_known_living_of_same_kind_and_before_lower_kinds():
    people = [p(1, R.SIBLING_SAME_MOTHER, alive=None), p(2, R.SIBLING_SAME_MOTHER), p(3, R.MOTHERS_SIBLING)]
    assert pedigree.best_next(people).key == 2
    assert pedigree.best_next([people[0], people[2]]).key == 1


def test_lower_priority_offer_flags_living_higher_relatives():
    people = [
        p(1, R.MOTHER, alive=False),
        p(2, R.SIBLING_SAME_MOTHER),
        p(3, R.MOTHERS_SIBLING, alive=None),
        p(4, R.SISTERS_CHILD, offered=True),
    ]
    flagged = pedigree.higher_priority_living(people[3], people)
    assert [x.key for x in flagged] == [2]  # the dead mother and the not-known-alive aunt are not flagged
    assert pedigree.higher_priority_living(people[1], people) == []


def test_off_line_offer_is_flagged_with_every_living_maternal_relative():
    people = [p(1, R.CHILD, offered=True), p(2, R.MOTHER), p(3, R.SISTERS_CHILD)]
    assert [x.key for x in pedigree.higher_priority_living(people[0], people)] == [2, 3]


@pytest.mark.parametrize(
    "people, expected",
    [
        ([p(1, R.MOTHER, sampled=True)], Coverage.COVERED),
        ([p(1, R.SIBLING_SAME_MOTHER, sampled=True), p(2, R.SISTERS_CHILD, sampled=True)], Coverage.COVERED),
        ([p(1, R.MOTHERS_SIBLING, sampled=True), p(2, R.MOTHER)], Coverage.PARTLY),
        ([p(1, R.SISTERS_CHILD, sampled=True)], Coverage.PARTLY),
        ([p(1, R.SISTERS_CHILD)], Coverage.NOT_COVERED),
        ([p(1, R.CHILD, sampled=True), p(2, R.MOTHER, alive=None)], Coverage.NO_RELATIVE),
        ([p(1, R.MOTHER, alive=False), p(2, R.FATHER)], Coverage.NO_RELATIVE),
        ([p(1, R.MOTHER, askable=False)], Coverage.NO_RELATIVE),  # withdrew or refused: not asked again
        ([], Coverage.NO_RELATIVE),
    ],
)
def test_coverage(people, expected):
    assert pedigree.coverage(people) == expected


def test_after_a_priority_3_sample_nobody_more_is_asked_after_a_priority_5_only_higher():
    assert pedigree.best_next([p(1, R.SIBLING_SAME_MOTHER, sampled=True), p(2, R.MOTHER)]) is None
    people = [p(1, R.MOTHERS_SISTERS_CHILD, sampled=True), p(2, R.SISTERS_CHILD), p(3, R.MOTHERS_SIBLING)]
    assert pedigree.best_next(people).key == 3
    assert pedigree.best_next(people[:2]) is None


def test_kind_words_use_the_sex():
    assert pedigree.kind_words(p(1, R.SIBLING_SAME_MOTHER, sex="Nữ")) == "chị/em gái cùng mẹ"
    assert pedigree.kind_words(p(1, R.MOTHERS_SIBLING, sex="Nam")).startswith("cậu")


def test_tree_places_generations_top_down_and_draws_missing_mother():
    people = [
        p(1, R.MATERNAL_GRANDMOTHER, alive=False),
        p(2, R.SIBLING_SAME_MOTHER),
        p(3, R.SISTERS_CHILD),
        p(4, R.MOTHERS_SIBLING),
        p(5, R.MOTHERS_SISTERS_CHILD),
        p(6, R.FATHER),
    ]
    t = pedigree.tree(people, "Nguyễn Văn A")
    by_key = {n.person.key: n for n in t.nodes if n.person}
    assert 6 not in by_key  # the father is not on the maternal tree
    assert by_key[1].y < by_key[4].y < by_key[5].y
    assert by_key[2].y < by_key[3].y
    assert by_key[4].x > by_key[2].x  # the aunts' branch stands to the right of the martyr's siblings
    missing = [n for n in t.nodes if n.css == "missing"]
    assert [n.title for n in missing] == ["Mẹ"]
    assert all(n.x >= 0 and n.x + pedigree.BOX_W <= t.width for n in t.nodes)
    assert len(t.edges) == 6
