"""kept_for_reuse: locally a frame is cut from its lineage and gives the same rows; on a cluster it is persisted."""

import pytest
from pyspark.sql import functions as F

from emr_jobs.framework.reuse import cuts_lineage, kept_for_reuse


@pytest.mark.parametrize(("master", "cut"), [("local", True), ("local[2]", True), ("local[*]", True),
                                             ("local-cluster[2,1,1024]", False), ("yarn", False)])  # fmt: skip
def test_only_a_local_master_cuts_the_lineage(master, cut):
    assert cuts_lineage(master) is cut


def _plan_root(frame) -> str:
    return frame._jdf.queryExecution().logical().getClass().getSimpleName()


def test_a_kept_frame_has_the_same_rows_and_a_plan_without_its_lineage(spark):
    deep = spark.range(100).withColumn("square", F.col("id") * F.col("id")).filter(F.col("id") % 3 == 0)
    kept = kept_for_reuse(deep)
    assert _plan_root(deep) != "LogicalRDD"
    assert _plan_root(kept) == "LogicalRDD"  # what the driver analyses from here on: no lineage
    assert sorted(kept.collect()) == sorted(deep.collect())
    assert kept.agg(F.sum("square")).first()[0] == sum(i * i for i in range(0, 100, 3))
