"""Server-rendered SVG bar charts for the evaluation page and its PDF report.

No script and no style attribute (the pages' Content-Security-Policy allows neither inline):
colours are SVG presentation attributes. Each chart is an `<svg role="img">` named by its
`<title>` and described by its `<desc>`, and each bar carries its value in a `<title>`; the page
puts the same numbers in a data table beside the chart.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .evaluation import Evaluation

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 44
# Colour-blind-safe pairs (Okabe-Ito blue and orange) with enough contrast on white.
COLOURS = ("#0072B2", "#D55E00", "#009E73")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | int | None]


def _fmt(value: Decimal | int | float, percent: bool) -> str:
    """A figure as the reader's language writes it (1,234.5 in English, 1.234,5 in Spanish;
    67% and 67 %)."""
    if percent:
        return percent_format(Decimal(value) * 100)
    return number_format(value, force_grouping=True)


def percent_format(value: Decimal | float) -> str:
    """A percentage, already multiplied by 100, to a whole number in the reader's language."""
    return pgettext("a percentage", "%(number)s%%") % {
        "number": number_format(round(Decimal(value)), force_grouping=True)
    }


def _n(value: float) -> str:
    """A coordinate, to a tenth (format_html escapes its arguments, so they arrive as text)."""
    return f"{value:.1f}"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    percent: bool = False,
) -> SafeString:
    """A grouped bar chart: one group of bars per label (a week), one bar per series. A missing
    value (None) draws no bar and reads "no data" in its title."""
    present = [float(v) for s in series for v in s.values if v is not None]
    top = 1.0 if percent else _nice_max(max(present, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(labels), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{}" role="img" '
            'viewBox="0 0 {} {}" width="{}" height="{}" aria-labelledby="{}-title {}-desc">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            chart_id,
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
            chart_id,
            title,
            chart_id,
            description,
        )
    ]
    # The axis: three grid lines with their values.
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c8c8c8" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#333">{}</text>',
                LEFT,
                _n(y),
                WIDTH - RIGHT,
                _n(y),
                LEFT - 4,
                _n(y + 4),
                percent_format(Decimal(top * fraction * 100))
                if percent
                else number_format(Decimal(f"{top * fraction:g}"), force_grouping=True),
            )
        )
    every = max(1, -(-len(labels) // 12))  # at most 12 week labels under the axis
    for i, label in enumerate(labels):
        x0 = LEFT + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            if value is None:
                shown = _("%(week)s, %(series)s: no data") % {"week": label, "series": s.name}
                parts.append(format_html("<g><title>{}</title></g>", shown))
                continue
            h = plot_h * min(float(value) / top, 1.0)
            parts.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"><title>{}</title></rect>',
                    _n(x0 + j * bar_w),
                    _n(TOP + plot_h - h),
                    _n(bar_w),
                    _n(h),
                    COLOURS[j % len(COLOURS)],
                    f"{label}, {s.name}: {_fmt(value, percent)}",
                )
            )
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#333">{}</text>',
                    _n(LEFT + (i + 0.5) * group_w),
                    HEIGHT - BOTTOM + 16,
                    label,
                )
            )
    if len(series) > 1:
        for j, s in enumerate(series):
            x = LEFT + j * 180
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                    '<text x="{}" y="{}" font-size="11" fill="#333">{}</text>',
                    x,
                    HEIGHT - 14,
                    COLOURS[j % len(COLOURS)],
                    x + 14,
                    HEIGHT - 5,
                    s.name,
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped above


@dataclass(frozen=True)
class Chart:
    chart_id: str
    heading: str
    svg: SafeString
    # The same numbers as text, for the table beside the chart: (headings, rows).
    headings: list[str]
    rows: list[list[str]]


def _table_value(value: object, percent: bool) -> str:
    if value is None:
        return "\u2014"
    return _fmt(value, percent)


def evaluation_charts(evaluation: Evaluation) -> list[Chart]:
    """The evaluation's charts, each with its data table. Check-in scores and school attendance
    appear once there is something to show; the group charts when the scope has a group."""
    weeks = evaluation.weeks
    labels = [w.week.start_date.strftime("%m-%d") for w in weeks]
    dates = [w.week.start_date.isoformat() for w in weeks]
    specs = [
        ("chart-matches", _("Matches active and at risk"),
         [(_("Matches active"), "matches_active"), (_("At risk"), "at_risk")], False),
        ("chart-messages", _("Messages per match"),
         [(_("Messages per match"), "messages_per_match")], False),
        ("chart-contact", _("Share of matches with contact"),
         [(_("Share with contact"), "contact_share")], True),
        ("chart-reply", _("Mentor reply time (hours)"),
         [(_("Median"), "response_median_hours"), (_("p90"), "response_p90_hours")], False),
        ("chart-meetings", _("Meetings held"), [(_("Meetings held"), "meetings_held")], False),
        ("chart-meeting-attendance", _("Attendance at meetings"),
         [(_("Meeting attendance"), "attendance_rate")], True),
        ("chart-checkins", _("Check-in score (1-5)"),
         [(_("Everyone"), "checkin_average"), (_("Mentors"), "checkin_mentor_average"),
          (_("Students"), "checkin_student_average")], False),
        ("chart-school-attendance", _("School attendance of matched students"),
         [(_("School attendance"), "school_attendance_rate")], True),
        ("chart-groups", _("Groups: sessions held and check-ins answered"),
         [(_("Group sessions held"), "group_sessions_held"),
          (_("Group check-ins answered"), "group_checkin_responses")], False),
        ("chart-group-attendance", _("Attendance at group sessions"),
         [(_("Group attendance"), "group_attendance_rate")], True),
    ]  # fmt: skip
    optional = {"chart-checkins", "chart-school-attendance"}
    # Shown for a scope with a group, even in weeks without a session (a zero is a figure).
    for_groups = {"chart-groups", "chart-group-attendance"}
    charts = []
    for chart_id, heading, columns, percent in specs:
        series = [Series(str(name), [getattr(w, key) for w in weeks]) for name, key in columns]
        if chart_id in optional and all(v is None for s in series for v in s.values):
            continue
        if chart_id in for_groups and not evaluation.groups:
            continue
        description = _("%(what)s per week of %(scope)s, weeks starting on Monday (%(zone)s).") % {
            "what": heading,
            "scope": evaluation.title,
            "zone": evaluation.timezone,
        }
        charts.append(
            Chart(
                chart_id=chart_id,
                heading=str(heading),
                svg=bar_chart(
                    chart_id=chart_id,
                    title=str(heading),
                    description=description,
                    labels=labels,
                    series=series,
                    percent=percent,
                ),
                headings=[str(_("Week of")), *(s.name for s in series)],
                rows=[
                    [dates[i], *(_table_value(s.values[i], percent) for s in series)]
                    for i in range(len(weeks))
                ],
            )
        )
    return charts
