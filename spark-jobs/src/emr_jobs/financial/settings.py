"""Indicator and anomaly parameters, validated once so the transformations can trust them."""

from dataclasses import dataclass

from emr_jobs.framework.exit_codes import JobError

EMA_PERIODS = (12, 26)
VOLATILITY_PERIOD = 20


@dataclass(frozen=True)
class IndicatorSettings:
    sma_windows: tuple[int, ...] = (20, 50)
    ema_periods: tuple[int, ...] = EMA_PERIODS
    rsi_period: int = 14
    bollinger_period: int = 20
    bollinger_stddev: float = 2.0
    volatility_period: int = VOLATILITY_PERIOD
    zscore_window: int = 100
    zscore_min_periods: int = 20
    zscore_threshold: float = 3.0

    def __post_init__(self) -> None:
        problems = []
        if len(self.sma_windows) < 2:
            problems.append("--sma-windows needs at least two distinct windows (short and long trend)")
        if self.rsi_period < 2:
            problems.append("--rsi-period must be at least 2")
        if self.bollinger_period < 2:
            problems.append("--bollinger-period must be at least 2")
        if self.zscore_min_periods < 2:
            problems.append("--zscore-min-periods must be at least 2 (a sample stddev needs two values)")
        if self.zscore_min_periods > self.zscore_window:
            problems.append("--zscore-min-periods cannot exceed --zscore-window")
        if problems:
            raise JobError("invalid arguments: " + "; ".join(problems))

    @property
    def sma_short(self) -> int:
        return min(self.sma_windows)

    @property
    def sma_long(self) -> int:
        return max(self.sma_windows)
