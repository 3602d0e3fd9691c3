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
