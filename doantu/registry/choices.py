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
