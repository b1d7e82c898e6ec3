"""The registry of indicators: ``@indicator`` registers a function; ``compute``/``figures`` check access and call it.
See the package docstring for the interface."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from doantu.cache import Generation

from .periods import Period

log = logging.getLogger(__name__)

# The plan's V.4 asks the ward to follow: information received, cases verified, participation of organisations and
# individuals, effectiveness of communication; the campaign adds DNA, the task table and false information.
SECTIONS: dict[str, tuple[int, str]] = {
    "tips": (10, "Tiếp nhận thông tin"),
    "verification": (20, "Xác minh"),
    "participation": (30, "Sự tham gia của tổ chức, cá nhân"),
    "comms": (40, "Hiệu quả truyền thông"),
    "dna": (50, "Lấy mẫu ADN"),
    "registry": (60, "Hồ sơ liệt sĩ, mộ"),
    "plan": (70, "Tiến độ nhiệm vụ"),
    "watch": (80, "Thông tin sai sự thật"),
}

Number = int | float | None


@dataclass
class Row:
    key: str  # stable: a choice value, a unit's id, a week key — what the drill-down filters on
    label: str
    values: list[Number]


@dataclass
class Breakdown:
    """A table behind a figure: ``dimension`` heads the label column, ``columns`` head the value columns."""

    dimension: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    totals: bool = True  # whether a "Tổng" row means something (not for medians, rates...)

    def total(self, column: int = 0) -> Number:
        values = [r.values[column] for r in self.rows if r.values[column] is not None]
        return sum(values) if values else 0

    def get(self, key: str, column: int = 0) -> Number:
        for row in self.rows:
            if row.key == key:
                return row.values[column]
        return None

    def headers(self) -> list[str]:
        return [self.dimension, *self.columns]

    def table(self, *, with_total: bool | None = None) -> list[list[Any]]:
        """Rows as lists ([label, v1, v2...]), with a "Tổng cộng" row when totals mean something."""
        rows = [[r.label, *r.values] for r in self.rows]
        if self.totals if with_total is None else with_total:
            rows.append(["Tổng cộng", *(self.total(c) for c in range(len(self.columns)))])
        return rows

    def as_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "columns": list(self.columns),
            "rows": [{"key": r.key, "label": r.label, "values": list(r.values)} for r in self.rows],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Breakdown:
        return cls(
            data["dimension"],
            list(data["columns"]),
            [Row(str(r["key"]), r["label"], list(r["values"])) for r in data["rows"]],
        )


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    unit: str  # the unit of measure ("tin", "người", "giờ", "%")
    section: str
    order: int
    fn: Callable[[Any, Period], Any]
    roles: frozenset[str] | None = None  # None: everyone who may see the unit's figures
    drill: Callable[[Any, Period, str | None], str | None] | None = None
    description: str = ""
    province: bool = True  # meaningful for a province (summed over its wards)

    @property
    def section_label(self) -> str:
        return SECTIONS.get(self.section, (999, self.section))[1]

    @property
    def sort_key(self) -> tuple:
        return (SECTIONS.get(self.section, (999, ""))[0], self.order, self.name)


_REGISTRY: dict[str, Indicator] = {}
_PER_WARD: dict[str, tuple[Callable[[Any, Period], dict], Any]] = {}
_discovered = False


def indicator(
    name: str,
    *,
    label: str,
    unit: str = "",
    section: str = "tips",
    order: int = 100,
    roles: Iterable[str] | None = None,
    drill: Callable | None = None,
    description: str = "",
    province: bool = True,
):
    """Register ``fn(unit, period)`` as indicator ``name`` ("<app>.<what>")."""
    if "." not in name:
        raise ValueError(f"indicator names are '<app>.<what>': {name!r}")

    def register(fn):
        existing = _REGISTRY.get(name)
        if existing is not None and (existing.fn.__module__, existing.fn.__qualname__) != (
            fn.__module__,
            fn.__qualname__,
        ):
            raise ValueError(f"indicator {name!r} is already registered by {existing.fn.__module__}")
        _REGISTRY[name] = Indicator(
            name=name,
            label=label,
            unit=unit,
            section=section,
            order=order,
            fn=fn,
            roles=frozenset(roles) if roles is not None else None,
            drill=drill,
            description=description or (fn.__doc__ or "").strip(),
            province=province,
        )
        return fn

    return register


def per_ward(name: str, *, default: Any = 0):
    """Register ``fn(province, period) -> {ward id: value}``: indicator ``name`` for every ward of a province in
    one grouped query, as DHIS2 reads its analytics per organisation unit, instead of one call per ward (the
    province view). Each value must equal the indicator's own function for that ward (tests/reports/
    test_rollup_scale.py checks every registered one); wards missing from the dict get ``default``."""

    def register(fn):
        _PER_WARD[name] = (fn, default)
        return fn

    return register


def autodiscover() -> None:
    """Import ``<app>.indicators`` of every installed app (once)."""
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("indicators")
    _discovered = True


def all_indicators() -> list[Indicator]:
    autodiscover()
    return sorted(_REGISTRY.values(), key=lambda i: i.sort_key)


def get(name: str) -> Indicator:
    autodiscover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"Không có chỉ số “{name}”.") from None


class _System:
    """The viewer of shell commands (``campaign_report``) and of verified province imports: sees every figure of
    every unit, never a list."""

    is_authenticated = True
    is_active = True
    is_admin = False
    role = "system"
    pk = None
    unit_id = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def within(unit, field: str = "ward") -> Q:
    """Rows of ``unit``: its own ward (``field`` = unit) or, for a province, every ward under it (by the unit path)."""
    from doantu.org.models import UnitKind

    if unit.kind == UnitKind.WARD:
        return Q(**{field: unit})
    return Q(**{f"{field}__path__startswith": unit.path + "/"})


def visible_indicators(viewer, unit) -> list[Indicator]:
    from . import access

    if not access.can_view_unit(viewer, unit):
        return []
    return [i for i in all_indicators() if access.can_view_indicator(viewer, unit, i)]


def compute(name: str, *, viewer, unit, period: Period):
    """The value of indicator ``name`` for ``unit`` and ``period``; PermissionDenied if ``viewer`` may not see it."""
    from . import access

    ind = get(name)
    access.check(viewer, unit, ind)
    with sharing():
        return _values([ind], unit, period)[name]


_SHARED: ContextVar[dict | None] = ContextVar("indicators_shared", default=None)


def shared(key: Hashable, compute: Callable[[], Any]) -> Any:
    """A value several indicators of one call read (a unit's DNA coverage, the plan's check-ins owed): computed
    once per ``figures`` call and thrown away at its end; outside one, computed every time. Nothing outlives the
    call, so nothing needs invalidating."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@contextmanager
def sharing():
    """A scope for ``shared`` values (``figures`` opens one; the province view opens one around all its
    indicators). Nested scopes use the outermost one."""
    if _SHARED.get() is not None:
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


# Figures are kept in the cache per app, unit and period until anything they count is written, and at most this
# long (seconds): a ceiling for writes that send no signal (a queryset ``update``, ``bulk_create``, the QR visit
# counters) and for figures that move with the clock (check-ins overdue). "Anything they count": an indicator
# "<app>.<what>" counts the models of <app> (connected in ``apps.py`` to ``forget_app``: a new tip renews the tip
# figures and leaves the comms, DNA, plan and watch figures cached), and the units of ``org``, which label and
# select every figure (connected to ``forget``: all figures go). Services that write in bulk call ``forget``
# themselves. The same pattern as the inbox's counts (``tips.selectors.tip_counts``): generations in the cache,
# renewed on each write, are part of every key — one for all figures and one per app.
FIGURES_CACHE_SECONDS = 300
_GENERATION = Generation("indicators:generation")
_APP_GENERATIONS: dict[str, Generation] = {}


def _app_generation(app: str) -> Generation:
    if app not in _APP_GENERATIONS:
        _APP_GENERATIONS[app] = Generation(f"indicators:generation:{app}")
    return _APP_GENERATIONS[app]


def app_of(name: str) -> str:
    """The app whose writes renew indicator ``name``'s cached value: the part of "<app>.<what>" before the dot."""
    return name.split(".", 1)[0]


def forget(app: str | None = None, **kwargs) -> None:
    """Something the figures count was written: figures cached before are not used again (now, and once the
    transaction commits, so a figure read meanwhile from the old data is not kept either). All of them, or with
    ``app`` only those of the indicators "<app>.*". A signal receiver (for the units: all figures)."""
    (_GENERATION if app is None else _app_generation(app)).renew()


def forget_app(sender, **kwargs) -> None:
    """A signal receiver: a model of ``sender``'s app was written, the figures of that app's indicators go."""
    forget(sender._meta.app_label)


def _cache_key(generation: str, scope: str, unit_pk, period: Period) -> str:
    return f"indicators:{generation}:{scope}:{unit_pk}:{period.kind}:{period.start}:{period.end}"


def _cached(scope: str, unit_pk, period: Period, names: list[str], compute: Callable[[str], Any]) -> dict:
    """``{name: compute(name)}`` for ``names``, kept in ONE cache entry per scope, unit and period (one read for
    the generations, one for the entry, and one write when something was missing: a database cache commits each
    write, so one entry per app would cost a commit per app). In the entry each app's values carry the app's
    generation and the time they were computed: values of another generation, or older than
    FIGURES_CACHE_SECONDS (the entry's own expiry moves with every write, by any app), are computed again. The
    generations are read first, so values computed while a write lands carry the old generation and are not
    used again."""
    by_app: dict[str, list[str]] = {}
    for name in names:
        by_app.setdefault(app_of(name), []).append(name)
    if not by_app:
        return {}
    apps = list(by_app)
    first, *tokens = Generation.current_many([_GENERATION, *(_app_generation(a) for a in apps)])
    key = _cache_key(first, scope, unit_pk, period)
    entry = cache.get(key) or {}  # {app: (generation, computed at, {name: value})}
    now, out, changed = _now(), {}, False
    for app, token in zip(apps, tokens, strict=True):
        stored, at, values = entry.get(app, (None, 0.0, {}))
        if stored != token or now - at > FIGURES_CACHE_SECONDS:
            values, at = {}, now
        missing = [name for name in by_app[app] if name not in values]
        if missing:
            values = {**values, **{name: compute(name) for name in missing}}
            entry[app], changed = (token, at, values), True
        out.update((name, values[name]) for name in by_app[app])
    if changed:
        cache.set(key, entry, FIGURES_CACHE_SECONDS)
    return {name: out[name] for name in names}


def _now() -> float:
    return time.time()


def _values(chosen: list[Indicator], unit, period: Period) -> dict[str, Any]:
    by_name = {ind.name: ind for ind in chosen}
    return _cached("unit", unit.pk, period, list(by_name), lambda name: by_name[name].fn(unit, period))


def figures(*, viewer, unit, period: Period, names: Iterable[str] | None = None) -> dict[str, Any]:
    """``{name: value}`` of the indicators ``viewer`` may see (all of them, or those in ``names`` — asking for one
    the viewer may not see raises PermissionDenied)."""
    from . import access

    if names is None:
        chosen = visible_indicators(viewer, unit)
        if not chosen and not access.can_view_unit(viewer, unit):
            raise PermissionDenied("Bạn không có quyền xem số liệu của đơn vị này.")
    else:
        chosen = [get(n) for n in names]
        for ind in chosen:
            access.check(viewer, unit, ind)
    with sharing():
        return _values(chosen, unit, period)


def ward_values(name: str, *, viewer, province, wards, period: Period) -> dict[Any, Any]:
    """``{ward id: value}`` of indicator ``name`` for ``wards`` (of ``province``): one grouped query where the
    indicator has a ``per_ward`` function, else its function ward by ward. PermissionDenied if ``viewer`` may
    not see the figure for the province or for one of the wards."""
    return ward_values_many([name], viewer=viewer, province=province, wards=wards, period=period)[name]


def ward_values_many(names: Iterable[str], *, viewer, province, wards, period: Period) -> dict[str, dict]:
    """``{name: {ward id: value}}``: ``ward_values`` of several indicators, the grouped ones kept in one cache
    entry for the province and period (the province view reads them all at once)."""
    from . import access

    chosen = [get(name) for name in names]
    for ind in chosen:
        access.check(viewer, province, ind)
    for ward in wards:
        if not ward.path.startswith(province.path + "/"):
            raise PermissionDenied("Phường không thuộc tỉnh này.")
    if not wards:
        return {ind.name: {} for ind in chosen}
    out = {}
    grouped = [ind.name for ind in chosen if ind.name in _PER_WARD]
    with sharing():
        values = _cached(
            "per-ward", province.pk, period, grouped, lambda n: _PER_WARD[n][0](province, period)
        )
        for name in grouped:
            default = _PER_WARD[name][1]
            out[name] = {w.pk: values[name].get(w.pk, default) for w in wards}
        others = [ind for ind in chosen if ind.name not in _PER_WARD]
        if others:
            per_ward = {w.pk: _values(others, w, period) for w in wards}
            for ind in others:
                out[ind.name] = {pk: v[ind.name] for pk, v in per_ward.items()}
    return {ind.name: out[ind.name] for ind in chosen}


def drill_url(name: str, *, viewer, unit, period: Period, key: str | None = None) -> str | None:
    """The list a figure (or one row of its table) counts, for a viewer who may open lists; None otherwise
    (leadership and the province see figures only)."""
    from . import access

    ind = get(name)
    if ind.drill is None or not access.can_drill(viewer, unit, ind):
        return None
    return ind.drill(unit, period, key)
