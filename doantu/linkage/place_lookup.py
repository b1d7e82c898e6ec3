"""Finding a place's units in the gazetteer's tables: provinces of any era, districts, communes of 2024 and
2025 (by name, alias or compact spelling). The first half of the resolver (``place_resolution``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .gazetteer import (
    _MAX_NATIONWIDE_WARDS,
    HistoricalProvince,
    _Data,
    _Part,
)

# ---------------------------------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Province:
    p24: set[str]  # names read as 2024 provinces
    rows: list[HistoricalProvince]
    strict: set[str]  # p24 ∪ main successors of the historical rows
    partial: dict[str, set[str] | None]  # province -> districts (None = whole province) held in part
    broad: set[str]  # 2024 provinces inside the 2025 province of that name
    p25_reading: set[str]  # 2025 provinces the name may denote
    implied: set[str]
    part: _Part


@dataclass(slots=True)
class _State:
    prov: _Province | None = None
    dist_codes: list[str] = field(default_factory=list)
    dist_part: _Part | None = None
    ward_part: _Part | None = None
    h24: list[str] = field(default_factory=list)
    h25: list[str] = field(default_factory=list)
    how: str = ""  # which tier found the commune: name | alias | w25 | elsewhere | elsewhere-alias | ...
    unresolved: list[_Part] = field(default_factory=list)


_RANK = {"none": 0, "province": 1, "district": 2, "ward": 3}
_DIRECTIONS = ("nam", "bac", "dong", "tay", "thuong", "ha")


class _Lookup:
    """Look-ups of the units a piece of text may name, within the units already read."""

    def __init__(self, d: _Data) -> None:
        self.d = d

    # ---- helpers -------------------------------------------------------------------------------------------------
    def _type_filter(self, codes: list[str], table: dict, type_idx: int, utype: str | None) -> list[str]:
        if not utype or len(codes) < 2:
            return codes
        same = [c for c in codes if table[c][type_idx] == utype]
        return same or codes

    def read_province(self, part: _Part) -> _Province | None:
        d = self.d
        if part.level in (None, "province", "city"):
            hits = d.prov.lookup(part)
        elif part.whole_keys is not None:  # "TT Huế": 'TT' is Thừa Thiên here, not thị trấn
            hits = d.prov.lookup(_Part(part.whole, part.whole, None, None, None, part.whole_keys, None))
        else:
            return None
        if not hits:
            return None
        p24 = {c for k, c in hits if k == "p"}
        rows = [d.historical[i] for k, i in hits if k == "h"]
        if part.utype == "Thành phố" and any(d.p24[c][2] == "Thành phố" for c in p24):
            rows = [r for r in rows if r.kind != "tỉnh"]  # "thành phố Cần Thơ" is not the old tỉnh Cần Thơ
        strict = set(p24)
        partial: dict[str, set[str] | None] = {}
        implied: set[str] = set()
        for r in rows:
            strict.update(r.successors_2024)
            for pc, ds in r.partial_2024:
                if not ds:
                    partial[pc] = None
                elif partial.get(pc, set()) is not None:
                    partial.setdefault(pc, set()).update(ds)
            implied.update(r.implies_districts)
        p25_reading = {d.p24_as_p25[c] for c in p24 if c in d.p24_as_p25}
        broad = set().union(*(d.p25_p24[c] for c in p25_reading)) if p25_reading else set()
        return _Province(p24, rows, strict, partial, broad - strict, p25_reading, implied, part)

    def districts(self, part: _Part, provinces: set[str] | None, only: dict | None = None) -> list[str]:
        d = self.d
        if provinces is not None and not provinces:
            return []
        if only is not None:

            def accept(c: str) -> bool:
                pc = d.d24[c][0]
                return pc in only and (only[pc] is None or c in only[pc])
        elif provinces is not None:

            def accept(c: str) -> bool:
                return d.d24[c][0] in provinces
        else:
            accept = None
        hits = d.dist.lookup(part, accept)
        return self._type_filter(hits, d.d24, 3, part.utype)

    def wards24(self, part: _Part, districts=None, provinces=None, alias=False, only=None) -> list[str]:
        d = self.d
        if only is not None:

            def accept(c: str) -> bool:
                pc = d.w24_province[c]
                return pc in only and (only[pc] is None or d.w24[c][0] in only[pc])
        elif districts is not None:

            def accept(c: str) -> bool:
                return d.w24[c][0] in districts
        elif provinces is not None:

            def accept(c: str) -> bool:
                return d.w24_province[c] in provinces
        else:
            accept = None
        hits = (d.ward24_alias if alias else d.ward24).lookup(part, accept)
        return self._type_filter(hits, d.w24, 3, part.utype)

    def wards25(
        self, part: _Part, p25: set[str] | None, source_districts: set[str] | None = None
    ) -> list[str]:
        d = self.d
        if p25 is not None and not p25:
            return []

        def accept(c: str) -> bool:
            if p25 is not None and d.w25[c][0] not in p25:
                return False
            if source_districts is not None:
                return any(d.w24[s][0] in source_districts for s in d.w25_sources.get(c, ())) or bool(
                    d.w25_source_districts.get(c, set()) & source_districts
                )
            return True

        hits = d.ward25.lookup(part, accept)
        return self._type_filter(hits, d.w25, 3, part.utype)

    def _find_district(self, part: _Part, prov: _Province | None, broad: bool = True) -> list[str]:
        if prov is None:
            if part.text.isdigit() and part.level is None:
                return []  # "3" alone is not Quận 3
            return self.districts(part, None)
        hits = self.districts(part, prov.strict)
        if not hits and prov.partial:
            hits = self.districts(part, None, only=prov.partial)
        if not hits and broad and prov.broad:
            hits = self.districts(part, prov.broad)
        if not hits and part.level in (None, "district"):
            hits = self._split_district(part, prov.strict | (prov.broad if broad else set()))
        return hits

    def _split_district(self, part: _Part, provinces: set[str]) -> list[str]:
        """A district since split in halves named by a direction (Mỏ Cày → Mỏ Cày Nam + Mỏ Cày Bắc, Từ Liêm → Bắc
        Từ Liêm + Nam Từ Liêm): all the halves, within the province only."""
        d = self.d
        fold = part.keys[1]
        if not fold or fold.isdigit():
            return []
        index = d.dist.tiers[1]
        hits: list[str] = []
        for direction in _DIRECTIONS:
            for key in (f"{fold} {direction}", f"{direction} {fold}"):
                hits.extend(c for c in index.get(key, ()) if d.d24[c][0] in provinces and c not in hits)
        return hits if len(hits) >= 2 else []

    def _find_ward(
        self, part: _Part, prov: _Province | None, dist: list[str]
    ) -> tuple[list[str], list[str], str]:
        """(2024 hits, 2025 hits, how). Tiers stop at the first that finds something."""
        d = self.d
        if dist:
            ds = set(dist)
            provs = {d.d24[c][0] for c in ds}
            p25 = {d.p24_to_p25[p] for p in provs}
            if h := self.wards24(part, districts=ds):
                return h, [], "name"
            if h := self.wards24(part, districts=ds, alias=True):
                return h, [], "alias"
            if h := self.wards25(part, p25, source_districts=ds):
                return [], h, "w25"
            if prov is None:
                return [], [], ""  # a district found by name alone: do not roam its province for the commune
            # Not in the district as written: communes often moved when districts were split or towns grew
            # (xã Huyền Tụng, huyện Bạch Thông → phường Huyền Tụng, thành phố Bắc Kạn). Taken only when the name is
            # unique in the province: two same-named communes elsewhere would be a guess.
            for alias, how in ((False, "elsewhere"), (True, "elsewhere-alias")):
                if h := self.wards24(part, provinces=provs, alias=alias):
                    return (h, [], how) if len(h) == 1 else ([], [], f"elsewhere-many:{len(h)}")
            if h := self.wards25(part, p25):
                return ([], h, "w25-elsewhere") if len(h) == 1 else ([], [], f"elsewhere-many:{len(h)}")
            # a commune that changed province with part of a district (xã Yên Trung, huyện Lương Sơn, Hòa Bình or
            # Hà Sơn Bình → huyện Thạch Thất, Hà Nội): the other provinces the province text may mean
            others = prov.strict - provs
            if others and (h := self.wards24(part, provinces=others)):
                return (h, [], "elsewhere") if len(h) == 1 else ([], [], f"elsewhere-many:{len(h)}")
            if prov.partial and (h := self.wards24(part, only=prov.partial)):
                return (h, [], "elsewhere") if len(h) == 1 else ([], [], f"elsewhere-many:{len(h)}")
            return [], [], ""
        if prov is not None:
            # a 2024 commune of the province(s) and/or a 2025 commune of the 2025 province of that name: keep both
            h24 = self.wards24(part, provinces=prov.strict)
            h25 = self.wards25(part, prov.p25_reading) if prov.p25_reading else []
            if h24 or h25:
                return h24, h25, "name" if h24 else "w25"
            if h := self.wards24(part, provinces=prov.strict, alias=True):
                return h, [], "alias"
            if prov.partial and (h := self.wards24(part, only=prov.partial)):
                return h, [], "name"
            if prov.broad and (h := self.wards24(part, provinces=prov.broad)):
                return h, [], "name"
            if h := self.wards25(part, {d.p24_to_p25[c] for c in prov.strict}):
                return [], h, "w25"
            return [], [], ""
        # nowhere to anchor: the whole country, only when the name is rare enough to mean something
        if part.text.isdigit() and part.level is None:
            return [], [], ""  # a bare number says nothing without its province
        h24 = self.wards24(part)
        if h24 and len(h24) <= _MAX_NATIONWIDE_WARDS:
            return h24, [], "nationwide"
        h25 = self.wards25(part, None)
        if not h24 and h25 and len(h25) <= _MAX_NATIONWIDE_WARDS:
            return [], h25, "nationwide"
        if h24 or h25:
            return [], [], f"too-many:{max(len(h24), len(h25))}"
        return [], [], ""
