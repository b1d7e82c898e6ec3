"""One scored pair in words: ``explain_pair`` turns a pair's levels and weights into ``Evidence`` items in
Vietnamese, strongest first (what staff read next to every candidate)."""

from __future__ import annotations

import math

from .frequency import FrequencyModel
from .gazetteer import province_2025_of_2024, province_name_2024, province_name_2025
from .places import explanation_of
from .ranks import RANK_NAMES
from .scoring_base import (
    LEVEL_NAMES,
    NAME_COUNT_CAP_LEVEL,
    Comparison,
    Evidence,
)
from .table import FeatureTable
from .units import unit_keys


def _name_obj(t: FeatureTable, row: int, col: str = "name"):
    i = int(t[col][row])
    return t.lex.name_objs[i] if i >= 0 else None


def _title(canon_or_fold: str) -> str:
    from .normalize import TONE_DIGIT

    out = []
    marks = {v: k for k, v in TONE_DIGIT.items()}
    for w in canon_or_fold.split():
        tone = marks.get(w[-1]) if w[-1:].isdigit() else None
        base = w[:-1] if tone else w
        if tone:
            from .normalize import _place_tone

            base = _place_tone(list(base), w[-1])
        out.append(base[:1].upper() + base[1:])
    return " ".join(out)


def _disp_name(n) -> str:
    if n is None:
        return ""
    return _title(" ".join(n.tokens_canon)) if n.marked else _title(n.folded)


def _pct(count: int, total: int) -> str:
    if total <= 0:
        return ""
    share = count / total
    if share >= 0.01:
        return f"{share:.0%} hồ sơ"
    return f"{count}/{total:,} hồ sơ".replace(",", ".")


def _date_str(y: int, m: int, d: int) -> str:
    if d:
        return f"{d:02d}/{m:02d}/{y}"
    if m:
        return f"{m:02d}/{y}"
    return str(y)


def _province_names(codes: frozenset[str]) -> str:
    return " + ".join(sorted(province_name_2025(c) for c in codes))


def _where(pa, pb) -> str:
    """Short place note for a home-place item: the record's province as written, and today's if different
    ("Bắc Thái (1965–1996) → Thái Nguyên + Bắc Kạn", "Nam Định → Ninh Bình (2025)")."""
    explanation = explanation_of(pb)
    if len(pb.province_2024) > 1 or (explanation and "(19" in explanation):
        parts = explanation.split(". ")
        hist = next((x for x in parts[1:] if "→" in x), "")
        if hist and len(hist) < 90:
            return f" ({hist.rstrip('.')})"
    common24 = (pa.province_2024 & pb.province_2024) or pb.province_2024
    old = " + ".join(sorted(province_name_2024(c) for c in common24))
    new = _province_names(frozenset(province_2025_of_2024(c) for c in common24))
    if not old:
        return ""
    return f" ({old})" if old == new else f" ({old} → {new} (2025))"


def explain_pair(
    cmp: Comparison, k: int, qt: FeatureTable, rt: FeatureTable, freq: FrequencyModel
) -> list[Evidence]:
    qa, rb = int(cmp.qi[k]), int(cmp.ri[k])
    out: list[Evidence] = []
    lex = qt.lex

    def add(fieldname: str, text: str) -> None:
        code = int(cmp.levels[fieldname][k])
        w = float(cmp.weights[fieldname][k])
        out.append(Evidence(fieldname, LEVEL_NAMES[fieldname].get(code, "missing"), round(w, 2), text))

    na, nb = _name_obj(qt, qa), _name_obj(rt, rb)
    n_code = int(cmp.levels["name"][k])
    if n_code == NAME_COUNT_CAP_LEVEL:  # the parts are shown below; this item takes part of their weight back
        listed = _pct(freq.count("fullname", nb.spaceless), freq.total) if nb is not None else ""
        add(
            "name",
            f"Họ tên {_disp_name(nb)} có ở {listed} của sổ: không tính là hiếm hơn thế, vì người trùng họ tên"
            " có thể không có trong sổ",
        )
    if 0 < n_code < NAME_COUNT_CAP_LEVEL:
        al = _name_obj(rt, rb, "alias")
        texts = {
            1: f"Họ tên trùng khi bỏ qua dấu cách ({_disp_name(na)} = {_disp_name(nb)})",
            2: f"Họ tên gần giống, lệch một ký tự ({_disp_name(na)} ~ {_disp_name(nb)})",
            3: f"Tên gọi trùng bí danh ({_disp_name(al) or _disp_name(na)})",
            4: f"Tên gọi gần giống bí danh ({_disp_name(na)} ~ {_disp_name(al)})",
        }
        add("name", texts[n_code])
    elif na is not None and nb is not None:
        s = int(cmp.levels["surname"][k])
        if s:
            sa, sb = (
                _title(na.surname_canon if na.marked else na.surname),
                _title(nb.surname_canon if nb.marked else nb.surname),
            )
            add(
                "surname",
                {
                    1: f"Họ trùng: {sb}",
                    2: f"Họ {sa}/{sb} là một họ",
                    3: f"Họ gần giống ({sa} ~ {sb})",
                    4: f"Họ khác ({sa} ≠ {sb})",
                    5: f"Họ khác dấu ({sa} ≠ {sb})",
                    6: f"Họ viết tắt ({sa} / {sb})",
                    7: "Gọi theo thứ bậc trong nhà, không ghi họ",
                    8: f"Họ mất dấu ({sa} / {sb}), có thể do đọc bản in",
                }[s],
            )
        g = int(cmp.levels["given"][k])
        if g:
            ga = _title(na.given_canon if na.marked else na.given)
            gb = _title(nb.given_canon if nb.marked else nb.given)
            texts = {
                1: f"Tên trùng: {gb}",
                2: f"Tên trùng khi bỏ dấu: {gb}",
                3: f"Tên khác dấu ({ga} ≠ {gb})",
                4: f"Tên gần giống ({ga} ~ {gb})",
                5: f"Tên hơi giống ({ga} ~ {gb})",
                6: f"Tên khác ({ga} ≠ {gb})",
                7: f"Hai tên phổ biến khác nhau ({ga} ≠ {gb})",
                8: f"Tên mất dấu ({ga} / {gb}), có thể do đọc bản in",
            }
            text = texts[g]
            if g in (1, 2) and freq.total:
                text += f" ({_pct(freq.count('given', nb.given), freq.total)})"
            add("given", text)
        m = int(cmp.levels["middle"][k])
        if m:
            ma = _title(na.middle_canon if na.marked else na.middle)
            mb = _title(nb.middle_canon if nb.marked else nb.middle)
            add(
                "middle",
                {
                    1: f"Tên đệm trùng: {mb}",
                    2: f"Tên đệm trùng một phần ({ma} / {mb})",
                    3: f"Tên đệm gần giống ({ma} ~ {mb})",
                    4: f"Tên đệm khác ({ma} ≠ {mb})",
                }[m],
            )
        elif na.middle == "" and nb.middle:
            out.append(Evidence("middle", "missing", 0.0, "Thiếu tên đệm"))
    b = int(cmp.levels["birth"][k])
    if b:
        ya, yb = int(qt["by"][qa]), int(rt["by"][rb])
        add(
            "birth",
            {
                1: f"Ngày sinh trùng ({_date_str(yb, int(rt['bm'][rb]), int(rt['bd'][rb]))})",
                2: f"Năm sinh trùng ({yb})",
                3: f"Năm sinh lệch 1 năm ({ya}/{yb})",
                4: f"Năm sinh lệch 2 năm ({ya}/{yb})",
                5: f"Năm sinh lệch 3 năm ({ya}/{yb})",
                6: f"Năm sinh khác ({ya}/{yb})",
                7: f"Năm sinh cách xa ({ya}/{yb}), không phải do viết sai một chữ số",
            }[b],
        )
    h = int(cmp.levels["home"][k])
    if h:
        pb = lex.place_objs[int(rt["home"][rb])]
        pa = lex.place_objs[int(qt["home"][qa])]
        where = _where(pa, pb) if h != 9 else ""
        add(
            "home",
            {
                1: f"Quê quán cùng xã{where}",
                2: f"Quê quán cùng xã/phường (2025){where}",
                3: f"Quê quán khác xã cũ nhưng cùng xã/phường 2025{where}",
                4: f"Quê quán cùng huyện{where}",
                5: f"Quê quán cùng huyện, khác xã{where}",
                6: f"Quê quán cùng tỉnh{where}",
                7: f"Quê quán cùng tỉnh, khác huyện{where}",
                8: f"Quê quán cùng tỉnh theo địa giới 2025{where}",
                9: "Quê quán khác tỉnh",
            }[h],
        )
    u = int(cmp.levels["unit"][k])
    if u:
        ua = lex.unit_objs[int(qt["unit"][qa])].notation()
        unit_b = lex.unit_objs[int(rt["unit"][rb])]
        ub = unit_b.notation()
        shared = ""
        key = unit_keys(unit_b).get(u)
        if key is not None:
            n = freq.count("unit", key)
            if n > 1:  # a common unit weighs less (measured share): say how many records carry it
                shared = f"; {n:,} hồ sơ cùng đơn vị".replace(",", ".")
        add(
            "unit",
            {
                1: f"Cùng hòm thư ({ub}{shared})",
                2: f"Cùng đơn vị đến đại đội ({ub}{shared})",
                3: f"Cùng đơn vị đến tiểu đoàn ({ub}{shared})",
                4: f"Cùng trung đoàn ({ub}{shared})",
                5: f"Cùng sư đoàn ({ub}{shared})",
                6: f"Cùng trung đoàn, khác đại đội/tiểu đoàn ({ua} / {ub})",
                7: f"Hòm thư khác ({ua} / {ub})",
                8: f"Cùng sư đoàn, khác đơn vị cấp dưới ({ua} / {ub})",
                9: f"Đơn vị khác ({ua} / {ub})",
            }[u],
        )
    d = int(cmp.levels["death_date"][k])
    if d:
        da = _date_str(int(qt["dy"][qa]), int(qt["dm"][qa]), int(qt["dd"][qa]))
        db = _date_str(int(rt["dy"][rb]), int(rt["dm"][rb]), int(rt["dd"][rb]))
        add(
            "death_date",
            {
                1: f"Cùng ngày hy sinh ({db})",
                2: f"Ngày hy sinh lệch vài ngày ({da} / {db})",
                3: f"Cùng tháng hy sinh ({db})",
                4: f"Tháng hy sinh lệch 1 tháng ({da} / {db})",
                5: f"Cùng năm hy sinh ({db})",
                6: f"Cùng năm nhưng khác tháng hy sinh ({da} / {db})",
                7: f"Năm hy sinh lệch 1 năm ({da} / {db})",
                8: f"Thời gian hy sinh khác ({da} / {db})",
            }[d],
        )
    p = int(cmp.levels["death_place"][k])
    if p:
        add(
            "death_place",
            {1: "Cùng nơi hy sinh", 2: "Nơi hy sinh khớp nơi an táng", 3: "Nơi hy sinh khác"}[p],
        )
    bl = int(cmp.levels["burial"][k])
    if bl:
        add("burial", {1: "Cùng nơi an táng", 3: "Nơi an táng khác"}[bl])
    e = int(cmp.levels["enlistment"][k])
    if e:
        add(
            "enlistment",
            {
                1: "Cùng tháng nhập ngũ",
                2: "Cùng năm nhập ngũ",
                3: "Năm nhập ngũ lệch 1 năm",
                4: "Năm nhập ngũ khác",
            }[e],
        )
    r = int(cmp.levels["rank"][k])
    if r:
        ra, rb_ = (
            RANK_NAMES.get(int(qt["rank"][qa]), ("", ""))[1],
            RANK_NAMES.get(int(rt["rank"][rb]), ("", ""))[1],
        )
        add(
            "rank",
            {
                1: f"Cùng cấp bậc ({rb_})",
                2: f"Cấp bậc liền kề ({ra} / {rb_})",
                3: f"Cấp bậc khác ({ra} / {rb_})",
            }[r],
        )
    po = int(cmp.levels["position"][k])
    if po:
        add("position", {1: "Cùng chức vụ", 2: "Chức vụ khác"}[po])
    s = int(cmp.levels["sex"][k])
    if s == 2:
        add("sex", "Giới tính khác")
    c = int(cmp.levels["context"][k])
    if c:
        add(
            "context",
            {
                1: "Đồng đội cùng đơn vị, cùng ngày hy sinh: các trường khác ít phân biệt, giảm trọng số",
                2: "Đơn vị tuyển quân theo vùng: giảm trọng số trùng quê",
                3: "Đồng đội cùng đơn vị, cùng ngày hy sinh: các trường khác ít phân biệt, giảm trọng số",
            }[c],
        )
    out.sort(key=lambda ev: -abs(ev.weight))
    # the items above sum, with this one, to the score
    n = freq.prior_n()
    out.append(
        Evidence(
            "prior",
            "registry_size",
            round(-math.log2(n), 2),
            f"Sổ có {n:,} {freq.prior_noun}: khả năng ban đầu 1/{n:,}".replace(",", "."),
        )
    )
    return out
