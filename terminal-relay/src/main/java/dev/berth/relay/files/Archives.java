package dev.berth.relay.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.springframework.http.HttpStatus;

import dev.berth.relay.files.ArchiveEntry.Kind;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;

/**
 * Reads uploaded zip and tar.gz archives from the relay's disk: first to check every entry against the limits and
 * the rules (nothing may land outside the target directory), then again to turn the checked entries into the tar
 * stream the engine extracts. Sizes are counted as the data is decompressed, never taken from headers.
 */
final class Archives {

    static final int MAX_LINK_TARGET = 4096;
    private static final int FILE_TYPE_BITS = 0170000;
    private static final int REGULAR = 0100000;
    private static final int DIRECTORY = 0040000;

    private Archives() {
    }

    /** The checked entries of an archive, in its order. */
    record Manifest(List<ArchiveEntry> entries, long bytes) {

        /** Every directory the entries need: the archive's own and the ones their paths imply. */
        Set<String> directories() {
            Set<String> directories = new LinkedHashSet<>();
            for (ArchiveEntry entry : entries) {
                directories.addAll(ancestors(entry.path()));
                if (entry.kind() == Kind.DIRECTORY) {
                    directories.add(entry.path());
                }
            }
            return directories;
        }
    }

    /**
     * Checks every entry of an archive: its name, its kind, links, the entry count and the bytes it expands to.
     *
     * @throws RelayException 400 {@code archive-rejected} naming the entry and the rule, or 413
     *                        {@code content-too-large} naming the limit
     */
    static Manifest check(Path archive, ArchiveFormat format, ArchiveLimits limits) {
        long archiveBytes;
        try {
            archiveBytes = Files.size(archive);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long maxBytes = Math.min(limits.maxExpandedBytes(), limits.maxByRatio(archiveBytes));
        List<ArchiveEntry> entries = new ArrayList<>();
        Map<String, Kind> seen = new HashMap<>();
        long[] total = {0};
        int[] count = {0};
        read(archive, format, (raw, content) -> {
            if (++count[0] > limits.maxEntries()) {
                throw tooLarge("The archive has more than " + limits.maxEntries() + " entries "
                        + "(berth.files.max-entries); split it into smaller archives");
            }
            if (raw.unsupported() != null) {
                throw rejected("Entry '" + raw.name() + "' is " + raw.unsupported() + ", which Berth does not extract");
            }
            String path = entryPath(raw.name());
            if (path.isEmpty()) {
                if (raw.kind() != Kind.DIRECTORY) {
                    throw rejected("Entry '" + raw.name() + "' has no name");
                }
                return;
            }
            Kind previous = seen.put(path, raw.kind());
            if (previous != null && !(previous == Kind.DIRECTORY && raw.kind() == Kind.DIRECTORY)) {
                throw rejected("Entry '" + raw.name() + "' appears twice in the archive");
            }
            if (previous != null) {
                return;
            }
            String link = null;
            long size = 0;
            switch (raw.kind()) {
                case SYMLINK -> link = symlinkTarget(raw.name(), path, raw.link());
                case HARDLINK -> {
                    link = linkPath(raw.name(), raw.link());
                    if (seen.get(link) != Kind.FILE) {
                        throw rejected("Hard link '" + raw.name() + "' must point to a file earlier in the archive; '"
                                + raw.link() + "' is not one");
                    }
                }
                case FILE -> size = count(content, total, maxBytes, limits, archiveBytes);
                case DIRECTORY -> {
                }
            }
            entries.add(new ArchiveEntry(path, raw.kind(), size, permissions(raw.mode(), raw.kind()), link,
                    raw.modified()));
        });
        for (ArchiveEntry entry : entries) {
            for (String ancestor : ancestors(entry.path())) {
                Kind kind = seen.get(ancestor);
                if (kind != null && kind != Kind.DIRECTORY) {
                    throw rejected("Entry '" + entry.path() + "' lies inside '" + ancestor + "', which the archive "
                            + "makes a " + kind.label() + ", not a directory");
                }
            }
        }
        return new Manifest(List.copyOf(entries), total[0]);
    }

    /**
     * Writes the checked entries as a tar stream, read once more from the archive, with every missing directory
     * as an entry of its own before what it holds, so that each one belongs to the session's user.
     *
     * @param prefix       where the target directory is, relative to the directory the engine extracts into (empty
     *                     when that is the target)
     * @param existingDirs directories (tar names) the container already has: left as they are
     */
    static void writeTar(Path archive, ArchiveFormat format, Manifest manifest, String prefix,
            Set<String> existingDirs, int uid, int gid, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        Set<String> made = new HashSet<>(existingDirs);
        made.add("");
        long now = System.currentTimeMillis();
        int[] index = {0};
        DirectoryMaker directories = name -> {
            if (made.add(name)) {
                TarArchiveEntry directory = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
                owned(directory, uid, gid, 0755, now);
                tar.putArchiveEntry(directory);
                tar.closeArchiveEntry();
            }
        };
        for (String directory : ancestors(prefix + "/")) {
            directories.make(directory);
        }
        read(archive, format, (raw, content) -> {
            if (raw.unsupported() != null || entryPath(raw.name()).isEmpty()) {
                return;
            }
            String path = entryPath(raw.name());
            if (index[0] >= manifest.entries().size() || !manifest.entries().get(index[0]).path().equals(path)) {
                if (raw.kind() == Kind.DIRECTORY) {
                    return; // a directory listed twice
                }
                throw new IOException("The archive changed while it was read: " + path);
            }
            ArchiveEntry entry = manifest.entries().get(index[0]++);
            String name = join(prefix, entry.path());
            for (String ancestor : ancestors(name)) {
                directories.make(ancestor);
            }
            switch (entry.kind()) {
                case DIRECTORY -> {
                    if (made.add(name)) {
                        TarArchiveEntry directory = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
                        owned(directory, uid, gid, entry.mode(), entry.modified());
                        tar.putArchiveEntry(directory);
                        tar.closeArchiveEntry();
                    }
                }
                case FILE -> {
                    TarArchiveEntry file = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
                    owned(file, uid, gid, entry.mode(), entry.modified());
                    file.setSize(entry.size());
                    tar.putArchiveEntry(file);
                    long copied = content.transferTo(new BoundedOutput(tar, entry.size()));
                    if (copied != entry.size()) {
                        throw new IOException("The archive changed while it was read: " + entry.path());
                    }
                    tar.closeArchiveEntry();
                }
                case SYMLINK -> {
                    TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    owned(link, uid, gid, 0777, entry.modified());
                    link.setLinkName(entry.link());
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                }
                case HARDLINK -> {
                    TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_LINK);
                    owned(link, uid, gid, entry.mode(), entry.modified());
                    link.setLinkName(join(prefix, entry.link()));
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                }
            }
        });
        if (index[0] != manifest.entries().size()) {
            throw new IOException("The archive changed while it was read");
        }
        tar.finish();
        tar.flush();
    }

    /**
     * The normalized relative path of an entry name: backslashes count as slashes, {@code .} segments and
     * repeated slashes are dropped; empty for the archive's root.
     *
     * @throws RelayException 400 for an absolute name, a {@code ..} segment or a NUL
     */
    static String entryPath(String name) {
        if (name.indexOf('\0') >= 0) {
            throw rejected("An entry name holds a NUL character");
        }
        String path = name.replace('\\', '/');
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
            throw rejected("Entry '" + name + "' has an absolute path; entries must be relative to the target");
        }
        List<String> names = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw rejected("Entry '" + name + "' climbs out of the target directory with '..'");
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > FilePath.MAX_NAME_BYTES) {
                throw rejected("Entry '" + name + "' has a name longer than " + FilePath.MAX_NAME_BYTES + " bytes");
            }
            names.add(segment);
        }
        String normalized = String.join("/", names);
        if (normalized.length() > FilePath.MAX_LENGTH) {
            throw rejected("Entry '" + name.substring(0, 64) + "...' has a path longer than " + FilePath.MAX_LENGTH
                    + " characters");
        }
        return normalized;
    }

    /**
     * A symbolic link's target, which must stay inside the target directory: relative, and not climbing above it
     * when resolved from the link's own directory.
     */
    private static String symlinkTarget(String name, String path, String target) {
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0
                || target.length() > MAX_LINK_TARGET) {
            throw rejected("Symbolic link '" + name + "' has no usable target");
        }
        if (target.startsWith("/")) {
            throw rejected("Symbolic link '" + name + "' points outside the target directory, to '" + target + "'");
        }
        int depth = ancestors(path).size();
        for (String segment : target.split("/")) {
            if (segment.equals("..")) {
                depth--;
                if (depth < 0) {
                    throw rejected("Symbolic link '" + name + "' points outside the target directory, to '" + target
                            + "'");
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                depth++;
            }
        }
        return target;
    }

    /** A hard link's target: an entry path of the same archive. */
    private static String linkPath(String name, String target) {
        if (target == null || target.isEmpty()) {
            throw rejected("Hard link '" + name + "' has no target");
        }
        try {
            return entryPath(target);
        } catch (RelayException e) {
            throw rejected("Hard link '" + name + "' points outside the target directory, to '" + target + "'");
        }
    }

    /** Reads a file's data through, counting what it expands to against the limits. */
    private static long count(InputStream content, long[] total, long maxBytes, ArchiveLimits limits,
            long archiveBytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int n; (n = content.read(buffer)) > 0;) {
            size += n;
            total[0] += n;
            if (total[0] > maxBytes) {
                if (total[0] > limits.maxExpandedBytes()) {
                    throw tooLarge("The archive expands to more than " + megabytes(limits.maxExpandedBytes())
                            + " (berth.files.max-expanded-size); upload it in smaller parts");
                }
                throw tooLarge("The archive expands to more than " + limits.maxRatio() + " times its size "
                        + "(berth.files.max-expansion-ratio), as a zip bomb does; upload the files as they are "
                        + "or in smaller parts");
            }
        }
        return size;
    }

    /** Permission bits only: set-id and sticky bits are dropped; a mode of 0 gets the usual default. */
    private static int permissions(int mode, Kind kind) {
        int permissions = mode & 0777;
        if (permissions == 0) {
            return kind == Kind.DIRECTORY ? 0755 : kind == Kind.SYMLINK ? 0777 : 0644;
        }
        return permissions;
    }

    /** Every directory above a relative path, outermost first: a, a/b for a/b/c. */
    static List<String> ancestors(String path) {
        List<String> ancestors = new ArrayList<>();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            ancestors.add(path.substring(0, slash));
        }
        return ancestors;
    }

    static String join(String prefix, String path) {
        return prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "/" + path;
    }

    private static void owned(TarArchiveEntry entry, int uid, int gid, int mode, long modified) {
        entry.setUserId(uid);
        entry.setGroupId(gid);
        entry.setMode(mode);
        entry.setModTime(modified > 0 ? modified : System.currentTimeMillis());
    }

    private static String megabytes(long bytes) {
        return (bytes / (1024 * 1024)) + " MB";
    }

    static RelayException rejected(String detail) {
        return new RelayException(HttpStatus.BAD_REQUEST, Problems.ARCHIVE_REJECTED, "Archive rejected",
                detail + "; nothing was extracted");
    }

    static RelayException tooLarge(String detail) {
        return new RelayException(HttpStatus.CONTENT_TOO_LARGE, Problems.CONTENT_TOO_LARGE, "Content too large",
                detail + "; nothing was extracted");
    }

    /** An entry as the archive has it, before any check. */
    private record RawEntry(String name, Kind kind, int mode, String link, long modified, String unsupported) {
    }

    private interface Visitor {

        /** @param content a file's data (null for the other kinds) */
        void visit(RawEntry entry, InputStream content) throws IOException;
    }

    private interface DirectoryMaker {

        void make(String name) throws IOException;
    }

    private static void read(Path archive, ArchiveFormat format, Visitor visitor) {
        try {
            if (format == ArchiveFormat.ZIP) {
                readZip(archive, visitor);
            } else {
                readTarGz(archive, visitor);
            }
        } catch (RelayException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw rejected("The archive could not be read as a " + (format == ArchiveFormat.ZIP ? "zip" : "tar.gz")
                    + ": " + e.getMessage());
        }
    }

    private static void readZip(Path archive, Visitor visitor) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                int mode = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() : 0;
                int type = mode & FILE_TYPE_BITS;
                long modified = entry.getTime();
                if (entry.isUnixSymlink()) {
                    visitor.visit(new RawEntry(entry.getName(), Kind.SYMLINK, mode, zipLink(zip, entry), modified,
                            null), null);
                } else if (entry.isDirectory() || type == DIRECTORY) {
                    visitor.visit(new RawEntry(entry.getName(), Kind.DIRECTORY, mode, null, modified, null), null);
                } else if (type != 0 && type != REGULAR) {
                    visitor.visit(new RawEntry(entry.getName(), Kind.FILE, mode, null, modified, special(type)), null);
                } else if (!zip.canReadEntryData(entry)) {
                    visitor.visit(new RawEntry(entry.getName(), Kind.FILE, mode, null, modified,
                            "encrypted or compressed with a method Berth cannot read"), null);
                } else {
                    try (InputStream content = zip.getInputStream(entry)) {
                        visitor.visit(new RawEntry(entry.getName(), Kind.FILE, mode, null, modified, null), content);
                    }
                }
            }
        }
    }

    /** A zip symlink's target is its data: read up to the longest target allowed. */
    private static String zipLink(ZipFile zip, ZipArchiveEntry entry) throws IOException {
        try (InputStream content = zip.getInputStream(entry)) {
            byte[] target = content.readNBytes(MAX_LINK_TARGET + 1);
            if (target.length > MAX_LINK_TARGET) {
                throw rejected("Symbolic link '" + entry.getName() + "' has a target longer than " + MAX_LINK_TARGET
                        + " bytes");
            }
            return new String(target, StandardCharsets.UTF_8);
        }
    }

    private static void readTarGz(Path archive, Visitor visitor) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 64 * 1024);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file, true),
                        StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null;) {
                if (entry.isGlobalPaxHeader()) {
                    continue;
                }
                int mode = entry.getMode();
                long modified = entry.getModTime().getTime();
                String unsupported = null;
                Kind kind = Kind.FILE;
                if (entry.isSymbolicLink()) {
                    kind = Kind.SYMLINK;
                } else if (entry.isLink()) {
                    kind = Kind.HARDLINK;
                } else if (entry.isDirectory()) {
                    kind = Kind.DIRECTORY;
                } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                    unsupported = "a device";
                } else if (entry.isFIFO()) {
                    unsupported = "a named pipe";
                } else if (entry.isSparse()) {
                    unsupported = "a sparse file";
                } else if (entry.getLinkFlag() != TarConstants.LF_NORMAL
                        && entry.getLinkFlag() != TarConstants.LF_OLDNORM
                        && entry.getLinkFlag() != TarConstants.LF_CONTIG) {
                    unsupported = "of tar type '" + (char) entry.getLinkFlag() + "'";
                }
                visitor.visit(new RawEntry(entry.getName(), kind, mode, entry.getLinkName(), modified, unsupported),
                        kind == Kind.FILE && unsupported == null ? tar : null);
            }
        }
    }

    private static String special(int type) {
        return switch (type) {
            case 0020000, 0060000 -> "a device";
            case 0010000 -> "a named pipe";
            case 0140000 -> "a socket";
            default -> "of an unknown file type";
        };
    }

    /** Passes on at most {@code limit} bytes; more is an error. */
    private static final class BoundedOutput extends OutputStream {

        private final OutputStream out;
        private long left;

        BoundedOutput(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (length > left) {
                throw new IOException("The archive changed while it was read");
            }
            left -= length;
            out.write(bytes, offset, length);
        }
    }
}
