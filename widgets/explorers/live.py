"""Live mode: ipywidgets sliders driving the numpy model, one matplotlib figure.

The figure is built once (a bare matplotlib ``Figure``, outside pyplot),
laid out once, and drawn once without its data lines; that background (axes,
ticks, labels, legend) is kept as pixels. A slider change re-runs the model,
moves the existing lines with ``set_data``, restores the background, draws only
the lines on top (blitting), and sends the canvas to an ``ipywidgets.Image`` as
a PNG. Nothing is re-created in the callback, and nothing but the lines is
re-rendered: a full matplotlib redraw of two panels costs several times more.
"""

from __future__ import annotations

import html
import io
import traceback
from typing import TYPE_CHECKING

import ipywidgets as ipw
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .framework import OKABE_ITO_ON_WHITE, colour_name

# Pixels per inch of the live figure: sharp on a laptop, light to send.
LIVE_DPI = 96

if TYPE_CHECKING:
    from .framework import Explorer

# Visually hidden but read by screen readers (the image itself cannot carry a
# text alternative: ipywidgets' Image has no alt attribute).
_SCREEN_READER_ONLY = ("position:absolute;width:1px;height:1px;margin:-1px;padding:0;"
                       "overflow:hidden;clip:rect(0 0 0 0);border:0")


class LiveView:
    """The ipywidgets face of an :class:`~widgets.explorers.framework.Explorer`."""

    def __init__(self, explorer: Explorer) -> None:
        self.explorer = explorer
        self.sliders: dict[str, ipw.FloatSlider | ipw.SelectionSlider] = {}
        for control in explorer.controls:
            common = {
                "description": control.label,
                "continuous_update": not explorer.slow,
                "style": {"description_width": "20em"},  # aligns the sliders
                "layout": ipw.Layout(width="100%", max_width="42rem"),
            }
            if control.labels:
                # Named positions (presets): only those, shown by name.
                slider = ipw.SelectionSlider(
                    options=[(label, float(value))
                             for label, value in zip(control.labels, control.grid,
                                                     strict=True)],
                    value=explorer.values[control.name],
                    **common,
                )
            else:
                slider = ipw.FloatSlider(
                    value=explorer.values[control.name],
                    min=control.min,
                    max=control.max,
                    # Live mode is not limited to the static grid: a finer step.
                    step=control.step / 4,
                    readout_format=f".{control.decimals + 1}f",
                    **common,
                )
            if control.unit:
                slider.description = f"{control.label} ({control.unit})"
            slider.observe(self._on_slider, names="value")
            self.sliders[control.name] = slider

        # A bare Figure, not pyplot's: pyplot figures belong to the inline backend,
        # which closes them when the cell ends (and swaps their canvas for one that
        # cannot draw), and would also show them a second time below the widget.
        # Up to three panels in a row; four or more wrap into rows of two, so each
        # stays readable in a notebook's width.
        count = len(explorer.panels)
        columns = count if count <= 3 else 2
        rows = -(-count // columns)
        self.figure = Figure(figsize=(4.6 * columns, 3.6 * rows), layout="constrained")
        axes = self.figure.subplots(rows, columns, squeeze=False)
        for spare in axes.ravel()[count:]:
            spare.remove()
        self.axes = list(axes.ravel()[:count])
        self.lines = []
        for ax, panel in zip(self.axes, explorer.panels, strict=True):
            for y, label in panel.references:
                ax.axhline(y, color=OKABE_ITO_ON_WHITE["grey"], linestyle=":", linewidth=1)
                ax.annotate(label, (panel.x_range[1], y), ha="right", va="bottom",
                            fontsize=8, color="#555555")
            for line in panel.lines:
                (handle,) = ax.plot(
                    # The shade with at least 3:1 contrast on the white figure.
                    [], [], color=OKABE_ITO_ON_WHITE[colour_name(line.color)],
                    linestyle="--" if line.dashed else "-",
                    marker="o" if line.markers else None, markersize=4, label=line.label,
                    animated=True,  # left out of the background; blitted on each update
                )
                self.lines.append((line, handle))
            ax.set_xlim(*panel.x_range)
            ax.set_ylim(*panel.y_range)
            ax.set_xlabel(panel.x_label)
            ax.set_ylabel(panel.y_label)
            ax.set_title(panel.title, fontsize=10)
            # Top left, as on the static page (the lines are not drawn yet, so
            # "best" could not see them).
            ax.legend(loc="upper left", fontsize=8, frameon=False)
        # Lay out once, then freeze it: a layout engine re-runs on every draw.
        self.figure.set_dpi(LIVE_DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self.canvas.draw()
        self.figure.set_layout_engine("none")
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

        self.image = ipw.Image(format="png", layout=ipw.Layout(max_width="100%"))
        # Each chart described on its own, as on the static page.
        described = "".join(
            f"<p>Chart {number}, {html.escape(panel.title)}: {html.escape(text)}</p>"
            for number, (panel, text) in enumerate(
                zip(explorer.panels, explorer.chart_descriptions(), strict=True), 1))
        self.description = ipw.HTML(
            f'<div class="explorer-live-description" style="{_SCREEN_READER_ONLY}">'
            f"{described}</div>")
        # The readout is the one live region: a slider says its own value.
        self.readout = ipw.HTML()
        self.errors = ipw.Output()  # callback errors show here, not in a log
        self.box = ipw.VBox(
            [ipw.HTML(f"<b>{html.escape(explorer.title)}</b>"), *self.sliders.values(),
             self.image, self.description, self.readout, self.errors]
        )
        self.refresh()

    def _on_slider(self, change) -> None:
        with self.errors:
            try:
                values = {name: slider.value for name, slider in self.sliders.items()}
                self.explorer.set(**values)  # calls refresh()
            except Exception:  # show it to the student instead of losing it
                traceback.print_exc()

    def refresh(self) -> None:
        """Redraw lines and readout from the explorer's current results."""
        explorer = self.explorer
        for name, slider in self.sliders.items():
            if slider.value != explorer.values[name]:
                slider.unobserve(self._on_slider, names="value")
                slider.value = explorer.values[name]
                slider.observe(self._on_slider, names="value")
        for line, handle in self.lines:
            handle.set_data(explorer.results[line.x], explorer.results[line.y])
        self.image.value = self.render_png()
        text = html.escape(explorer.readout())
        self.readout.value = f'<p role="status" aria-live="polite">{text}</p>'

    def render_png(self) -> bytes:
        """Background pixels plus freshly drawn lines, as PNG bytes."""
        self.canvas.restore_region(self.background)
        for _, handle in self.lines:
            handle.axes.draw_artist(handle)
        width, height = self.canvas.get_width_height()
        pixels = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba())
        buffer = io.BytesIO()
        # Level 1: a few per cent larger than the default, several times faster.
        pixels.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()
