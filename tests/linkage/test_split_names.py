"""Which pieces of a name field are people (linkage.people.split_names): names with a known surname; titles
before a name dropped; a note after a name ("- liệt sĩ", "hy sinh ở …") is no person (issue 13)."""

import pytest

from doantu.linkage.people import split_names, split_people
from doantu.linkage.records import Record


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Hoàng Đình Lục - liệt sĩ", ["Hoàng Đình Lục - liệt sĩ"]),
        ("Nguyễn Văn A, hy sinh ở Cam Lộ", ["Nguyễn Văn A, hy sinh ở Cam Lộ"]),
        ("Nguyễn Văn A, quê Cam Lộ, Trần Văn B", ["Nguyễn Văn A", "Trần Văn B"]),
        ("liệt sĩ Nguyễn Văn A, đ/c Trần Văn B và LS. Hà Văn C", ["Nguyễn Văn A", "Trần Văn B", "Hà Văn C"]),
        ("Nguyen Van A va Tran Van B", ["Nguyen Van A", "Tran Van B"]),
        ("Văn Tâm Huỳnh & Lý Văn Tư", ["Văn Tâm Huỳnh", "Lý Văn Tư"]),  # given first is a person too
        ("Quế Văn Lợi và Tài Văn Lê", ["Quế Văn Lợi", "Tài Văn Lê"]),  # Quế, Tài are names, not "quê", "tại"
        ("Hai Hùng, Ba Tâm", ["Hai Hùng, Ba Tâm"]),  # no surname: not split on a guess
    ],
)
def test_split_names(text, names):
    assert split_names(text) == names


def test_each_person_keeps_the_shared_details():
    record = Record(id="t", full_name="Nguyễn Văn A và Trần Văn B", unit="c3 d1", death_date="3/1972")
    people = split_people(record)
    assert [(p.id, p.full_name, p.unit, p.death_date) for p in people] == [
        ("t#1", "Nguyễn Văn A", "c3 d1", "3/1972"),
        ("t#2", "Trần Văn B", "c3 d1", "3/1972"),
    ]
