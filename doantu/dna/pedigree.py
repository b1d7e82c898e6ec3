"""Who to ask for a DNA reference sample: rules over relationship KINDS, never over rows.

Bones usually keep only mitochondrial DNA, which every child receives from its mother (domain notes, "DNA
donors"). Each kind of relationship is described by where it sits on the martyr's maternal line; its priority is
its place in ``registry.choices.MATERNAL_LINE`` (1 mother … 6 children of the martyr's sisters: the domain
notes' order, the one source). A relative of any other kind does not carry the martyr's maternal DNA.

Plain Python over plain values (``Person``), so the rules are tested alone and the pages, API, exports and
coverage figures all use the same ones.
"""

from dataclasses import dataclass, field

from doantu.registry.choices import MATERNAL_LINE, MATERNAL_LINE_PLAIN, NOT_MATERNAL_REASON, Relationship

# Where each maternal-line kind sits in the family tree: the generation relative to the martyr (−2 the
# grandmother, −1 the mother's generation, 0 the martyr's, +1 the next) and the branch it hangs from.
# "mother": the mother's own line; "aunts": the mother's siblings' branch; "siblings": the martyr's siblings.
PLACE = {
    Relationship.MATERNAL_GRANDMOTHER: (-2, "root"),
    Relationship.MOTHER: (-1, "mother"),
    Relationship.MOTHERS_SIBLING: (-1, "aunts"),
    Relationship.SIBLING_SAME_MOTHER: (0, "siblings"),
    Relationship.MOTHERS_SISTERS_CHILD: (0, "aunts"),
    Relationship.SISTERS_CHILD: (1, "siblings"),
}
# The kinds the plan's priority order puts first (issue 11, "covered: a priority 1–3 donor sampled").
COVERING_PRIORITY = 3


@dataclass(frozen=True)
class KindRule:
    kind: str
    maternal: bool
    priority: int | None
    generation: int | None
    branch: str | None
    plain: str
    why_not: str


def rule(kind: str) -> KindRule:
    """The rule for one relationship kind (every ``Relationship`` value has one)."""
    if kind in MATERNAL_LINE:
        generation, branch = PLACE[kind]
        return KindRule(
            kind, True, MATERNAL_LINE.index(kind) + 1, generation, branch, MATERNAL_LINE_PLAIN[kind], ""
        )
    return KindRule(
        kind, False, None, None, None, Relationship(kind).label, NOT_MATERNAL_REASON.get(kind, "")
    )


RULES = {kind: rule(kind) for kind in Relationship.values}


@dataclass
class Person:
    """One relative as the rules see them: the kind, whether alive (None: not known), whether they may still
    be asked (not withdrawn or refused), whether a sample exists, and what the page shows of them."""

    key: int
    kind: str
    alive: bool | None = None
    askable: bool = True
    sampled: bool = False
    offered: bool = False
    sex: str = ""
    group: str = ""
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def rule(self) -> KindRule:
        return RULES.get(self.kind) or rule(Relationship.OTHER)

    @property
    def priority(self) -> int | None:
        return self.rule.priority


def kind_words(person: Person) -> str:
    """ "em gái cùng mẹ", "bà ngoại"… in the words staff use, from the kind and the sex when known."""
    female = person.sex.strip().lower() in ("nữ", "nu", "f", "female")
    male = person.sex.strip().lower() in ("nam", "m", "male")
    words = {
        Relationship.SIBLING_SAME_MOTHER: "chị/em gái cùng mẹ"
        if female
        else "anh/em trai cùng mẹ"
        if male
        else "anh/chị/em cùng mẹ",
        Relationship.MOTHERS_SIBLING: "dì, bác gái (chị/em của mẹ)"
        if female
        else "cậu, bác trai (anh/em của mẹ)"
        if male
        else "anh/chị/em của mẹ",
    }
    return words.get(person.kind) or Relationship(person.kind).label.lower()


def ordered(people: list[Person]) -> list[Person]:
    """Maternal line first, in priority order; the living before the unknown before the dead; then the rest."""

    def key(p: Person):
        alive_rank = {True: 0, None: 1, False: 2}[p.alive]
        return (p.priority or 99, alive_rank, p.key)

    return sorted(people, key=key)


def candidates(people: list[Person]) -> list[Person]:
    """Maternal-line relatives who may be asked: not known to be dead, not withdrawn or refused."""
    return [p for p in ordered(people) if p.rule.maternal and p.alive is not False and p.askable]


def best_next(people: list[Person]) -> Person | None:
    """The relative to ask next: the highest-priority living (then not-known-dead) maternal relative who has not
    given a sample, unless a sample of priority ``COVERING_PRIORITY`` or better already exists (then nobody)."""
    sampled = [p.priority for p in people if p.sampled and p.priority]
    best_sampled = min(sampled) if sampled else None
    if best_sampled is not None and best_sampled <= COVERING_PRIORITY:
        return None
    for p in candidates(people):
        if p.sampled:
            continue
        if best_sampled is not None and p.priority >= best_sampled:
            continue
        return p
    return None


def higher_priority_living(person: Person, people: list[Person]) -> list[Person]:
    """For an offer from ``person``: the living maternal relatives ranked above them, still to be asked (the
    flag on a lower-priority offer). Nothing for a relative off the maternal line: everyone on it ranks above."""
    mine = person.priority or 99
    return [
        p
        for p in candidates(people)
        if p.key != person.key and p.alive is True and (p.priority or 99) < mine and not p.sampled
    ]


class Coverage:
    COVERED = "covered"
    PARTLY = "partly"
    NOT_COVERED = "not_covered"
    NO_RELATIVE = "no_relative"

    LABELS = {
        COVERED: "Đã có mẫu (ưu tiên 1–3)",
        PARTLY: "Có mẫu ưu tiên thấp (4–6)",
        NOT_COVERED: "Chưa có mẫu",
        NO_RELATIVE: "Chưa biết người thân dòng mẹ còn sống để hỏi",
    }
    ORDER = (COVERED, PARTLY, NOT_COVERED, NO_RELATIVE)


def coverage(people: list[Person]) -> str:
    """Covered: a priority 1–3 donor sampled; partly: only a lower priority sampled; not covered: a living
    maternal relative known, no sample; no relative: no maternal relative known to be alive (issue 11) — or only
    ones who refused or withdrew, who are not asked again."""
    priorities = [p.priority for p in people if p.sampled and p.priority]
    if priorities and min(priorities) <= COVERING_PRIORITY:
        return Coverage.COVERED
    if priorities:
        return Coverage.PARTLY
    if any(p.rule.maternal and p.alive is True and p.askable for p in people):
        return Coverage.NOT_COVERED
    return Coverage.NO_RELATIVE


# ------------------------------------------------------------------------------------------ the drawing

# a box holds the kind, the name (after a reveal) and three lines: priority and alive, the step, where they live
BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 190, 84, 16, 30, 10


@dataclass
class Node:
    x: int
    y: int
    title: str
    lines: list[str]
    css: str
    person: Person | None = None


@dataclass
class Tree:
    width: int
    height: int
    nodes: list[Node]
    edges: list[tuple[int, int, int, int]]
    box_w: int = BOX_W
    box_h: int = BOX_H
    text_w: int = BOX_W - 16


def tree(people: list[Person], martyr_name: str) -> Tree:
    """A small family tree of the maternal line, laid out by the rules' generation and branch: the grandmother
    on top; the mother and her siblings; the martyr, his siblings and the cousins by the mother's sisters; the
    children of his sisters. A missing mother or grandmother is drawn as an empty box, so the line stays
    readable."""
    maternal = [p for p in ordered(people) if p.rule.maternal]
    rows: dict[tuple[int, str], list[Person]] = {}
    for p in maternal:
        rows.setdefault((p.rule.generation, p.rule.branch), []).append(p)

    def box(p: Person | None, title: str, placeholder: str = "") -> tuple[str, list[str], str]:
        if p is None:
            return title, [placeholder or "chưa ghi nhận"], "missing"
        alive = {True: "còn sống", False: "đã mất", None: "chưa rõ còn sống"}[p.alive]
        lines = [f"ưu tiên {p.priority} · {alive}"]
        if p.extra.get("step_label"):
            lines.append(p.extra["step_label"])
        if p.group:
            lines.append(p.group)
        css = (
            "dead" if p.alive is False else "sampled" if p.sampled else "best" if p.extra.get("best") else ""
        )
        if not p.askable:
            css = "off"
        return p.label or kind_words(p), lines, css

    # columns: left block = the mother's line (mother, martyr, siblings, sisters' children);
    # right block = the aunts' branch (mother's siblings above their sisters' children).
    left_top = rows.get((-1, "mother"), [])
    siblings = rows.get((0, "siblings"), [])
    nephews = rows.get((1, "siblings"), [])
    aunts = rows.get((-1, "aunts"), [])
    cousins = rows.get((0, "aunts"), [])
    left_cols = max(1 + len(siblings), 1 + len(nephews))
    right_cols = max(len(aunts), len(cousins))
    cols = left_cols + right_cols
    step_x, step_y = BOX_W + GAP_X, BOX_H + GAP_Y
    width = PAD * 2 + max(cols, 1) * step_x - GAP_X
    height = PAD * 2 + 4 * step_y - GAP_Y
    nodes: list[Node] = []
    edges: list[tuple[int, int, int, int]] = []

    def place(col: int, gen: int, title, lines, css, person=None) -> Node:
        node = Node(PAD + col * step_x, PAD + (gen + 2) * step_y, title, lines, css, person)
        nodes.append(node)
        return node

    def link(a: Node, b: Node) -> None:
        edges.append((a.x + BOX_W // 2, a.y + BOX_H, b.x + BOX_W // 2, b.y))

    grandmothers = rows.get((-2, "root"), [])
    gm = grandmothers[0] if grandmothers else None
    gm_node = place(0, -2, *box(gm, "Bà ngoại"), person=gm)
    mother = left_top[0] if left_top else None
    mother_node = place(0, -1, *box(mother, "Mẹ"), person=mother)
    link(gm_node, mother_node)
    martyr_node = place(0, 0, "Liệt sĩ", [martyr_name, "cần xác định hài cốt"], "martyr")
    link(mother_node, martyr_node)
    for i, p in enumerate(siblings, start=1):
        link(mother_node, place(i, 0, *box(p, ""), person=p))
    sister_nodes = [n for n in nodes if n.person in siblings]
    for i, p in enumerate(nephews, start=1 if siblings else 0):
        node = place(i, 1, *box(p, ""), person=p)
        parent = sister_nodes[0] if sister_nodes else martyr_node
        link(parent, node)
    aunt_nodes = []
    for i, p in enumerate(aunts):
        node = place(left_cols + i, -1, *box(p, ""), person=p)
        link(gm_node, node)
        aunt_nodes.append(node)
    for i, p in enumerate(cousins):
        node = place(left_cols + i, 0, *box(p, ""), person=p)
        if aunt_nodes:
            link(aunt_nodes[0], node)
        else:
            link(gm_node, node)
    return Tree(width, height, nodes, edges)
