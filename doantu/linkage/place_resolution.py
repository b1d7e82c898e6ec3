"""Resolving a home place: the text is scanned into parts (commune, district, province), each part found
through ``place_lookup``, and the result built with its explanation in Vietnamese (``Resolution``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .gazetteer import (
    _EMPTY,
    HistoricalProvince,
    Resolution,
    _disp,
    _parse_part,
    _Part,
)
from .place_lookup import _RANK, _Lookup, _Province, _State


class _Resolver(_Lookup):
    """A home place written in any era → the units it may mean (``gazetteer.resolve``)."""

    # ---- main ----------------------------------------------------------------------------------------------------
    def resolve(self, norm: str) -> Resolution:
        accented = not norm.isascii()
        parts = [_parse_part(p, accented) for p in norm.split(", ")] if norm else []
        res = self._resolve_parts(norm, parts)
        # A text written without commas ("Hoang Xa Thanh Thuy Vinh Phu"): cut it by looking for a province at its end.
        long_unread = [u for u in res.unresolved if len(u.split()) >= 3]
        if parts and (res.level == "none" or (long_unread and len(parts) <= 2)):
            for scanned in self._scan(" ".join(p.whole for p in parts), accented):
                res2 = self._resolve_parts(norm, scanned)
                if (_RANK[res2.level], -len(res2.unresolved)) > (_RANK[res.level], -len(res.unresolved)):
                    res = res2
        return res

    def _scan(self, text: str, accented: bool) -> Iterator[list[_Part]]:
        """Ways to cut a comma-less text into [commune], [district], province: every province suffix, each with
        every district suffix that names a district there. The caller keeps the cut that resolves furthest."""
        words = text.split()
        for n in range(min(5, len(words) - 1), 0, -1):
            prov_part = _parse_part(" ".join(words[-n:]), accented)
            if prov_part.whole_keys is not None and prov_part.level is None:
                continue  # "quan ninh bình": a weak type word glued to a province name
            prov = self.read_province(prov_part)
            if prov is None:
                continue
            rest = words[:-n]
            found_district = False
            for m in range(min(7, len(rest)), 0, -1):
                cand = _parse_part(" ".join(rest[-m:]), accented)
                if cand.whole_keys is not None and cand.level not in ("district", "city"):
                    # "xa thanh thuy", "tổ hoàn kiếm", "quan cẩm xuyên": a type word that is not a district's may
                    # only count as part of a name ("Lang Son" = Lạng Sơn), never be stripped here
                    cand = _Part(cand.whole, cand.whole, None, None, None, cand.whole_keys, None)
                if self._find_district(cand, prov):
                    found_district = True
                    head = rest[:-m]
                    yield ([_parse_part(" ".join(head), accented)] if head else []) + [cand, prov_part]
            if not found_district and rest:
                yield [_parse_part(" ".join(rest), accented), prov_part]

    def _resolve_parts(self, norm: str, parts: list[_Part]) -> Resolution:
        parts = list(parts)
        st = _State()

        # 1. province: the right-most part, when it names one
        if parts:
            st.prov = self.read_province(parts[-1])
            if st.prov is not None:
                parts.pop()
            elif parts[-1].level == "province":
                st.unresolved.append(parts.pop())
        prov = st.prov
        if prov is not None and not parts and prov.implied:
            st.dist_codes = sorted(prov.implied)  # "Vĩnh Linh" (đặc khu) is today's district

        # 2. district, then commune/ward, right to left
        while parts:
            part = parts.pop()
            if part.level == "province":
                # a second province-level part: read it as a plain name ("Tinh Nhuệ")
                part = _Part(part.whole, part.whole, None, None, None, part.whole_keys, None)
            may_be_district = (
                not st.dist_codes and st.dist_part is None and part.level in (None, "district", "city", "sub")
            )
            if may_be_district:
                found = self._find_district(part, prov, broad=part.level is not None)
                # "Bạch Thông, Thái Nguyên": an old district under the 2025 province name is a less specific reading
                # than the 2025 commune of that name; take it unless a 2024 commune of that name exists
                if (
                    not found
                    and part.level is None
                    and prov is not None
                    and prov.broad
                    and not self.wards24(part, provinces=prov.strict)
                ):
                    found = self._find_district(part, prov, broad=True)
                if found:
                    st.dist_codes, st.dist_part = found, part
                    continue
                if part.level in ("district", "city"):  # "huyện X" not known: a former district, most likely
                    st.dist_part = part
                    st.unresolved.append(part)
                    continue
            h24, h25, how = self._find_ward(part, prov, st.dist_codes)
            if how.startswith(("too-many", "elsewhere-many")):
                st.how = how
            if h24 or h25:
                st.ward_part, st.h24, st.h25, st.how = part, h24, h25, how
                break
            st.unresolved.append(part)
            if part.level == "sub" or (part.level is None and may_be_district and parts):
                if part.level is None:
                    st.dist_part = (
                        part  # an unknown name right of the commune: a former district, most likely
                    )
                continue
            st.ward_part = part
            break
        return self._build(norm, st)

    # ---- assemble ------------------------------------------------------------------------------------------------
    def _build(self, norm: str, st: _State) -> Resolution:
        d = self.d
        prov = st.prov
        ds = set(st.dist_codes)
        ward24: set[str] = set(st.h24)
        ward25: set[str] = set()
        for c in st.h24:
            ward25.update(d.w24_to_w25[c])
        island: set[str] = set()
        for c in st.h25:
            ward25.add(c)
            srcs = d.w25_sources.get(c, set())
            near = {s for s in srcs if d.w24[s][0] in ds}
            ward24.update(near or srcs)  # with a district given, only the predecessors that lay in it
            island.update(d.w25_source_districts.get(c, set()))

        district24: set[str] = set()
        province24: set[str] = set()
        if ward24 or ward25:
            level = "ward"
            district24 = {d.w24[c][0] for c in ward24} | island
            if st.how in ("elsewhere", "elsewhere-alias", "w25-elsewhere"):
                district24 |= ds  # found outside the district as written: keep that district too
            province24 = {d.d24[c][0] for c in district24}
        elif ds:
            level = "district"
            district24 = ds
            province24 = {d.d24[c][0] for c in ds}
            for c in ds:
                ward25.update(d.d24_to_w25.get(c, ()))  # island districts without communes -> their đặc khu
        elif prov is not None:
            level = "province"
            province24 = set(prov.strict)
        else:
            level = "none"
        province25 = {d.p24_to_p25[p] for p in province24} | {d.w25[c][0] for c in ward25}
        unresolved = tuple(p.label() for p in st.unresolved)
        too_many = st.how.startswith("too-many")
        if level == "none":
            notes = [f"Không tìm thấy «{u}» trong dữ liệu 2024/2025" for u in unresolved]
            if too_many and st.unresolved:
                notes[-1] = (
                    f"«{st.unresolved[-1].label()}» là tên của {st.how.split(':')[1]} xã/phường trên cả "
                    "nước — cần thêm tên tỉnh hoặc huyện"
                )
            return Resolution(
                norm,
                _EMPTY,
                _EMPTY,
                _EMPTY,
                _EMPTY,
                _EMPTY,
                "none",
                notes=tuple(notes),
                unresolved=unresolved,
                flags=frozenset({"ambiguous"} if too_many else ()),
            )

        # ---- display
        used_partial = {p for p in province24 if p not in prov.strict} if prov is not None else set()
        shown_rows = [r for r in prov.rows if self._row_matters(r, prov, used_partial)] if prov else []
        ward_label = self._ward_label(st) if st.ward_part is not None else None
        dist_label = None
        if st.dist_part is not None:
            if st.dist_codes and st.dist_part not in st.unresolved:
                dist_label = self._label(st.dist_part, [(d.d24[c][3], d.d24[c][2]) for c in st.dist_codes])
            else:
                dist_label = st.dist_part.label() + " (?)"
        echo = [x for x in (ward_label, dist_label) if x]
        if prov is not None:
            echo.append(self._province_label(prov, shown_rows))
        notes: list[str] = []
        for r in shown_rows:
            note = f"{r.label} → " + " + ".join(d.p24[c][1] for c in r.successors_2024)
            part_names = sorted({d.p24[p][1] for p in used_partial if any(p == q for q, _ in r.partial_2024)})
            if part_names:
                note += f" (và một phần nay thuộc {', '.join(part_names)})"
            notes.append(note)
        h24, h25, how = st.h24, st.h25, st.how
        if level == "ward":
            if how in ("elsewhere", "elsewhere-alias") and dist_label:
                where = "; ".join(sorted({self._d24_disp(d.w24[c][0]) for c in h24}))
                notes.append(f"Theo dữ liệu 2024, {ward_label} không thuộc {dist_label} mà thuộc {where}")
            if how in ("alias", "elsewhere-alias"):
                notes.append(f"«{ward_label}» là tên cũ (đã sáp nhập), nay là {self._w24_list(h24)}")
            if len(h24) > 1:
                notes.append(
                    f"Có {len(h24)} xã/phường cùng tên, giữ tất cả: {self._w24_list(h24, chain=True)}"
                )
            if h25 and not h24:
                if len(h25) > 1:
                    notes.append(f"Có {len(h25)} xã/phường (2025) cùng tên, giữ tất cả")
                if ward24:
                    notes.append("Trước 7/2025 gồm: " + self._w24_list(sorted(ward24), chain=True))
            elif len(h24) == 1:
                notes.append("Trước 7/2025: " + self._w24_chain(h24[0]))
                if len(ward25) > 1:
                    notes.append(f"Xã/phường này được chia cho {len(ward25)} đơn vị năm 2025, giữ tất cả")
            elif h25:
                notes.append("Cũng có thể là tên xã/phường mới (2025)")
            if how == "nationwide":
                notes.append("Không có tên tỉnh/huyện: tìm theo tên xã trên cả nước")
        elif level == "district":
            if len(ds) > 1:
                same_name = len({d.d24[c][2] for c in ds}) == 1
                notes.append(
                    (
                        f"Có {len(ds)} huyện/quận cùng tên"
                        if same_name
                        else f"«{dist_label}» ứng với {len(ds)} huyện/quận"
                    )
                    + ", giữ tất cả: "
                    + "; ".join(f"{self._d24_disp(c)}, {self._p24_disp(d.d24[c][0])}" for c in sorted(ds))
                )
            elif prov is None or prov.p24 != province24:
                notes.append(
                    "Trước 7/2025: "
                    + "; ".join(f"{self._d24_disp(c)}, {self._p24_disp(d.d24[c][0])}" for c in sorted(ds))
                )
        elif level == "province" and len(province24) > 1 and not shown_rows:
            notes.append("Trước 7/2025: " + " + ".join(d.p24[c][1] for c in sorted(province24)))
        if st.how.startswith("elsewhere-many") and st.ward_part is not None and dist_label:
            n = st.how.split(":")[1]
            notes.append(
                f"{st.ward_part.label()} không thuộc {dist_label} theo dữ liệu 2024; tỉnh có {n} xã/phường "
                "cùng tên ở huyện khác — không chọn"
            )
        for u in st.unresolved:
            finer = {
                "ward": "",
                "district": " — chỉ xác định đến cấp huyện",
                "province": " — chỉ xác định đến cấp tỉnh",
            }
            notes.append(
                f"Không tìm thấy «{u.label()}» trong dữ liệu 2024/2025 (có thể là tên cũ){finer[level]}"
            )

        flags = set()
        if shown_rows or (prov is not None and prov.rows and province24 - prov.p24):
            flags.add("historical_province")
        if level == "ward":
            if how in ("elsewhere", "elsewhere-alias", "w25-elsewhere"):
                flags.add("ward_outside_district")
            if how in ("alias", "elsewhere-alias"):
                flags.add("ward_old_name")
            if h25 and not h24:
                flags.add("ward_2025_name")
            if how == "nationwide":
                flags.add("nationwide")
            if len(ward25) > 1 and len(h24) == 1:
                flags.add("split_2025")
        n_at_level = {"ward": len(ward25), "district": len(district24), "province": len(province25)}[level]
        if n_at_level > 1 and "split_2025" not in flags:
            flags.add("ambiguous")
        if st.unresolved:
            flags.add("partly_unresolved")

        return Resolution(
            text=norm,
            province_2025=frozenset(province25),
            province_2024=frozenset(province24),
            district_2024=frozenset(district24),
            ward_2024=frozenset(ward24),
            ward_2025=frozenset(ward25),
            level=level,
            historical=tuple(shown_rows) if prov is not None else (),
            echo=tuple(echo),
            notes=tuple(notes),
            unresolved=unresolved,
            flags=frozenset(flags),
            _target=self._target(level, ward25, province25),
        )

    @staticmethod
    def _row_matters(row: HistoricalProvince, prov: _Province, used_partial: set[str]) -> bool:
        """A row named like a current province ("Lai Châu", "Vĩnh Phúc") is worth showing only when it adds."""
        if not set(row.successors_2024) <= prov.p24:
            return True
        return bool(used_partial & {p for p, _ in row.partial_2024})

    # ---- labels --------------------------------------------------------------------------------------------------
    def _p24_disp(self, c: str) -> str:
        v = self.d.p24[c]
        return _disp(v[2], v[1])

    def _d24_disp(self, c: str) -> str:
        v = self.d.d24[c]
        return _disp(v[3], v[2])

    def _label(self, part: _Part, units: list[tuple[str, str]]) -> str:
        """Echo of a part: the canonical name with the type as written (or as in the data when not written)."""
        shorts = list(dict.fromkeys(s for _, s in units))
        types = list(dict.fromkeys(t for t, _ in units))
        if len(shorts) != 1:
            return part.label()
        written = part.prefix if part.level != "sub" else None  # "Buôn Ma Thuột" is a name, not a buôn
        utype = written or (types[0] if len(types) == 1 else "")
        return _disp(utype, shorts[0])

    def _ward_label(self, st: _State) -> str:
        d = self.d
        if st.how in ("alias", "elsewhere-alias") or (not st.h24 and not st.h25):
            return st.ward_part.label() + ("" if st.h24 or st.h25 else " (?)")
        if st.h24:
            return self._label(st.ward_part, [(d.w24[c][3], d.w24[c][2]) for c in st.h24])
        return self._label(st.ward_part, [(d.w25[c][3], d.w25[c][2]) for c in st.h25])

    def _province_label(self, prov: _Province, shown_rows: list[HistoricalProvince]) -> str:
        d = self.d
        if prov.rows and (shown_rows or not prov.p24):
            r = (shown_rows or prov.rows)[0]
            written = prov.part.prefix if prov.part.level in ("province", "city") else None
            return _disp(written or r.kind, r.name)
        c = sorted(prov.p24)[0]
        v = d.p24[c]
        written = (
            prov.part.prefix
            if prov.part.level in ("province", "city") and prov.part.prefix != "thủ đô"
            else None
        )
        return _disp(written or v[2], v[1])

    def _w24_chain(self, c: str) -> str:
        d = self.d
        w = d.w24[c]
        return f"{_disp(w[3], w[2])}, {self._d24_disp(w[0])}, {self._p24_disp(d.d24[w[0]][0])}"

    def _w24_list(self, codes: Iterable[str], chain: bool = False, limit: int = 6) -> str:
        codes = list(codes)
        w24 = self.d.w24
        shown = [self._w24_chain(c) if chain else _disp(w24[c][3], w24[c][2]) for c in codes[:limit]]
        more = f"; … ({len(codes)} đơn vị)" if len(codes) > limit else ""
        return "; ".join(shown) + more

    def _target(self, level: str, ward25: set[str], province25: set[str]) -> str:
        d = self.d
        if level == "ward" and ward25:
            by_prov: dict[str, list[str]] = {}
            for c in sorted(ward25):
                by_prov.setdefault(d.w25[c][0], []).append(_disp(d.w25[c][3], d.w25[c][2]))
            chunks = []
            for pc, names in by_prov.items():
                shown = " hoặc ".join(names[:6]) + (
                    f" hoặc … ({len(names)} đơn vị)" if len(names) > 6 else ""
                )
                chunks.append(f"{shown}, {_disp(d.p25[pc][2], d.p25[pc][1])}")
            return "; hoặc ".join(chunks) + " (2025)"
        provs = " hoặc ".join(_disp(d.p25[c][2], d.p25[c][1]) for c in sorted(province25))
        if level == "district":
            return f"nay thuộc {provs} (2025, không còn cấp huyện)"
        return f"{provs} (2025)"
