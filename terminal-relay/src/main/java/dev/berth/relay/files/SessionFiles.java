package dev.berth.relay.files;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.reactivestreams.Publisher;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;

import dev.berth.relay.docker.DockerConfig;
import dev.berth.relay.docker.EngineStreams;
import dev.berth.relay.exec.ContainerFailures;
import dev.berth.relay.files.ArchiveEntry.Kind;
import dev.berth.relay.files.ContainerShell.Probe;
import dev.berth.relay.session.RunningSession;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A session container's files. A file is written by a command run as the container's user, reading the bytes on
 * its stdin as they come; downloads and archives go through the engine's archive API as tar streams built and read
 * on the fly. What the container's user may see and do is asked of the container itself, as that user, before the
 * engine (which works as root) touches anything: no path may go through a symbolic link, and a directory written to
 * must be writable by the user. Files written belong to that user. Every method but {@link #write} blocks: call
 * them off the event loop.
 */
@Component
class SessionFiles {

    /** Largest listing taken from the container. */
    static final int MAX_LISTING = 8 * 1024 * 1024;

    /**
     * Puts an uploaded file in place: checks each step of path $3 from its root ($5...), then says on stdout
     * {@code R <uid> <gid> <directory>}: the nearest directory that exists, where the bytes are to go under the
     * temporary name $4. Once stdin brings {@link #COMPLETE} and the file has its $1 bytes, it is moved to $3 (the
     * directories it needs are made only then) with mode $2 (empty: that of the file it replaces, else 644). Answers
     * the mode and whether the file is new; exits 10 to 18 (the path concerned, or the reason, on stderr) when it can
     * not write, removing the temporary file.
     */
    private static final String WRITE = ContainerShell.USER_IDS + """
            size=$1 mode=$2 path=$3 temp=$4; shift 4
            dir= state=new
            for p; do
              if [ -L "$p" ]; then printf %s "$p" >&2; exit 10; fi
              [ -e "$p" ] || break
              if [ "$p" = "$path" ]; then
                if [ -d "$p" ]; then exit 11; fi
                [ -f "$p" ] || exit 12
                state=old
                [ -n "$mode" ] || mode=$(stat -c %a -- "$p")
              elif [ -d "$p" ]; then dir=$p
              else printf %s "$p" >&2; exit 13
              fi
            done
            [ -n "$dir" ] || exit 14
            { [ -w "$dir" ] && [ -x "$dir" ]; } || { printf %s "$dir" >&2; exit 15; }
            t=${dir%/}/$temp
            printf 'R %s %s %s\n' "$uid" "$gid" "$dir"
            read -r ack
            if [ "$ack" != ok ] || [ -L "$t" ] || [ ! -f "$t" ] || [ "$(stat -c %s -- "$t")" != "$size" ]; then
              rm -f -- "$t"; exit 17
            fi
            parent=${path%/*}
            mode=${mode:-644}
            if ! { { [ -d "${parent:-/}" ] || mkdir -p -- "$parent"; } && chmod "$mode" -- "$t" && mv -f -- "$t" "$path"; }; then
              rm -f -- "$t"; exit 18
            fi
            printf '%s %s' "$mode" "$state\"""";

    /** What follows the bytes of a whole upload: the command puts the file in place only when it sees it. */
    private static final byte[] COMPLETE = "ok".getBytes(StandardCharsets.US_ASCII);

    /** A directory's entries: type, size, mode, modification time and name of each, NUL-separated. */
    private static final String LIST = """
            if [ ! -e "$1" ] && [ ! -L "$1" ]; then exit 3; fi
            if [ ! -d "$1" ]; then exit 4; fi
            exec find -H "$1" -mindepth 1 -maxdepth 1 -printf '%y\\0%s\\0%m\\0%T@\\0%f\\0'""";

    /** Removes a file, a link or an empty directory: exit 3 when missing, 4 when a directory is not empty. */
    private static final String DELETE = """
            if [ ! -e "$1" ] && [ ! -L "$1" ]; then exit 3; fi
            if [ -d "$1" ] && [ ! -L "$1" ]; then
              rmdir -- "$1" 2>/dev/null && exit 0
              if [ -n "$(ls -A -- "$1" 2>/dev/null)" ]; then exit 4; fi
              rmdir -- "$1" && exit 0
              exit 5
            fi
            rm -f -- "$1" && exit 0
            exit 5""";

    private final DockerClient streams;
    private final EngineStreams engine;
    private final ContainerShell shell;
    private final FilesProperties properties;

    SessionFiles(@Qualifier(DockerConfig.STREAMS) DockerClient streams, EngineStreams engine, ContainerShell shell,
            FilesProperties properties) {
        this.streams = streams;
        this.engine = engine;
        this.shell = shell;
        this.properties = properties;
    }

    /**
     * Writes a file from {@code body}, which must hold exactly {@code size} bytes. A command in the container, as
     * its user, checks the path and says where the bytes may go; they stream through the engine's archive API into
     * a temporary name beside the file, and the command moves them in place once all of them arrived: an upload cut
     * short leaves the file as it was.
     *
     * @param mode permission bits, or null to keep those of the file it replaces (0644 for a new file)
     * @param loop the event loop that reads {@code body}, or null
     */
    Mono<WrittenFile> write(RunningSession session, FilePath path, Integer mode, Flux<DataBuffer> body, long size,
            EventLoop loop) {
        String container = session.containerId();
        String temporaryName = ".berth-upload-" + UUID.randomUUID();
        AtomicLong received = new AtomicLong();
        AtomicBoolean cut = new AtomicBoolean();
        Function<String, Publisher<ByteBuf>> input = line -> {
            // "R <uid> <gid> <directory>": the nearest directory that exists, writable by the container's user
            String[] ready = line.split(" ", 4);
            Flux<ByteBuf> tar = Flux.concat(
                    Mono.fromSupplier(() -> Unpooled.wrappedBuffer(header(temporaryName, Integer.parseInt(ready[1]),
                            Integer.parseInt(ready[2]), size))),
                    exactly(body, size, received, cut),
                    Mono.fromSupplier(() -> Unpooled.wrappedBuffer(trailer(size))));
            return engine.putArchive(container, ready[3], tar, loop)
                    .thenMany(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(COMPLETE)));
        };
        List<String> argv = new ArrayList<>(List.of("sh", "-c", WRITE, "write", Long.toString(size),
                mode == null ? "" : Integer.toOctalString(mode), path.value(), temporaryName));
        argv.addAll(path.chain());
        return shell.feed(container, argv, input, 2 * FilePath.MAX_LENGTH, loop)
                .onErrorMap(error -> cut.get()
                        ? RelayException.invalid("body", (received.get() > size ? "is longer than the "
                                : "ended after " + received.get() + " of the ") + size
                                + " bytes its length declared; nothing was written")
                        : noRoom(error) ? new RelayException(HttpStatus.INSUFFICIENT_STORAGE, Problems.NOT_WRITTEN,
                                "Not written", path + " could not be written: the session has no room left for it; "
                                        + "nothing was written")
                        : ContainerFailures.of(error))
                .map(result -> written(path, size, result));
    }

    private static boolean noRoom(Throwable error) {
        return error.getMessage() != null && error.getMessage().contains("no space left on device");
    }

    /** The tar header of a file of {@code size} bytes, readable and writable by its owner only until it is moved. */
    private static byte[] header(String name, int uid, int gid, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        entry.setUserId(uid);
        entry.setGroupId(gid);
        entry.setMode(0600);
        entry.setSize(size);
        entry.setModTime(System.currentTimeMillis());
        byte[] header = new byte[TarConstants.DEFAULT_RCDSIZE];
        entry.writeEntryHeader(header);
        return header;
    }

    /** What follows a tar's one file of {@code size} bytes: its padding, then the end of the archive. */
    private static byte[] trailer(long size) {
        int padding = (int) ((TarConstants.DEFAULT_RCDSIZE - size % TarConstants.DEFAULT_RCDSIZE)
                % TarConstants.DEFAULT_RCDSIZE);
        return new byte[padding + 2 * TarConstants.DEFAULT_RCDSIZE];
    }

    /** What the write command's exit tells. */
    private static WrittenFile written(FilePath path, long size, ContainerShell.Result result) {
        String named = result.stderr().strip();
        return switch (result.exitCode()) {
            case 0 -> {
                String out = new String(result.stdout(), StandardCharsets.UTF_8);
                String[] answer = out.substring(out.indexOf('\n') + 1).split(" ");
                yield new WrittenFile(path.value(), size, octal(Integer.parseInt(answer[0], 8)),
                        answer[1].equals("new"));
            }
            case 10 -> throw new RelayException(HttpStatus.BAD_REQUEST, Problems.INVALID_PATH, "Invalid path",
                    named + " is a symbolic link; use the path it points to");
            case 11 -> throw notAFile(path, true);
            case 12 -> throw notAFile(path, false);
            case 13 -> throw notADirectory(named);
            case 14 -> throw notFound(path.root());
            case 15 -> throw notWritable(named);
            case 17 -> throw RelayException.invalid("body", "ended before its declared " + size
                    + " bytes; nothing was written");
            default -> throw new RelayException(HttpStatus.CONFLICT, Problems.NOT_A_DIRECTORY, "Not a directory",
                    "The file could not be put in place: " + named);
        };
    }

    /**
     * Passes on exactly {@code size} bytes of a body, counting them in {@code received}. A body that fails, ends
     * sooner or goes on longer fails the stream and sets {@code cut}.
     */
    private static Flux<ByteBuf> exactly(Flux<DataBuffer> body, long size, AtomicLong received, AtomicBoolean cut) {
        return body.map(buffer -> {
            if (received.addAndGet(buffer.readableByteCount()) > size) {
                DataBufferUtils.release(buffer);
                throw new IllegalStateException("The body is longer than " + size + " bytes");
            }
            return NettyDataBufferFactory.toByteBuf(buffer);
        }).concatWith(Mono.defer(() -> received.get() < size
                ? Mono.error(new IOException("The upload ended after " + received.get() + " of " + size + " bytes"))
                : Mono.empty()))
                .doOnError(error -> cut.set(true));
    }

    /** A file's bytes, read as they are sent. */
    Download open(RunningSession session, FilePath path) {
        Probe probe = shell.probe(session.containerId(), path.chain(), null);
        for (String step : path.chain()) {
            ContainerShell.Kind kind = probe.of(step);
            if (kind.missing()) {
                throw notFound(path.value());
            }
            noSymlink(step, kind);
            if (step.equals(path.value())) {
                if (!kind.file()) {
                    throw notAFile(path, kind.directory());
                }
                if (!kind.readable()) {
                    throw new RelayException(HttpStatus.FORBIDDEN, Problems.PERMISSION_DENIED, "Permission denied",
                            path + " is not readable by the session's user");
                }
            } else if (!kind.directory()) {
                throw notFound(path.value());
            }
        }
        InputStream archive;
        try {
            archive = streams.copyArchiveFromContainerCmd(session.containerId(), path.value()).exec();
        } catch (RuntimeException e) {
            throw ContainerFailures.of(e);
        }
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(archive);
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !entry.isFile()) {
                tar.close();
                throw new RelayException(HttpStatus.CONFLICT, Problems.NOT_A_FILE, "Not a file",
                        path + " changed while it was read; try again");
            }
            return new Download(path.name(), entry.getSize(), tar);
        } catch (IOException e) {
            closeQuietly(archive);
            throw ContainerFailures.of(e);
        }
    }

    /** What a directory holds, as its user sees it; symbolic links are listed, not followed. */
    FileListing list(RunningSession session, FilePath path) {
        ContainerShell.Result result = shell.run(session.containerId(), List.of("sh", "-c", LIST, "list",
                path.value()), MAX_LISTING);
        switch (result.exitCode()) {
            case 0 -> {
            }
            case 3 -> throw notFound(path.value());
            case 4 -> throw new RelayException(HttpStatus.BAD_REQUEST, Problems.NOT_A_DIRECTORY, "Not a directory",
                    path + " is a file; download it with GET .../files?path=" + path);
            default -> throw new RelayException(HttpStatus.FORBIDDEN, Problems.PERMISSION_DENIED,
                    "Permission denied", path + " can not be listed: " + result.stderr().strip());
        }
        List<String> fields = ContainerShell.fields(result.stdout());
        List<FileEntry> entries = new ArrayList<>();
        for (int i = 0; i + 4 < fields.size(); i += 5) {
            entries.add(new FileEntry(fields.get(i + 4), type(fields.get(i)), Long.parseLong(fields.get(i + 1)),
                    octal(Integer.parseInt(fields.get(i + 2), 8)), instant(fields.get(i + 3))));
        }
        if (result.truncated() && !entries.isEmpty()) {
            entries.removeLast(); // its name may be cut
        }
        entries.sort(Comparator.comparing(FileEntry::name));
        return new FileListing(path.value(), List.copyOf(entries), result.truncated());
    }

    /** Removes a file, a symbolic link or an empty directory. */
    void delete(RunningSession session, FilePath path) {
        if (path.isRoot()) {
            throw new RelayException(HttpStatus.BAD_REQUEST, Problems.INVALID_PATH, "Invalid path",
                    path + " is where the session's files live; it can not be deleted");
        }
        ContainerShell.Result result = shell.run(session.containerId(), List.of("sh", "-c", DELETE, "delete",
                path.value()), 0);
        switch (result.exitCode()) {
            case 0 -> {
            }
            case 3 -> throw notFound(path.value());
            case 4 -> throw new RelayException(HttpStatus.CONFLICT, Problems.DIRECTORY_NOT_EMPTY,
                    "Directory not empty", path + " is a directory that is not empty; delete what it holds first");
            default -> throw new RelayException(HttpStatus.FORBIDDEN, Problems.PERMISSION_DENIED,
                    "Permission denied", path + " can not be deleted: " + result.stderr().strip());
        }
    }

    /**
     * Extracts an archive (on the relay's disk) under a directory, created if missing. Every entry is checked
     * first, against the archive rules and against what the container holds; only then does one tar stream go to
     * the engine, so a refused archive writes nothing.
     */
    Extraction extract(RunningSession session, FilePath target, Path archive, ArchiveFormat format) {
        Archives.Manifest manifest = Archives.check(archive, format, properties.archiveLimits());
        Set<String> directories = manifest.directories();
        Set<String> asked = new LinkedHashSet<>(target.chain());
        directories.forEach(directory -> asked.add(target.resolve(directory)));
        manifest.entries().forEach(entry -> asked.add(target.resolve(entry.path())));
        Probe probe = shell.probe(session.containerId(), List.copyOf(asked), null);

        String extractInto = null;
        for (String step : target.chain()) {
            ContainerShell.Kind kind = probe.of(step);
            if (kind.missing()) {
                break;
            }
            noSymlink(step, kind);
            if (!kind.directory()) {
                throw notADirectory(step);
            }
            extractInto = step;
        }
        if (extractInto == null) {
            throw notFound(target.root());
        }
        String prefix = extractInto.equals(target.value()) ? ""
                : target.value().substring(extractInto.equals("/") ? 1 : extractInto.length() + 1);
        Set<String> existing = new HashSet<>();
        if (!prefix.isEmpty() && !probe.of(extractInto).writable()) {
            throw notWritable(extractInto);
        }
        for (String directory : directories) {
            ContainerShell.Kind kind = probe.of(target.resolve(directory));
            if (kind.symlink()) {
                throw Archives.rejected("'" + directory + "' would be written through the symbolic link "
                        + target.resolve(directory) + " in the session");
            }
            if (kind.directory()) {
                existing.add(Archives.join(prefix, directory));
            } else if (!kind.missing()) {
                throw Archives.rejected("'" + directory + "' is a directory in the archive but "
                        + target.resolve(directory) + " is a file in the session");
            }
        }
        for (ArchiveEntry entry : manifest.entries()) {
            String path = target.resolve(entry.path());
            if (entry.kind() != Kind.DIRECTORY && probe.of(path).directory()) {
                throw Archives.rejected("'" + entry.path() + "' is a " + entry.kind().label() + " in the archive but "
                        + path + " is a directory in the session");
            }
            int slash = entry.path().lastIndexOf('/');
            String parent = target.resolve(slash < 0 ? "" : entry.path().substring(0, slash));
            ContainerShell.Kind holder = probe.of(parent);
            if (holder.directory() && !holder.writable()) {
                throw notWritable(parent);
            }
        }
        send(session.containerId(), extractInto, out -> Archives.writeTar(archive, format, manifest, prefix,
                existing, probe.uid(), probe.gid(), out));
        return extraction(target, manifest);
    }

    private interface TarWriter {

        void write(OutputStream out) throws IOException;
    }

    /**
     * Streams what {@code writer} writes to the engine, extracted into {@code directory}, through a pipe. A writer
     * that fails makes the stream fail too: the engine never takes a cut stream for a whole one.
     */
    private void send(String container, String directory, TarWriter writer) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        PipedInputStream pipe = new PipedInputStream(256 * 1024);
        PipedOutputStream sink;
        try {
            sink = new PipedOutputStream(pipe);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try {
                BufferedOutputStream out = new BufferedOutputStream(sink, 64 * 1024);
                writer.write(out);
                out.flush();
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                closeQuietly(sink);
            }
        }, task -> Schedulers.boundedElastic().schedule(task));
        InputStream checked = new FilterInputStream(pipe) {
            @Override
            public int read() throws IOException {
                return checked(super.read());
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return checked(super.read(bytes, offset, length));
            }

            private int checked(int n) throws IOException {
                if (n < 0 && failure.get() != null) {
                    throw new IOException("The tar stream could not be written", failure.get());
                }
                return n;
            }
        };
        try {
            streams.copyArchiveToContainerCmd(container).withRemotePath(directory).withNoOverwriteDirNonDir(true)
                    .withTarInputStream(checked).exec();
        } catch (RuntimeException e) {
            Throwable first = failure.get();
            throw first instanceof RelayException refused ? refused : ContainerFailures.of(first != null ? first : e);
        } finally {
            closeQuietly(pipe); // a writer still writing stops
            writing.join();
        }
    }

    private static Extraction extraction(FilePath target, Archives.Manifest manifest) {
        List<Extraction.Entry> entries = new ArrayList<>();
        int files = 0;
        int directories = 0;
        int links = 0;
        for (ArchiveEntry entry : manifest.entries()) {
            entries.add(new Extraction.Entry(target.resolve(entry.path()), entry.kind().label(), entry.size()));
            switch (entry.kind()) {
                case FILE -> files++;
                case DIRECTORY -> directories++;
                case SYMLINK, HARDLINK -> links++;
            }
        }
        return new Extraction(target.value(), Collections.unmodifiableList(entries), files, directories, links,
                manifest.bytes());
    }

    private static void noSymlink(String path, ContainerShell.Kind kind) {
        if (kind.symlink()) {
            throw new RelayException(HttpStatus.BAD_REQUEST, Problems.INVALID_PATH, "Invalid path",
                    path + " is a symbolic link; use the path it points to");
        }
    }

    private static RelayException notAFile(FilePath path, boolean directory) {
        return new RelayException(HttpStatus.BAD_REQUEST, Problems.NOT_A_FILE, "Not a file", directory
                ? path + " is a directory; list it with GET .../files/list?path=" + path
                : path + " is not a regular file");
    }

    private static RelayException notADirectory(String path) {
        return new RelayException(HttpStatus.CONFLICT, Problems.NOT_A_DIRECTORY, "Not a directory",
                path + " is a file, not a directory");
    }

    private static RelayException notFound(String path) {
        return new RelayException(HttpStatus.NOT_FOUND, Problems.FILE_NOT_FOUND, "File not found",
                path + " does not exist in the session");
    }

    private static RelayException notWritable(String directory) {
        return new RelayException(HttpStatus.FORBIDDEN, Problems.PERMISSION_DENIED, "Permission denied",
                directory + " is not writable by the session's user");
    }

    private static String type(String findType) {
        return switch (findType) {
            case "f" -> "file";
            case "d" -> "directory";
            case "l" -> "symlink";
            default -> "other";
        };
    }

    private static Instant instant(String secondsWithFraction) {
        BigDecimal seconds = new BigDecimal(secondsWithFraction);
        long whole = seconds.longValue();
        return Instant.ofEpochSecond(whole, seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue());
    }

    static String octal(int mode) {
        return String.format("%04o", mode);
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // gone either way
        }
    }
}
