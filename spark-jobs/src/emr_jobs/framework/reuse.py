"""A frame that several outputs and counts read: kept, so it is computed once.

On a cluster it is persisted (memory and disk) and keeps its lineage, so blocks lost with an executor are
recomputed. In a local session it is also cut from its lineage (localCheckpoint). There the driver spends longer
analysing the plans built on an intake's classified rows (the grammar of every column, then the detections) than
Spark spends computing them: on fraud_detection's 40-claim test input, 31.8 s per run fell to 12.3 s (README, "Test
time"). Spark's docs say local checkpoints "are stored in the executors using the caching subsystem and therefore
they are not reliable" (pyspark.sql.DataFrame.localCheckpoint, 3.5); in local mode the one JVM is driver and executor,
so losing them means losing the run anyway.

A checkpointed frame is not in the cache manager, so its `unpersist()` does nothing: Spark's ContextCleaner frees
its blocks once the frame is garbage (the data is local-sized).
"""

from pyspark import StorageLevel
from pyspark.sql import DataFrame


def cuts_lineage(master: str) -> bool:
    """A local master (python -m ..., tests, the local pipeline: local, local[2], local[*]), not a cluster's (yarn)."""
    return master == "local" or master.startswith("local[")


def kept_for_reuse(frame: DataFrame) -> DataFrame:
    """`frame`, computed at its first action and kept for the reads after it (see the module's docstring)."""
    if cuts_lineage(frame.sparkSession.sparkContext.master):
        return frame.localCheckpoint(eager=False)
    return frame.persist(StorageLevel.MEMORY_AND_DISK)
