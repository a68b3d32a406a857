"""The few lines financial_stream prints when it ends: batches, ticks, bars, rejects by reason, the last
watermark and latency."""

from dataclasses import dataclass, field


@dataclass
class StreamSummary:
    batches: int = 0
    input_rows: int = 0
    bars: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    last: dict | None = None
    last_with_bars: dict | None = None  # the latency is measured on bars

    def add(self, record: dict) -> None:
        """Counts one batch's progress record (a replayed batch is counted again: this is the process's view)."""
        self.batches += 1
        self.input_rows += record["input_rows"]
        self.bars += record["bars"]
        for reason, count in record["rejected_by_reason"].items():
            self.rejected_by_reason[reason] = self.rejected_by_reason.get(reason, 0) + count
        self.last = record
        if record["bars"]:
            self.last_with_bars = record

    def text(self, why: str) -> str:
        rejected = sum(self.rejected_by_reason.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.rejected_by_reason.items()))
        lines = [
            f"financial_stream: {why} after {self.batches} micro-batches",
            f"  ticks read {self.input_rows}, bars written {self.bars}, rejected {rejected}"
            + (f" ({reasons})" if reasons else ""),
        ]
        if self.last is not None:
            lines.append(f"  last batch {self.last['batch_id']}: watermark {self.last['watermark']}")
        if self.last_with_bars is not None:
            latency = self.last_with_bars["latency_ms"]
            lines.append(f"  tick-to-bar latency of batch {self.last_with_bars['batch_id']}: "
                         f"p50 {latency['p50']:.0f} ms, p95 {latency['p95']:.0f} ms")  # fmt: skip
        return "\n".join(lines)
