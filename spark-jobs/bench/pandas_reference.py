"""Single-process pandas + TA-Lib computation of what the financial processor computes.

The benchmark's baseline, and an independent cross-check: same cleansing rules, TA-Lib for SMA, EMA, RSI,
BBANDS and STDDEV, pandas rolling windows for the rest, the same anomaly and market-summary definitions.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import talib

SMA_WINDOWS, EMA_PERIODS, RSI_PERIOD = (20, 50), (12, 26), 14
BOLLINGER_PERIOD, BOLLINGER_STDDEV, VOLATILITY_PERIOD = 20, 2.0, 20
ZSCORE_WINDOW, ZSCORE_MIN_PERIODS, ZSCORE_THRESHOLD = 100, 20, 3.0
MAX_VOLUME = 1e15
REQUIRED = ("symbol", "market", "timestamp", "open", "high", "low", "close", "volume")
PRICES, NUMBERS = ("open", "high", "low", "close"), ("open", "high", "low", "close", "volume")


def load(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def cleanse(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Valid typed bars, and each rejected row's reason (first failing check, then duplicates)."""
    text = raw.apply(lambda column: column.str.strip())
    bars = pd.DataFrame({"symbol": text["symbol"], "market": text["market"], "source": text.get("source")})
    bars["timestamp"] = pd.to_datetime(text["timestamp"], errors="coerce", utc=True, format="ISO8601")
    for column in NUMBERS:
        bars[column] = pd.to_numeric(text[column], errors="coerce")
    checks = [(f"null_{c}", text[c].isna() | (text[c] == "")) for c in REQUIRED]
    checks += [
        ("unparsable_timestamp", bars["timestamp"].isna()),
        ("unparsable_number", ~np.isfinite(bars[list(NUMBERS)]).all(axis=1)),
        ("non_positive_price", (bars[list(PRICES)] <= 0).any(axis=1)),
        ("high_below_low", bars["high"] < bars["low"]),
        ("close_outside_range", (bars["close"] < bars["low"]) | (bars["close"] > bars["high"])),
        ("negative_volume", bars["volume"] < 0),
        ("implausible_volume", bars["volume"] > MAX_VOLUME),
    ]
    reason = pd.Series(np.select([c for _, c in checks], [n for n, _ in checks], default=""), index=raw.index)
    ok = reason == ""
    order = ["symbol", "timestamp", "market", *NUMBERS, "source"]
    candidates = bars[ok].sort_values(order, kind="mergesort", na_position="first")
    duplicate = candidates.duplicated(["symbol", "timestamp"], keep="first")
    reason[duplicate[duplicate].index] = "duplicate"
    valid = candidates[~duplicate]
    return valid.sort_values(["symbol", "timestamp"], kind="mergesort").reset_index(drop=True), reason[reason != ""]


def _zscore(values: pd.Series) -> pd.Series:
    previous = values.shift(1).rolling(ZSCORE_WINDOW, min_periods=1)
    mean, std, count = previous.mean(), previous.std(ddof=1), previous.count()
    return ((values - mean) / std).where((count >= ZSCORE_MIN_PERIODS) & (std > 0))


def _direction(close: pd.Series, average: pd.Series) -> np.ndarray:
    return np.select([close > average, close < average, close == average], ["UP", "DOWN", "FLAT"], default=None)


def indicators_of_symbol(bars: pd.DataFrame) -> pd.DataFrame:
    out = bars.copy()
    close = bars["close"].to_numpy(dtype="float64")
    out["price_change"] = talib.MOM(close, timeperiod=1)
    out["price_change_pct"] = talib.ROC(close, timeperiod=1)
    for window in SMA_WINDOWS:
        out[f"sma_{window}"] = talib.SMA(close, timeperiod=window)
    for period in EMA_PERIODS:
        out[f"ema_{period}"] = talib.EMA(close, timeperiod=period)
    out["rsi"] = talib.RSI(close, timeperiod=RSI_PERIOD)
    upper, middle, lower = talib.BBANDS(
        close, timeperiod=BOLLINGER_PERIOD, nbdevup=BOLLINGER_STDDEV, nbdevdn=BOLLINGER_STDDEV, matype=0
    )
    out["bb_upper"], out["bb_middle"], out["bb_lower"] = upper, middle, lower
    out["bb_stddev"] = talib.STDDEV(close, timeperiod=BOLLINGER_PERIOD, nbdev=1)
    out[f"volatility_{VOLATILITY_PERIOD}"] = bars["close"].rolling(VOLATILITY_PERIOD).std(ddof=1).to_numpy()
    short, long = out[f"sma_{min(SMA_WINDOWS)}"], out[f"sma_{max(SMA_WINDOWS)}"]
    out["trend_short"], out["trend_long"] = _direction(out["close"], short), _direction(out["close"], long)
    spread = short - long
    before = spread.shift(1)
    out["ma_crossover"] = np.select(
        [spread.isna() | before.isna(), (before <= 0) & (spread > 0), (before >= 0) & (spread < 0)],
        [None, "GOLDEN_CROSS", "DEATH_CROSS"],
        default="NONE",
    )
    rsi = out["rsi"]
    out["rsi_signal"] = np.select([rsi > 70, rsi < 30, rsi.notna()], ["OVERBOUGHT", "OVERSOLD", "NEUTRAL"], None)
    out["return_zscore"] = _zscore(out["price_change_pct"])
    out["volume_zscore"] = _zscore(out["volume"])
    price = out["return_zscore"].abs() > ZSCORE_THRESHOLD
    volume = out["volume_zscore"].abs() > ZSCORE_THRESHOLD
    out["anomaly_type"] = np.select([price & volume, price, volume], ["PRICE_VOLUME", "PRICE", "VOLUME"], None)
    out["risk_level"] = np.select([price & volume, price | volume], ["HIGH", "MEDIUM"], None)
    return out


def compute_indicators(valid: pd.DataFrame) -> pd.DataFrame:
    parts = [indicators_of_symbol(bars.reset_index(drop=True)) for _, bars in valid.groupby("symbol", sort=True)]
    indicators = pd.concat(parts, ignore_index=True)
    indicators["date"] = indicators["timestamp"].dt.date
    return indicators


def summarize_markets(indicators: pd.DataFrame) -> pd.DataFrame:
    keys = ["market", "symbol", "date"]
    grouped = indicators.groupby(keys, sort=True)
    last = grouped.tail(1).set_index(keys)
    days = pd.DataFrame(
        {
            "close": last["close"],
            "volatility": last[f"volatility_{VOLATILITY_PERIOD}"],
            "rsi": last["rsi"],
            "volume": grouped["volume"].sum(),
            "anomalies": grouped["anomaly_type"].count(),
        }
    ).reset_index()
    days["change_pct"] = (days["close"] / days.groupby(["market", "symbol"])["close"].shift(1) - 1) * 100
    by_market = days.groupby(["market", "date"], sort=True)
    summary = by_market.agg(
        symbol_count=("symbol", "count"),
        avg_price=("close", "mean"),
        avg_volume=("volume", "mean"),
        total_volume=("volume", "sum"),
        avg_change_pct=("change_pct", "mean"),
        avg_volatility=("volatility", "mean"),
        avg_rsi=("rsi", "mean"),
        gainers=("change_pct", lambda s: int((s > 0).sum())),
        losers=("change_pct", lambda s: int((s < 0).sum())),
        anomalies=("anomalies", "sum"),
    ).reset_index()
    change = summary["avg_change_pct"]
    summary["sentiment"] = np.select([change > 1, change < -1], ["BULLISH", "BEARISH"], "NEUTRAL")
    return summary


def run(input_path: str | Path, output_dir: str | Path) -> dict:
    """Reads the CSV, computes everything and writes parquet files; returns counts for cross-checking."""
    raw = load(input_path)
    valid, rejected = cleanse(raw)
    indicators = compute_indicators(valid)
    summary = summarize_markets(indicators)
    anomalies = indicators[indicators["anomaly_type"].notna()]
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    indicators.to_parquet(output / "indicators.parquet", compression="snappy")
    anomalies.to_parquet(output / "anomalies.parquet", compression="snappy")
    summary.to_parquet(output / "market_summary.parquet", compression="snappy")
    raw.loc[rejected.index].assign(reject_reason=rejected).to_parquet(output / "rejected.parquet")
    return {
        "input_rows": len(raw),
        "valid_rows": len(valid),
        "rejected_rows": len(rejected),
        "rejected_by_reason": {k: int(v) for k, v in sorted(rejected.value_counts().items())},
        "anomalies": len(anomalies),
        "market_days": len(summary),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True, help="OHLCV csv")
    parser.add_argument("--output", required=True, help="directory for parquet outputs")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = run(args.input, args.output)
    counts["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(counts, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
