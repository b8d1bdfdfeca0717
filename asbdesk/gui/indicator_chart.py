"""The selected indicator's trend as a line chart: a point for each period with a value;
a hollow point, reached by a dashed line, where the value covers only part of the period
so far (2019/20's Q1–Q2 is not a whole year, so the drop is not what it seems); a gap
where the figure is not yet available; the target, when there is one, as a dotted line.

Loaded when the Indicators tab is first shown, so QtCharts costs nothing at start-up.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
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
from asbdesk.indicators import IndicatorRow, IndicatorValueRow

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
        self.x_axis = QBarCategoryAxis()
        self.x_axis.setTitleText("Period")
        self.y_axis = QValueAxis()
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsFont(font)
            axis.setTitleFont(font)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.full_points: QScatterSeries | None = None
        self.partial_points: QScatterSeries | None = None
        self.target_line: QLineSeries | None = None
        self.show_indicator(None, [])

    # -- what the officer sees ---------------------------------------------------------

    def show_indicator(self, indicator: IndicatorRow | None, periods: list[str]) -> None:
        """Chart `indicator` over `periods` (the table's columns, oldest first)."""
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
        points: list[tuple[int, IndicatorValueRow]] = [
            (i, v)
            for i, p in enumerate(periods)
            if (v := by_period.get(p)) is not None and v.available and v.value is not None
        ]
        self._axes(indicator, periods, [v.value for _i, v in points if v.value is not None])
        self._lines(points)
        self._markers(points)
        if indicator.target is not None:
            self._target(indicator, len(periods))
        self._describe(indicator, periods, by_period)

    def plotted(self) -> list[tuple[str, float, bool]]:
        """(period, value, partial) of every point drawn, oldest first."""
        shown: list[tuple[str, float, bool]] = []
        categories = self.x_axis.categories()
        for series, partial in ((self.full_points, False), (self.partial_points, True)):
            if series is None:
                continue
            for pt in series.points():
                shown.append((categories[round(pt.x())], pt.y(), partial))
        return sorted(shown, key=lambda s: categories.index(s[0]))

    # -- drawing -----------------------------------------------------------------------

    def _clear(self) -> None:
        self.chart.removeAllSeries()
        self.full_points = self.partial_points = self.target_line = None

    def _axes(self, indicator: IndicatorRow, periods: list[str], values: list[float]) -> None:
        """The two axes live as long as the chart (a removed axis may linger on screen
        until it is deleted); each indicator sets their categories, range and words."""
        x, y = self.x_axis, self.y_axis
        x.setCategories(periods)
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

    def _lines(self, points: list[tuple[int, IndicatorValueRow]]) -> None:
        """A segment between neighbouring periods that both have a value: solid between
        whole periods, dashed into or out of a part of one. No segment crosses a gap."""
        for (i, a), (j, b) in zip(points, points[1:], strict=False):
            if j != i + 1:
                continue
            assert a.value is not None and b.value is not None
            segment = QLineSeries()
            pen = QPen(LINE, 2.5)
            if a.partial or b.partial:
                pen.setStyle(Qt.PenStyle.DashLine)
            segment.setPen(pen)
            segment.append(QPointF(i, a.value))
            segment.append(QPointF(j, b.value))
            self._attach(segment, in_legend=False)

    def _markers(self, points: list[tuple[int, IndicatorValueRow]]) -> None:
        full = [(i, v) for i, v in points if not v.partial]
        partial = [(i, v) for i, v in points if v.partial]
        if full:
            series = QScatterSeries()
            series.setName("Value")
            series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
            series.setMarkerSize(MARKER_SIZE)
            series.setBrush(QBrush(LINE))
            series.setPen(QPen(LINE, 1.5))
            for i, v in full:
                assert v.value is not None
                series.append(QPointF(i, v.value))
            self._attach(series)
            self.full_points = series
        if partial:
            series = QScatterSeries()
            series.setName("Part of the period so far")
            series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
            series.setMarkerSize(MARKER_SIZE)
            series.setBrush(QBrush(QColor("white")))
            series.setPen(QPen(LINE, 2.5))
            for i, v in partial:
                assert v.value is not None
                series.append(QPointF(i, v.value))
            self._attach(series)
            self.partial_points = series

    def _target(self, indicator: IndicatorRow, count: int) -> None:
        assert indicator.target is not None
        line = QLineSeries()
        line.setName(f"Target {_number(indicator.target, indicator.unit)}")
        pen = QPen(TARGET, 2)
        pen.setStyle(Qt.PenStyle.DotLine)
        line.setPen(pen)
        line.append(QPointF(-0.5, indicator.target))
        line.append(QPointF(count - 0.5, indicator.target))
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


def _number(value: float, unit: str) -> str:
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return shown + "%" if unit == "percent" else shown
