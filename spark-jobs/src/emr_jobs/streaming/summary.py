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

    def add(self, record: dict) -> None:
        """Counts one batch's progress record (a replayed batch is counted again: this is the process's view)."""
        self.batches += 1
        self.input_rows += record["input_rows"]
        self.bars += record["bars"]
        for reason, count in record["rejected_by_reason"].items():
            self.rejected_by_reason[reason] = self.rejected_by_reason.get(reason, 0) + count
        self.last = record

    def text(self, why: str) -> str:
        rejected = sum(self.rejected_by_reason.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.rejected_by_reason.items()))
        lines = [
            f"financial_stream: {why} after {self.batches} micro-batches",
            f"  ticks read {self.input_rows}, bars written {self.bars}, rejected {rejected}"
            + (f" ({reasons})" if reasons else ""),
        ]
        if self.last is not None:
            latency = self.last["latency_ms"]
            lines.append(f"  last batch {self.last['batch_id']}: watermark {self.last['watermark']}, "
                         f"latency p50 {latency['p50']} ms, p95 {latency['p95']} ms")  # fmt: skip
        return "\n".join(lines)
