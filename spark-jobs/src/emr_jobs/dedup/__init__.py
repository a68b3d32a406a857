"""Latest-record deduplication: one row per key, chosen by a total order, the others kept as superseded."""
