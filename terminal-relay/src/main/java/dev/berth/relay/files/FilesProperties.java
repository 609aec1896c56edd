package dev.berth.relay.files;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where a session's files may be read and written, and the bounds of uploads.
 *
 * @param roots              absolute directories of the session container under which the files API works; the
 *                           workspace image's working directory is {@code /workspace}
 * @param maxFileSize        largest file a {@code PUT} writes
 * @param maxArchiveSize     largest zip or tar.gz upload
 * @param maxEntries         most entries in one archive
 * @param maxExpandedSize    most bytes one archive may expand to
 * @param maxExpansionRatio  most times an archive may expand beyond its own size (counted from 1 MB of archive on,
 *                           so a small archive of text may expand to 1 MB times the ratio)
 */
@ConfigurationProperties("berth.files")
public record FilesProperties(@DefaultValue({"/workspace", "/tmp"}) List<String> roots,
        @DefaultValue("1GB") DataSize maxFileSize, @DefaultValue("512MB") DataSize maxArchiveSize,
        @DefaultValue("10000") int maxEntries, @DefaultValue("2GB") DataSize maxExpandedSize,
        @DefaultValue("100") int maxExpansionRatio) {

    public FilesProperties {
        roots = List.copyOf(roots);
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("berth.files.roots must name at least one directory");
        }
        for (String root : roots) {
            if (!root.startsWith("/") || root.contains("..") || root.contains("\0")
                    || (root.length() > 1 && root.endsWith("/"))) {
                throw new IllegalArgumentException("berth.files.roots must be absolute directories without .. "
                        + "or a trailing /: " + root);
            }
        }
        if (maxFileSize.toBytes() < 1 || maxArchiveSize.toBytes() < 1 || maxExpandedSize.toBytes() < 1) {
            throw new IllegalArgumentException("berth.files sizes must be at least 1 byte");
        }
        if (maxEntries < 1 || maxExpansionRatio < 1) {
            throw new IllegalArgumentException("berth.files.max-entries and max-expansion-ratio must be at least 1");
        }
    }

    /** The limits an archive is checked against. */
    ArchiveLimits archiveLimits() {
        return new ArchiveLimits(maxEntries, maxExpandedSize.toBytes(), maxExpansionRatio);
    }
}
