package dev.berth.relay.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.berth.relay.files.ArchiveEntry.Kind;
import dev.berth.relay.web.RelayException;

class ArchivesTest {

    private static final ArchiveLimits LIMITS = new ArchiveLimits(100, 64L << 20, 100);

    @TempDir
    Path dir;

    @Test
    void aZipIsCheckedAndBecomesATarOwnedByTheUserWithEveryDirectoryFirst() throws Exception {
        Path zip = zip(z -> {
            file(z, "app/package.json", "{}", 0100644);
            file(z, "app/src/server.js", "console.log(1)", 0100755);
            directory(z, "app/empty/");
            symlink(z, "app/bin/start", "../src/server.js");
        });
        Archives.Manifest manifest = Archives.check(zip, ArchiveFormat.ZIP, LIMITS);
        assertThat(manifest.entries()).extracting(ArchiveEntry::path, ArchiveEntry::kind, ArchiveEntry::size)
                .containsExactly(
                        tuple("app/package.json", Kind.FILE, 2L),
                        tuple("app/src/server.js", Kind.FILE, 14L),
                        tuple("app/empty", Kind.DIRECTORY, 0L),
                        tuple("app/bin/start", Kind.SYMLINK, 0L));
        assertThat(manifest.bytes()).isEqualTo(16);
        assertThat(manifest.directories()).containsExactlyInAnyOrder("app", "app/src", "app/empty", "app/bin");

        List<TarArchiveEntry> tar = tar(zip, ArchiveFormat.ZIP, manifest, "", Set.of("app"));
        assertThat(tar).extracting(TarArchiveEntry::getName).containsExactly("app/package.json", "app/src/",
                "app/src/server.js", "app/empty/", "app/bin/", "app/bin/start");
        assertThat(tar).allSatisfy(entry -> {
            assertThat(entry.getLongUserId()).isEqualTo(1000);
            assertThat(entry.getLongGroupId()).isEqualTo(1001);
        });
        assertThat(tar.get(2).getMode() & 0777).isEqualTo(0755);
        assertThat(tar.get(2).getSize()).isEqualTo(14);
        assertThat(tar.get(5).getLinkName()).isEqualTo("../src/server.js");
    }

    @Test
    void aMissingTargetIsCreatedByItsOwnEntries() throws Exception {
        Path archive = tarGz(t -> tarFile(t, "./index.js", "x"));
        Archives.Manifest manifest = Archives.check(archive, ArchiveFormat.TAR_GZ, LIMITS);
        assertThat(tar(archive, ArchiveFormat.TAR_GZ, manifest, "new/app", Set.of()))
                .extracting(TarArchiveEntry::getName).containsExactly("new/", "new/app/", "new/app/index.js");
    }

    @Test
    void entriesThatWouldLandOutsideTheTargetAreRefused() throws Exception {
        rejected(zip(z -> file(z, "../evil.sh", "x", 0100644)), "Entry '../evil.sh' climbs out");
        rejected(zip(z -> file(z, "a/../../evil.sh", "x", 0100644)), "climbs out");
        rejected(zip(z -> file(z, "..\\..\\evil.sh", "x", 0100644)), "climbs out");
        rejected(zip(z -> file(z, "/etc/passwd", "x", 0100644)), "Entry '/etc/passwd' has an absolute path");
        rejected(zip(z -> file(z, "C:\\Windows\\x", "x", 0100644)), "has an absolute path");
        rejected(tarGz(t -> tarFile(t, "/etc/cron.d/x", "x")), "has an absolute path");
        rejected(tarGz(t -> tarFile(t, "ok/../../x", "x")), "climbs out");
    }

    @Test
    void linksThatPointOutsideTheTargetAreRefused() throws Exception {
        rejected(zip(z -> symlink(z, "etc", "/etc")), "Symbolic link 'etc' points outside the target directory");
        rejected(zip(z -> symlink(z, "a/up", "../../..")), "Symbolic link 'a/up' points outside");
        rejected(tarGz(t -> tarLink(t, "x", "../../etc/passwd", TarConstants.LF_SYMLINK)), "points outside");
        rejected(tarGz(t -> tarLink(t, "x", "/etc/passwd", TarConstants.LF_LINK)),
                "Hard link 'x' points outside the target directory");
        rejected(tarGz(t -> tarLink(t, "x", "missing", TarConstants.LF_LINK)),
                "Hard link 'x' must point to a file earlier in the archive");
        Path inside = tarGz(t -> {
            tarFile(t, "lib/a.js", "a");
            tarLink(t, "lib/b.js", "lib/a.js", TarConstants.LF_LINK);
            tarLink(t, "bin/a", "../lib/a.js", TarConstants.LF_SYMLINK);
        });
        assertThat(Archives.check(inside, ArchiveFormat.TAR_GZ, LIMITS).entries()).extracting(ArchiveEntry::kind)
                .containsExactly(Kind.FILE, Kind.HARDLINK, Kind.SYMLINK);
    }

    @Test
    void nothingIsWrittenThroughALinkOrInsideAFileOfTheArchive() throws Exception {
        rejected(zip(z -> {
            symlink(z, "lib", "real");
            file(z, "lib/x.js", "x", 0100644);
        }), "Entry 'lib/x.js' lies inside 'lib', which the archive makes a symlink, not a directory");
        rejected(zip(z -> {
            file(z, "a/b/c", "x", 0100644);
            file(z, "a", "x", 0100644);
        }), "lies inside 'a', which the archive makes a file");
        rejected(zip(z -> {
            file(z, "same", "1", 0100644);
            file(z, "./same", "2", 0100644);
        }), "Entry './same' appears twice in the archive");
    }

    @Test
    void devicesAndPipesAreRefused() throws Exception {
        rejected(tarGz(t -> tarLink(t, "null", null, TarConstants.LF_CHR)), "Entry 'null' is a device");
        rejected(tarGz(t -> tarLink(t, "disk", null, TarConstants.LF_BLK)), "is a device");
        rejected(tarGz(t -> tarLink(t, "pipe", null, TarConstants.LF_FIFO)), "Entry 'pipe' is a named pipe");
        rejected(zip(z -> file(z, "pipe", "", 0010644)), "Entry 'pipe' is a named pipe");
    }

    @Test
    void limitsAreCountedWhileReading() throws Exception {
        Path many = zip(z -> {
            for (int i = 0; i < 4; i++) {
                file(z, "f" + i, "x", 0100644);
            }
        });
        tooLarge(many, new ArchiveLimits(3, 1L << 20, 100), "The archive has more than 3 entries "
                + "(berth.files.max-entries)");

        byte[] zeros = new byte[20 << 20];
        Path bomb = zip(z -> file(z, "zeros", zeros, 0100644));
        assertThat(Files.size(bomb)).isLessThan(100_000);
        tooLarge(bomb, new ArchiveLimits(10, 1L << 30, 10), "The archive expands to more than 10 times its size "
                + "(berth.files.max-expansion-ratio)");
        tooLarge(bomb, new ArchiveLimits(10, 8L << 20, 1000), "The archive expands to more than 8 MB "
                + "(berth.files.max-expanded-size)");
        assertThat(Archives.check(bomb, ArchiveFormat.ZIP, new ArchiveLimits(10, 1L << 30, 1000)).bytes())
                .isEqualTo(zeros.length);
    }

    @Test
    void aBrokenArchiveIsRefused() throws Exception {
        Path broken = dir.resolve("broken.zip");
        Files.write(broken, "PK\u0003\u0004 not really a zip".getBytes(StandardCharsets.ISO_8859_1));
        rejected(broken, ArchiveFormat.ZIP, "The archive could not be read as a zip");
        Path cut = dir.resolve("cut.tar.gz");
        byte[] whole = Files.readAllBytes(tarGz(t -> tarFile(t, "a", "x".repeat(10_000))));
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        rejected(cut, ArchiveFormat.TAR_GZ, "The archive could not be read as a tar.gz");
    }

    @Test
    void formatsAreToldApartByTheirFirstBytes() {
        assertThat(ArchiveFormat.sniff(new byte[] {'P', 'K', 3, 4}, 4)).isEqualTo(ArchiveFormat.ZIP);
        assertThat(ArchiveFormat.sniff(new byte[] {'P', 'K', 5, 6}, 4)).isEqualTo(ArchiveFormat.ZIP);
        assertThat(ArchiveFormat.sniff(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 4)).isEqualTo(ArchiveFormat.TAR_GZ);
        assertThat(ArchiveFormat.sniff(new byte[] {'{', '}', 0, 0}, 2)).isNull();
        assertThat(ArchiveFormat.sniff(new byte[4], 0)).isNull();
    }

    private void rejected(Path zip, String detail) {
        rejected(zip, zip.toString().endsWith(".zip") ? ArchiveFormat.ZIP : ArchiveFormat.TAR_GZ, detail);
    }

    private static void rejected(Path archive, ArchiveFormat format, String detail) {
        assertThatThrownBy(() -> Archives.check(archive, format, LIMITS))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.slug()).isEqualTo("archive-rejected");
                    assertThat(e.getMessage()).contains(detail).endsWith("; nothing was extracted");
                });
    }

    private static void tooLarge(Path archive, ArchiveLimits limits, String detail) {
        assertThatThrownBy(() -> Archives.check(archive, ArchiveFormat.ZIP, limits))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(413);
                    assertThat(e.slug()).isEqualTo("content-too-large");
                    assertThat(e.getMessage()).startsWith(detail);
                });
    }

    private static List<TarArchiveEntry> tar(Path archive, ArchiveFormat format, Archives.Manifest manifest,
            String prefix, Set<String> existing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Archives.writeTar(archive, format, manifest, prefix, existing, 1000, 1001, out);
        List<TarArchiveEntry> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null;) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private interface Writer<T> {

        void write(T archive) throws IOException;
    }

    private Path zip(Writer<ZipArchiveOutputStream> writer) throws IOException {
        Path file = Files.createTempFile(dir, "test", ".zip");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
            writer.write(zip);
        }
        return file;
    }

    private static void file(ZipArchiveOutputStream zip, String name, String content, int mode) throws IOException {
        file(zip, name, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    private static void file(ZipArchiveOutputStream zip, String name, byte[] content, int mode) throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setUnixMode(mode);
        zip.putArchiveEntry(entry);
        zip.write(content);
        zip.closeArchiveEntry();
    }

    private static void directory(ZipArchiveOutputStream zip, String name) throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setUnixMode(0040755);
        zip.putArchiveEntry(entry);
        zip.closeArchiveEntry();
    }

    private static void symlink(ZipArchiveOutputStream zip, String name, String target) throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setUnixMode(0120777);
        zip.putArchiveEntry(entry);
        zip.write(target.getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
    }

    private Path tarGz(Writer<TarArchiveOutputStream> writer) throws IOException {
        Path file = Files.createTempFile(dir, "test", ".tar.gz");
        try (OutputStream out = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            writer.write(tar);
        }
        return file;
    }

    private static void tarFile(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void tarLink(TarArchiveOutputStream tar, String name, String target, byte type)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        if (target != null) {
            entry.setLinkName(target);
        }
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }
}
