"""Bar charts drawn on the server as SVG geometry, rendered by a template (no JavaScript).

A count under 5 is never drawn as a bar: the bar's length would give the number away. Its row
says "fewer than 5" instead.
"""

from dataclasses import dataclass

from public.presenters import SMALL_COUNT, shown_count

WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 110
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    y: int
    text_y: int
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
        y = TOP + index * ROW_HEIGHT
        width = round(span * count / longest) if count >= SMALL_COUNT else 0
        bars.append(
            Bar(
                label=label,
                display=shown_count(count),
                y=y,
                text_y=y + BAR_HEIGHT - 4,
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
