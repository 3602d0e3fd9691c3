"""Bar charts drawn on the server as SVG geometry, rendered by a template (no JavaScript).

A count under 5 is never drawn as a bar: the bar's length would give the number away. Its row
says "fewer than 5" instead.
"""

from dataclasses import dataclass

from public.presenters import SMALL_COUNT, shown_count

# Phone first: the chart is drawn 360 units wide with each label on its own line above its bar,
# so it shows at about its drawn size on a phone (13-unit text stays ~13 px) and the stylesheet
# caps it at 28rem on a desktop rather than scaling the text up.
WIDTH = 360
LABEL_WIDTH = 0
VALUE_WIDTH = 96
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 12
TOP = 4


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    y: int  # top of the bar
    label_y: int  # baseline of the label above the bar
    text_y: int  # baseline of the value beside the bar
    width: int  # 0 when suppressed
    value_x: int


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    label_heading: str
    bars: list[Bar]
    width: int
    height: int
    bar_x: int

    @property
    def is_empty(self) -> bool:
        return not self.bars


def bar_chart(*, slug: str, title: str, description: str, label_heading: str, rows) -> Chart:
    """A horizontal bar chart of (label, count) rows, in the order given."""
    rows = [(str(label), int(count)) for label, count in rows if count]
    drawable = [count for _, count in rows if count >= SMALL_COUNT]
    longest = max(drawable, default=1)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, count) in enumerate(rows):
        top = TOP + index * ROW_HEIGHT
        y = top + LABEL_HEIGHT
        width = round(span * count / longest) if count >= SMALL_COUNT else 0
        bars.append(
            Bar(
                label=label,
                display=shown_count(count),
                y=y,
                label_y=top + LABEL_HEIGHT - 5,
                text_y=y + BAR_HEIGHT - 2,
                width=max(width, 1) if width else 0,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    return Chart(
        slug=slug,
        title=title,
        description=description,
        label_heading=label_heading,
        bars=bars,
        width=WIDTH,
        height=TOP * 2 + ROW_HEIGHT * max(len(rows), 1),
        bar_x=LABEL_WIDTH,
    )


# Series over time (issue 18, point 6) ---------------------------------------------------------
#
# A panel is one plot over the months: a line (people held, people at a level) or columns (facts
# per month), each on its own scale, drawn 360 units wide like the bar charts. A count under 5 is
# never drawn: the line breaks there and no column stands; the table beside says "fewer than 5".
# The scale is set by the counts that are drawn, so no tick gives a small count away either.

PLOT_LEFT = 40  # room for the scale's numbers
PLOT_RIGHT = 8
PLOT_TOP = 8
PLOT_BOTTOM = 22  # room for the years
PANEL_HEIGHT = 170
SMALL_PANEL_HEIGHT = 110
NICE_STEPS = (1, 2, 2.5, 5, 10)


@dataclass(frozen=True)
class Tick:
    label: str
    at: float  # y of a value tick, x of a year tick


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Panel:
    """One plot over the months; `label` names the series when a chart has several panels."""

    label: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int  # y of the zero line
    value_ticks: list[Tick]
    year_ticks: list[Tick]
    line: str  # SVG path data; "" when nothing is drawn
    band: str  # the "may have been" area above the line; "" when none
    columns: list[Column]
    summary: str  # what the plot shows, in words, for the SVG's description

    @property
    def is_blank(self) -> bool:
        return not (self.line or self.columns)


@dataclass(frozen=True)
class SeriesTable:
    """The numbers of a chart, newest month first, as the public may see them."""

    headings: list[str]  # of the value columns; the first column is the month
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class TimeChart:
    slug: str
    title: str
    description: str
    notes: list[str]  # what could not be placed, and other caveats, in words
    panels: list[Panel]
    table: SeriesTable


def _drawn(count: int) -> bool:
    return count == 0 or count >= SMALL_COUNT


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `value` (at least 5)."""
    value = max(value, SMALL_COUNT)
    power = 1
    while power * 10 < value:
        power *= 10
    return next(step * power for step in NICE_STEPS if step * power >= value)


def _value_label(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _frame(points, *, label: str, height: int, top_value: float, summary: str) -> dict:
    """The parts every panel shares: its box, scale and years, and functions placing a month and
    a value."""
    plot_width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    bottom = height - PLOT_BOTTOM
    step = plot_width / max(len(points), 1)
    ceiling = _nice_ceiling(top_value)

    def x_of(index: int) -> float:
        return round(PLOT_LEFT + (index + 0.5) * step, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - PLOT_TOP) * value / ceiling, 1)

    years = [
        Tick(str(point.year), round(PLOT_LEFT + index * step, 1))
        for index, point in enumerate(points)
        if point.month == 1 or index == 0
    ]
    if len(years) > 6:  # one label in two on a phone-width plot of many years
        years = years[:: -(-len(years) // 6)]
    frame = {
        "label": label,
        "width": WIDTH,
        "height": height,
        "left": PLOT_LEFT,
        "right": WIDTH - PLOT_RIGHT,
        "top": PLOT_TOP,
        "bottom": bottom,
        # A half-way tick only where it is a whole number of people.
        "value_ticks": [
            Tick(_value_label(ceiling * share), y_of(ceiling * share))
            for share in (0, 0.5, 1)
            if share != 0.5 or ceiling % 2 == 0
        ],
        "year_ticks": years,
        "summary": summary,
    }
    return {"frame": frame, "x_of": x_of, "y_of": y_of, "step": step}


def _path(runs) -> str:
    """Path data joining each run of (x, y); a run of one point is a dot (round caps draw it)."""
    parts = []
    for run in runs:
        if not run:
            continue
        head, *rest = run
        parts.append(f"M{head[0]} {head[1]}" + ("".join(f"L{x} {y}" for x, y in rest) if rest else "h0.01"))
    return " ".join(parts)


def _runs(flags) -> list[list[int]]:
    """Indices split into runs of consecutive True flags."""
    runs, current = [], []
    for index, flag in enumerate(flags):
        if flag:
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def line_panel(
    points, counts, *, label: str = "", maybe=None, height: int = PANEL_HEIGHT, summary: str = ""
) -> Panel:
    """A line over the months, broken where a count is under 5; with `maybe`, a band above it up
    to count + maybe where both are drawn and the band holds at least 5 (people who may have been
    counted but cannot be placed)."""
    maybe = maybe or [0] * len(counts)
    band_drawn = [_drawn(c) and m >= SMALL_COUNT for c, m in zip(counts, maybe, strict=True)]
    tops = [c for c in counts if _drawn(c)] + [
        c + m for c, m, b in zip(counts, maybe, band_drawn, strict=True) if b
    ]
    geometry = _frame(points, label=label, height=height, top_value=max(tops, default=0), summary=summary)
    x_of, y_of = geometry["x_of"], geometry["y_of"]
    line = _path([[(x_of(i), y_of(counts[i])) for i in run] for run in _runs(map(_drawn, counts))])
    bands = []
    for run in _runs(band_drawn):
        upper = [f"{x_of(i)} {y_of(counts[i] + maybe[i])}" for i in run]
        lower = [f"{x_of(i)} {y_of(counts[i])}" for i in reversed(run)]
        if len(run) == 1:  # a lone month: a sliver as wide as a column, so that it shows
            half = round(geometry["step"] / 2, 1)
            i = run[0]
            upper = [
                f"{x_of(i) - half} {y_of(counts[i] + maybe[i])}",
                f"{x_of(i) + half} {y_of(counts[i] + maybe[i])}",
            ]
            lower = [f"{x_of(i) + half} {y_of(counts[i])}", f"{x_of(i) - half} {y_of(counts[i])}"]
        bands.append("M" + " L".join(upper + lower) + " Z")
    return Panel(line=line, band=" ".join(bands), columns=[], **geometry["frame"])


def column_panel(points, counts, *, label: str = "", height: int = PANEL_HEIGHT, summary: str = "") -> Panel:
    """A column for each month whose count is at least 5."""
    drawable = [c for c in counts if c >= SMALL_COUNT]
    geometry = _frame(points, label=label, height=height, top_value=max(drawable, default=0), summary=summary)
    x_of, y_of, step = geometry["x_of"], geometry["y_of"], geometry["step"]
    width = round(max(step * 0.75, 1), 1)
    bottom = geometry["frame"]["bottom"]
    columns = [
        Column(x=round(x_of(i) - width / 2, 1), y=y_of(c), width=width, height=round(bottom - y_of(c), 1))
        for i, c in enumerate(counts)
        if c >= SMALL_COUNT
    ]
    return Panel(line="", band="", columns=columns, **geometry["frame"])


def series_table(month_labels, headings, columns) -> SeriesTable:
    """The table of a chart: one row per month, newest first, each count as the public sees it."""
    rows = [
        (month, [shown_count(column[index]) for column in columns])
        for index, month in enumerate(month_labels)
    ]
    return SeriesTable(headings=list(headings), rows=rows[::-1])
