"""financial_stream's parts: ticks read and classified, bars and indicators kept per symbol across micro-batches,
each batch's results written idempotently, progress records and the stop marker."""
