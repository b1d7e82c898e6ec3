"""Vocabularies shared by the registry and the tips (a relative's tie to the martyr)."""

from django.db import models


class Relationship(models.TextChoices):
    """A relative's tie to the martyr; the maternal line comes first because bones keep mitochondrial DNA."""

    NONE = "", "—"
    MOTHER = "mother", "Mẹ"
    MATERNAL_GRANDMOTHER = "maternal_grandmother", "Bà ngoại"
    SIBLING_SAME_MOTHER = "sibling_same_mother", "Anh/chị/em cùng mẹ"
    MOTHERS_SIBLING = "mothers_sibling", "Anh/chị/em của mẹ (cùng bà ngoại)"
    MOTHERS_SISTERS_CHILD = "mothers_sisters_child", "Con của chị/em gái của mẹ"
    SISTERS_CHILD = "sisters_child", "Con của chị/em gái liệt sĩ"
    FATHER = "father", "Cha"
    SIBLING_OTHER = "sibling_other", "Anh/chị/em khác mẹ"
    SPOUSE = "spouse", "Vợ/chồng"
    CHILD = "child", "Con"
    OTHER = "other", "Họ hàng khác"


# Priority order for DNA reference samples (domain notes: 1 mother … 6 children of the martyr's sisters).
MATERNAL_LINE = (
    Relationship.MOTHER,
    Relationship.MATERNAL_GRANDMOTHER,
    Relationship.SIBLING_SAME_MOTHER,
    Relationship.MOTHERS_SIBLING,
    Relationship.MOTHERS_SISTERS_CHILD,
    Relationship.SISTERS_CHILD,
)

# The same order in plain words, for the public form, the receipt and the staff pages (one source: the order above).
MATERNAL_LINE_PLAIN = {
    Relationship.MOTHER: "mẹ của liệt sĩ",
    Relationship.MATERNAL_GRANDMOTHER: "bà ngoại của liệt sĩ (mẹ của mẹ)",
    Relationship.SIBLING_SAME_MOTHER: "anh, chị, em ruột cùng mẹ với liệt sĩ",
    Relationship.MOTHERS_SIBLING: "anh, chị, em ruột của mẹ liệt sĩ (cậu, dì, bác)",
    Relationship.MOTHERS_SISTERS_CHILD: "con của chị, em gái của mẹ liệt sĩ (con của dì, bác gái)",
    Relationship.SISTERS_CHILD: "con của chị, em gái liệt sĩ",
}
# Why someone outside the maternal line cannot give the sample that matches, in plain words.
NOT_MATERNAL_REASON = {
    Relationship.FATHER: "Cha không truyền loại ADN này cho con.",
    Relationship.SIBLING_OTHER: "Anh, chị, em khác mẹ mang ADN dòng mẹ của người mẹ khác.",
    Relationship.SPOUSE: "Vợ hoặc chồng không cùng huyết thống với liệt sĩ.",
    Relationship.CHILD: "Con nhận loại ADN này từ mẹ mình, không nhận từ cha (liệt sĩ).",
    Relationship.OTHER: "Họ hàng khác thường không cùng dòng mẹ với liệt sĩ.",
}
DNA_WHY = (
    "Hài cốt lâu năm thường chỉ còn giữ được loại ADN truyền từ mẹ sang con (ADN dòng mẹ), "
    "nên cần mẫu của người cùng dòng mẹ với liệt sĩ."
)


def maternal_line_order_text() -> str:
    """'1. mẹ của liệt sĩ; 2. …' in the priority order of MATERNAL_LINE."""
    return "; ".join(f"{n}. {MATERNAL_LINE_PLAIN[r]}" for n, r in enumerate(MATERNAL_LINE, start=1))


def dna_guidance(relationship: str) -> dict | None:
    """What to tell a relative about giving a DNA reference sample, by their tie to the martyr: whether they are
    on the maternal line (and their place in the order) or, if not, why and whom the family should ask instead.
    None when no relationship is chosen."""
    if not relationship or relationship not in Relationship.values:
        return None
    if relationship in MATERNAL_LINE:
        rank = MATERNAL_LINE.index(relationship) + 1
        return {
            "maternal": True,
            "text": (
                f"Bạn cùng dòng mẹ với liệt sĩ (thứ tự ưu tiên {rank}/{len(MATERNAL_LINE)}): mẫu ADN của bạn "
                "dùng được để đối chiếu."
            ),
        }
    return {
        "maternal": False,
        "text": (
            f"Bạn không thuộc dòng mẹ của liệt sĩ. {NOT_MATERNAL_REASON[relationship]} {DNA_WHY} "
            f"Gia đình nên hỏi những người sau, theo thứ tự ưu tiên: {maternal_line_order_text()}. "
            "Đăng ký của bạn vẫn được ghi nhận; cán bộ sẽ liên hệ để cùng gia đình tìm người phù hợp."
        ),
    }
