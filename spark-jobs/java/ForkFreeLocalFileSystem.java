package emr_jobs.hadoop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's checksummed local filesystem, except that setting a permission is a Java call instead of a child
 * process.
 *
 * <p>Without Hadoop's native library (pyspark does not ship it), RawLocalFileSystem.setPermission runs
 * {@code chmod} in a new process, and Hadoop sets a permission on every file, checksum file and directory it
 * creates: three process starts per output file, each costing a fork of a multi-gigabyte JVM. A local Spark write
 * of 138 partitions spent 3 to 4 seconds on them. EMR has the native library (and writes to S3), so only local
 * runs pay this. Everything else, listing and symbolic links included, is Hadoop's own code.
 */
public final class ForkFreeLocalFileSystem extends LocalFileSystem {

    public ForkFreeLocalFileSystem() {
        super(new NioPermissions());
    }

    /** RawLocalFileSystem with setPermission through java.nio (the sticky bit has no POSIX-view equivalent). */
    static final class NioPermissions extends RawLocalFileSystem {
        private static final PosixFilePermission[] BY_BIT = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };

        @Override
        public void setPermission(Path path, FsPermission permission) throws IOException {
            Set<PosixFilePermission> posix = EnumSet.noneOf(PosixFilePermission.class);
            short bits = permission.toShort();
            for (int bit = 0; bit < BY_BIT.length; bit++) {
                if ((bits & (1 << bit)) != 0) {
                    posix.add(BY_BIT[bit]);
                }
            }
            Files.setPosixFilePermissions(pathToFile(path).toPath(), posix);
        }
    }
}
