"""The selected indicator's trend as a line chart over time: a point for each period with a
value, at the last day the value covers (a year at 31 March, its Q1–Q2 so far at
30 September, a quarter at its end);
a hollow point, reached by a dashed line, where the value covers only part of the period
so far (2019/20's Q1–Q2 is not a whole year, so the drop is not what it seems); a gap
where the figure is not yet available; the target, when there is one, as a dotted line.

Loaded when the Indicators tab is first shown, so QtCharts costs nothing at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from asbdesk.indicator_edits import DIRECTIONS
from asbdesk.indicators import IndicatorRow, IndicatorValueRow, covered_until, time_order

LINE = QColor("#1F4E79")
TARGET = QColor("#2E7D32")
MARKER_SIZE = 11.0


class IndicatorChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorChart")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel()
        self.caption.setObjectName("chartCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        font = self.caption.font()
        font.setBold(True)
        self.caption.setFont(font)
        self.details = QLabel()
        self.details.setObjectName("chartDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.setBackgroundRoundness(0)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.legend().setFont(self.font())
        self.view = QChartView(self.chart)
        self.view.setObjectName("trendChart")
        self.view.setAccessibleName("Trend chart")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # its description is read out
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.view.setMinimumHeight(self.fontMetrics().height() * 12)

        layout.addWidget(self.caption)
        layout.addWidget(self.details)
        layout.addWidget(self.view, 1)

        font = self.font()
        self.x_axis = QCategoryAxis()
        self.x_axis.setTitleText("Period")
        # Each label stands at the day its period's figure runs to, upright so that long
        # ones ("2019/20 (Q1–Q2)") and close ones (a year and its quarters) neither overlap
        # nor are cut short; at an angle they did both.
        self.x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.x_axis.setLabelsAngle(-90)
        self.y_axis = QValueAxis()
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsFont(font)
            axis.setTitleFont(font)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.full_points: QScatterSeries | None = None
        self.partial_points: QScatterSeries | None = None
        self.target_line: QLineSeries | None = None
        self._plotted: list[tuple[str, float, bool]] = []
        self.show_indicator(None, [])

    # -- what the officer sees ---------------------------------------------------------

    def show_indicator(self, indicator: IndicatorRow | None, periods: list[str]) -> None:
        """Chart `indicator` over `periods` (the table's columns) on a time axis."""
        self._clear()
        if indicator is None:
            self.caption.setText("No indicator chosen")
            self.details.setText("Choose an indicator in the table to see its trend.")
            self.view.setAccessibleName("Trend chart")
            self.view.setAccessibleDescription("No indicator chosen.")
            self.view.setVisible(False)
            return
        self.view.setVisible(True)
        by_period = {v.period: v for v in indicator.values}
        slots = _slots(periods, by_period)
        points = [(s, v) for s in slots if (v := s.value) is not None and _plottable(v)]
        values = [v.value for _s, v in points if v.value is not None]
        self._axes(indicator, slots, values)
        self._lines(slots)
        self._markers(points)
        if indicator.target is not None:
            self._target(indicator)
        self._describe(indicator, periods, by_period)

    def plotted(self) -> list[tuple[str, float, bool]]:
        """(period, value, partial) of every point drawn, in time order."""
        return list(self._plotted)

    def axis_labels(self) -> list[str]:
        """The time axis's labels, left to right."""
        return list(self.x_axis.categoriesLabels())

    # -- drawing -----------------------------------------------------------------------

    def _clear(self) -> None:
        self.chart.removeAllSeries()
        self.full_points = self.partial_points = self.target_line = None
        self._plotted = []

    def _axes(self, indicator: IndicatorRow, slots: list[_Slot], values: list[float]) -> None:
        """The two axes live as long as the chart (a removed axis may linger on screen
        until it is deleted); each indicator sets their labels, range and words.

        The x axis is time, in days: a period's label stands at the last day its value
        covers, so a part of a year sits where it ends, before the year's later quarters."""
        x, y = self.x_axis, self.y_axis
        for label in x.categoriesLabels():
            x.remove(label)
        labels: list[tuple[float, str]] = []
        for slot in slots:
            if labels and labels[-1][0] == slot.x:  # a year and its Q4 end the same day
                labels[-1] = (slot.x, f"{labels[-1][1]} / {slot.label}")
            else:
                labels.append((slot.x, slot.label))
        first = labels[0][0] if labels else 0.0
        last = labels[-1][0] if labels else 1.0
        pad = max((last - first) * 0.06, 45.0)
        x.setStartValue(first - pad)
        for at, label in labels:
            x.append(label, at)
        x.setRange(first - pad, last + pad)
        percent = indicator.unit == "percent"
        y.setTitleText("%" if percent else "Count")
        y.setLabelFormat("%.0f%%" if percent else "%.0f")
        top = max([*values, indicator.target or 0.0, 1.0])
        low = min([*values, 0.0])
        if percent and top <= 100 and low >= 0:
            # A little above 100%, so a point at 100% is not cut in half by the edge.
            y.setTickType(QValueAxis.TickType.TicksDynamic)
            y.setTickAnchor(0)
            y.setTickInterval(20)
            y.setRange(0, 104)
        else:
            y.setTickType(QValueAxis.TickType.TicksFixed)
            y.setTickCount(5)
            y.setRange(low, top * 1.1)
            y.applyNiceNumbers()

    def _attach(self, series: QLineSeries | QScatterSeries, in_legend: bool = True) -> None:
        self.chart.addSeries(series)
        series.attachAxis(self.x_axis)
        series.attachAxis(self.y_axis)
        if not in_legend:
            for marker in self.chart.legend().markers(series):
                marker.setVisible(False)

    def _lines(self, slots: list[_Slot]) -> None:
        """A segment between values next to each other in time: solid between whole
        periods of the same length, dashed into or out of a part of one or between a year
        and a quarter (neither compares with the other as it stands). A figure not yet
        available breaks the line; a period with no figure at all is passed over."""
        shown = [
            s
            for s in slots
            if s.value is not None and (s.value.value is not None or not s.value.available)
        ]
        for a, b in zip(shown, shown[1:], strict=False):
            va, vb = a.value, b.value
            assert va is not None and vb is not None
            if not (_plottable(va) and _plottable(vb)):
                continue
            assert va.value is not None and vb.value is not None
            segment = QLineSeries()
            pen = QPen(LINE, 2.5)
            if va.partial or vb.partial or a.whole_year != b.whole_year:
                pen.setStyle(Qt.PenStyle.DashLine)
            segment.setPen(pen)
            segment.append(QPointF(a.x, va.value))
            segment.append(QPointF(b.x, vb.value))
            self._attach(segment, in_legend=False)

    def _markers(self, points: list[tuple[_Slot, IndicatorValueRow]]) -> None:
        for partial in (False, True):
            mine = [(s, v) for s, v in points if bool(v.partial) is partial]
            if not mine:
                continue
            series = QScatterSeries()
            series.setName("Part of the period so far" if partial else "Value")
            series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
            series.setMarkerSize(MARKER_SIZE)
            series.setBrush(QBrush(QColor("white") if partial else LINE))
            series.setPen(QPen(LINE, 2.5 if partial else 1.5))
            for s, v in mine:
                assert v.value is not None
                series.append(QPointF(s.x, v.value))
            self._attach(series)
            if partial:
                self.partial_points = series
            else:
                self.full_points = series
        self._plotted = [
            (s.period, v.value, bool(v.partial)) for s, v in points if v.value is not None
        ]

    def _target(self, indicator: IndicatorRow) -> None:
        assert indicator.target is not None
        line = QLineSeries()
        line.setName(f"Target {_number(indicator.target, indicator.unit)}")
        pen = QPen(TARGET, 2)
        pen.setStyle(Qt.PenStyle.DotLine)
        line.setPen(pen)
        line.append(QPointF(self.x_axis.min(), indicator.target))
        line.append(QPointF(self.x_axis.max(), indicator.target))
        self._attach(line)
        self.target_line = line

    def _describe(
        self,
        indicator: IndicatorRow,
        periods: list[str],
        by_period: dict[str, IndicatorValueRow],
    ) -> None:
        self.caption.setText(indicator.name)
        parts = [
            "Percentage" if indicator.unit == "percent" else "Count",
            DIRECTIONS[indicator.direction].lower()
            if indicator.direction in DIRECTIONS
            else indicator.direction,
        ]
        if indicator.target is not None:
            parts.append(f"target {_number(indicator.target, indicator.unit)}")
        if indicator.source:
            parts.append(f"source: {indicator.source}")
        missing = [p for p in periods if (v := by_period.get(p)) is not None and not v.available]
        if missing:
            parts.append("not yet available: " + ", ".join(missing))
        self.details.setText(" · ".join(parts))
        said = [
            f"{p}: {by_period[p].text(indicator.unit) if p in by_period else 'no value'}"
            for p in periods
        ]
        self.view.setAccessibleName(f"Trend chart: {indicator.name}")
        self.view.setAccessibleDescription("; ".join(said) + ".")
        self.view.setToolTip("\n".join(said))


@dataclass(frozen=True)
class _Slot:
    """A period of the table as the chart places it: at the last day its value covers."""

    period: str
    label: str  # the period, with the part its value covers: "2019/20 (Q1–Q2)"
    x: float  # days
    whole_year: bool
    value: IndicatorValueRow | None


def _slots(periods: list[str], by_period: dict[str, IndicatorValueRow]) -> list[_Slot]:
    """The table's periods in time order; a label that is no period is left off."""
    out: list[tuple[tuple[int, date, int, str], _Slot]] = []
    for p in periods:
        v = by_period.get(p)
        partial = v.partial if v is not None and v.available else None
        end = covered_until(p, partial)
        if end is None:
            continue
        key = time_order(p, partial)
        label = f"{p} ({partial})" if partial else p
        out.append((key, _Slot(p, label, float(end.toordinal()), key[2] == 1, v)))
    return [slot for _key, slot in sorted(out, key=lambda pair: pair[0])]


def _plottable(v: IndicatorValueRow) -> bool:
    return v.available and v.value is not None


def _number(value: float, unit: str) -> str:
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return shown + "%" if unit == "percent" else shown
