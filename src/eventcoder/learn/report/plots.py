"""The report's plots, drawn with matplotlib's Agg canvas and embedded as base64 PNG data URIs.

Figures are made with ``matplotlib.figure.Figure`` (no pyplot), so no global state or
display backend is involved.
"""

from __future__ import annotations

import base64
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: One colour per measure, shared by the plots and the page's legend.
COLOURS = {"triggers": "#2563eb", "arguments": "#059669", "irrealis": "#d97706"}
NAMES = {"triggers": "trigger F1", "arguments": "argument F1", "irrealis": "irrealis F1"}
DPI = 144
TEXT, GRID = "#334155", "#e2e8f0"


def _style(ax) -> None:
    ax.set_facecolor("white")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#94a3b8")
    ax.tick_params(colors=TEXT, labelsize=9)
    ax.grid(color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def data_uri(figure: Figure) -> str:
    """The figure as a ``data:image/png;base64,...`` URI."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def type_scores_plot(per_type: dict) -> str:
    """Grouped bars of trigger, argument and irrealis F1 for each event type."""
    labels = list(per_type)
    figure = Figure(figsize=(5.2, 0.7 + 0.62 * max(1, len(labels))), layout="constrained")
    ax = figure.subplots()
    _style(ax)
    ax.grid(axis="y", visible=False)
    height = 0.26
    for k, measure in enumerate(COLOURS):
        scores = [per_type[label][measure]["f1"] for label in labels]  # None: n/a, nothing to score
        rows = [n + (k - 1) * height for n in range(len(labels))]
        bars = ax.barh(rows, [v or 0.0 for v in scores], height=height * 0.92, color=COLOURS[measure], label=NAMES[measure])
        ax.bar_label(bars, labels=["n/a" if v is None else f"{v:.2f}" for v in scores], padding=3, fontsize=8, color=TEXT)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.08)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False, fontsize=9, labelcolor=TEXT)
    return data_uri(figure)


def learning_curve_plot(curve: dict) -> str:
    """Dev F1 (micro) against the number of training records, one line per measure."""
    points = sorted(curve["points"], key=lambda p: p["records"])
    records = [p["records"] for p in points]
    figure = Figure(figsize=(5.2, 3.2), layout="constrained")
    ax = figure.subplots()
    _style(ax)
    for measure in COLOURS:
        values = [float("nan") if p["dev"][measure]["f1"] is None else p["dev"][measure]["f1"] for p in points]
        ax.plot(records, values, marker="o", markersize=5, linewidth=2, color=COLOURS[measure], label=NAMES[measure])
    ax.set_xticks(records, [f"{n}\n({round(p['share'] * 100)}%)" if "share" in p else str(n) for n, p in zip(records, points)])
    ax.set_xlim(0, max(records) * 1.1)
    ax.set_ylim(0, 1.0)
    ax.set_xlabel("training records", color=TEXT, fontsize=9)
    ax.set_ylabel("dev F1", color=TEXT, fontsize=9)
    ax.legend(loc="lower right", frameon=False, fontsize=9, labelcolor=TEXT)
    return data_uri(figure)
