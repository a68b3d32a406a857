"""The compare job's picture: ours - official, by state over time, for the states that differ.

One line per state (cases above, deaths below), at most MAX_STATES states, those with the largest |delta| first;
a key missing on one side is an x at zero on the cases panel. Drawn with matplotlib's object API (no display, no
global pyplot state); RunOutput.write_picture renders it with the one PNG renderer (framework.png).
"""

import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

MAX_STATES = 8
MISSING_MARKERS = {"missing_ours": ("x", "official only"), "missing_theirs": ("+", "ours only")}


def states_to_draw(rows: pd.DataFrame) -> list[str]:
    """States with at least one differing key, the largest |cases delta| (then |deaths delta|, then name) first."""
    differing = rows[rows["class"] != "equal"]
    if differing.empty:
        return []
    size = (
        differing.assign(_c=differing["cases_delta"].abs().fillna(0), _d=differing["deaths_delta"].abs().fillna(0))
        .groupby("state")[["_c", "_d"]]
        .max()
    )
    ranked = size.reset_index().sort_values(["_c", "_d", "state"], ascending=[False, False, True], kind="mergesort")
    return ranked["state"].head(MAX_STATES).tolist()


def deltas_figure(rows: pd.DataFrame) -> Figure:
    """`rows`: comparison rows (date, state, cases_delta, deaths_delta, class) of at least the differing states."""
    states = states_to_draw(rows)
    figure = Figure(figsize=(11, 7), layout="constrained")
    cases_axes, deaths_axes = figure.subplots(2, 1, sharex=True)
    for state in states:
        both = rows[(rows["state"] == state) & rows["class"].isin(["equal", "changed"])].sort_values("date")
        dates = pd.to_datetime(both["date"])
        cases_axes.plot(dates, both["cases_delta"], marker=".", linewidth=1, label=state, gid=f"cases:{state}")
        deaths_axes.plot(dates, both["deaths_delta"], marker=".", linewidth=1, label=state, gid=f"deaths:{state}")
    for klass, (marker, label) in MISSING_MARKERS.items():
        missing = rows[(rows["class"] == klass) & rows["state"].isin(states)]
        if len(missing):
            cases_axes.scatter(
                pd.to_datetime(missing["date"]), [0] * len(missing), marker=marker, s=60, color="black",
                label=label, gid=klass, zorder=3,
            )  # fmt: skip
    others = rows.loc[rows["class"] != "equal", "state"].nunique() - len(states)
    title = "ours - official, by state" + (f" ({others} more differing states not drawn)" if others else "")
    figure.suptitle(title if states else "ours and official agree on every key")
    cases_axes.set_ylabel("cases delta")
    deaths_axes.set_ylabel("deaths delta")
    deaths_axes.set_xlabel("date")
    locator = AutoDateLocator()
    deaths_axes.xaxis.set_major_locator(locator)
    deaths_axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    for axes in (cases_axes, deaths_axes):
        axes.axhline(0, color="grey", linewidth=0.5)
    if states:  # outside the plot, so it never hides a marker
        cases_axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return figure
