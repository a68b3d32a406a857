"""fraud_summary.png: the score distribution with the high-risk threshold, and the top providers by flagged share.

Scores take few distinct values (whole units of 1/120), so the distribution is exact counts per score, aggregated by
Spark; only those counts and the top providers reach the driver.
"""

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a cluster node or in CI

from matplotlib.figure import Figure

from emr_jobs.fraud.scoring import SCORE_UNITS
from emr_jobs.fraud.settings import HIGH_RISK_SCORE

TOP_PROVIDERS = 15
PICTURE_NAME = "fraud_summary.png"


def render(score_counts: Mapping[float, int], providers: Sequence[tuple[str, float, int]]) -> Figure:
    """`score_counts`: claims per score; `providers`: (provider_id, flagged_share, flagged_claims), best first."""
    figure = Figure(figsize=(12, 5), dpi=100, layout="tight")  # laid out when drawn (png.png_bytes)
    scores_axes, providers_axes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    scores = sorted(score_counts)
    colors = ["tab:red" if s > HIGH_RISK_SCORE else "tab:blue" for s in scores]
    scores_axes.bar(scores, [score_counts[s] for s in scores], width=0.8 / SCORE_UNITS * 4, color=colors)
    scores_axes.axvline(HIGH_RISK_SCORE, color="black", linestyle="--", label=f"high risk: score > {HIGH_RISK_SCORE}")
    scores_axes.set_yscale("symlog")
    scores_axes.set_xlim(-0.03, 1.03)
    scores_axes.set_xlabel("fraud score")
    scores_axes.set_ylabel("claims")
    scores_axes.set_title(f"Score distribution ({sum(score_counts.values())} claims)")
    scores_axes.legend(loc="upper right")
    shown = list(providers)[:TOP_PROVIDERS][::-1]  # best at the top
    providers_axes.barh([p[0] for p in shown], [p[1] for p in shown], color="tab:orange")
    for index, (_, share, flagged) in enumerate(shown):
        providers_axes.text(share, index, f" {flagged}", va="center", fontsize=8)
    providers_axes.set_xlim(0, 1.1)
    providers_axes.set_xlabel("share of the provider's claims flagged (count at the bar's end)")
    providers_axes.set_title(f"Top {len(shown)} providers by flagged share")
    providers_axes.tick_params(axis="y", labelsize=8)
    return figure
