"""Indicators: every figure of the plan (section V.4: information received, cases verified, participation of
organisations and individuals, effectiveness of communication, ...) as ONE function per indicator, per unit (a ward
or a province) and period. The dashboard, the reports, the public campaign page and the province roll-up all read
figures from here; none counts on its own, so "the report says what the dashboard says" holds by construction.

Writing an indicator (in ``doantu/<app>/indicators.py``, found automatically when Django starts)::

    from doantu.indicators import Breakdown, Row, indicator, within

    @indicator("tips.received", label="Tin đã tiếp nhận", unit="tin", section="tips", order=10,
               drill=lambda unit, period, key: "/staff/tips/?date_from=...")
    def received(unit, period):                # unit: OrgUnit (ward or province); period: Period
        return Tip.objects.filter(within(unit), created_at__range=period.range()).count()

    @indicator("tips.received_by_kind", label="Tin theo loại", unit="tin", section="tips")
    def received_by_kind(unit, period) -> Breakdown:
        return Breakdown("Loại thông tin", ["Số tin"], [Row("grave", "Mộ, nơi chôn cất", [3]), ...])

- A function returns a number (int/float, or None when it cannot be computed: "chưa có số liệu") or a ``Breakdown``
  (a table: a label column, value columns, rows with a stable ``key`` used for drill-down).
- ``section`` is one of ``SECTIONS`` (tips, verification, participation, comms, dna, plan, watch, registry); ``order``
  sorts within it. ``roles`` (optional) narrows who may see the indicator (default: everyone who may see the unit's
  figures, see ``indicators.access``); ``drill(unit, period, key)`` returns the URL of the list the figure counts
  (key None = the whole figure), or None where there is none.
- Functions are pure reads and never check access themselves: callers go through ``compute``/``figures``, which check
  (``indicators.access``) before calling. Leadership and the province get figures only (``drill_url`` gives them None).

Reading figures::

    from doantu import indicators
    period = indicators.Period.parse("2026-11")             # month; "2026-W45", "2026-Q4", "2026",
                                                             # "2026-11-01..2026-11-30"; Period.phase(...)
    indicators.compute("tips.received", viewer=request.user, unit=ward, period=period)   # PermissionDenied if not
    indicators.figures(viewer=user, unit=ward, period=period)  # {name: value} of every indicator the viewer may see
    indicators.drill_url("tips.received_by_kind", viewer=user, unit=ward, period=period, key="grave")
    indicators.all_indicators(); indicators.get("tips.received")          # the registry (label, unit, section...)
    indicators.SYSTEM                                         # the viewer for shell commands and signed imports

Speed: ``@per_ward(name)`` adds a grouped form of an indicator for the province view (``ward_values``: every ward
in one query); ``shared(key, fn)`` lets several indicators of one ``figures`` call share a costly value.

``within(unit, field="ward")`` is the Q filter "belongs to this ward / to a ward of this province".
"""

from .periods import Period, PeriodError, parse_period, phase_period  # noqa: F401
from .registry import (  # noqa: F401
    FIGURES_CACHE_SECONDS,
    SECTIONS,
    SYSTEM,
    Breakdown,
    Indicator,
    Row,
    all_indicators,
    autodiscover,
    compute,
    drill_url,
    figures,
    forget,
    get,
    indicator,
    per_ward,
    shared,
    sharing,
    visible_indicators,
    ward_values,
    ward_values_many,
    within,
)
