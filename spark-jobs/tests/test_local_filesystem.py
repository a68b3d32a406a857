"""The fork-free local filesystem local sessions write through (emr_jobs.framework.local_filesystem)."""

import os
import shutil
import stat
import sys

import pytest

from emr_jobs.framework import local_filesystem
from emr_jobs.framework.local_filesystem import FILESYSTEM_CLASS, jar_path, local_filesystem_settings


@pytest.fixture(scope="module")
def built():
    """The jar must exist wherever setup could build it (a JDK is present); without a JDK it is optional."""
    if not jar_path().is_file():
        if shutil.which("javac"):
            pytest.fail(f"{jar_path()} is missing although javac is present: run bash scripts/setup-python.sh")
        pytest.skip("no JDK here, so setup builds no fork-free filesystem")
    return jar_path()


def _hadoop_fs(spark):
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    return jvm, jvm.org.apache.hadoop.fs.FileSystem.get(jvm.java.net.URI("file:///"), conf)


def test_sessions_use_it_when_built(built, spark):
    _, fs = _hadoop_fs(spark)
    assert fs.getClass().getName() == FILESYSTEM_CLASS
    assert local_filesystem_settings()["spark.driver.extraClassPath"] == str(built)


def test_without_the_jar_sessions_keep_hadoops_default(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert local_filesystem.local_filesystem_settings() == {}


@pytest.mark.parametrize("mode", [0o640, 0o755, 0o600, 0o777, 0o000])
def test_permissions_are_set_exactly(built, spark, tmp_path, mode):
    jvm, fs = _hadoop_fs(spark)
    target = tmp_path / "file.txt"
    target.write_text("x")
    path = jvm.org.apache.hadoop.fs.Path(target.as_uri())
    fs.setPermission(path, jvm.org.apache.hadoop.fs.permission.FsPermission.createImmutable(mode))
    assert stat.S_IMODE(os.stat(target).st_mode) == mode
    assert fs.getFileStatus(path).getPermission().toShort() == mode


def test_written_files_get_hadoops_default_permissions(built, spark, tmp_path):
    """Files and partition directories of a Spark write: rw-r--r-- and rwxr-xr-x (Hadoop's 022 umask), as before."""
    out = tmp_path / "out"
    spark.createDataFrame([(1, "a"), (2, "b")], "n int, p string").write.partitionBy("p").parquet(str(out))
    parts = sorted(out.glob("p=*/part-*.parquet"))
    assert len(parts) == 2
    assert {stat.S_IMODE(os.stat(p).st_mode) for p in parts} == {0o644}
    assert {stat.S_IMODE(os.stat(p.parent).st_mode) for p in parts} == {0o755}


def test_symlinked_input_directories_still_list(built, spark, tmp_path):
    """Listing is Hadoop's own: a symbolic link to a directory reads like the directory."""
    real = tmp_path / "real"
    spark.createDataFrame([(1,), (2,), (3,)], "n int").write.parquet(str(real))
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert spark.read.parquet(str(link)).count() == 3
