"""Charts drawn on the server as inline SVG (no CDN, no script): a horizontal bar per row of a breakdown, each
bar a link to the list it counts when the viewer may open it. The table behind every chart is shown with it."""

from django.utils.html import format_html, format_html_join

BAR_H, GAP, LABEL_W, WIDTH, VALUE_W = 18, 6, 190, 560, 60


def bar_chart(rows: list[dict], *, title: str) -> str:
    """``rows``: [{"label", "value", "url"}]; values from column 0 of the breakdown."""
    values = [r["value"] or 0 for r in rows]
    top = max(values) if values and max(values) > 0 else 1
    span = WIDTH - LABEL_W - VALUE_W
    height = len(rows) * (BAR_H + GAP) + GAP

    def bar(i, r):
        y = GAP + i * (BAR_H + GAP)
        w = max(round(span * (r["value"] or 0) / top), 1 if r["value"] else 0)
        label = r["label"] if len(r["label"]) <= 30 else r["label"][:29] + "…"
        rect = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {}</title></rect>',
            LABEL_W,
            y,
            w,
            BAR_H,
            r["label"],
            r["value"] if r["value"] is not None else "—",
        )
        if r.get("url"):
            rect = format_html('<a href="{}">{}</a>', r["url"], rect)
        return format_html(
            '<text x="{}" y="{}" class="label" text-anchor="end">{}</text>{}'
            '<text x="{}" y="{}" class="value">{}</text>',
            LABEL_W - 6,
            y + BAR_H - 4,
            label,
            rect,
            LABEL_W + w + 4,
            y + BAR_H - 4,
            r["value"] if r["value"] is not None else "—",
        )

    body = format_html_join("", "{}", ((bar(i, r),) for i, r in enumerate(rows)))
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        title,
        WIDTH,
        height,
        body,
    )
