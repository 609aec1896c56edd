package dev.berth.relay.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.core.Authentication;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.berth.relay.security.Caller;
import dev.berth.relay.session.RunningSession;
import dev.berth.relay.session.SessionAccess;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import io.netty.channel.EventLoop;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * A session's files: write one from the request body, read it back, list a directory, delete, and extract a zip or
 * tar.gz. Bodies stream: a file goes through as it arrives (or through the relay's disk when its length is not
 * declared), and an archive waits on the relay's disk until every entry is checked.
 */
@RestController
@RequestMapping("/api/v1/sessions/{sessionId}/files")
class FilesController {

    /** Buffers of a request body read ahead of the engine: at most a few MB, however large the body. */
    private static final int READ_AHEAD = 64;
    private static final int CHUNK = 64 * 1024;

    private final SessionAccess access;
    private final SessionFiles files;
    private final FilesProperties properties;

    FilesController(SessionAccess access, SessionFiles files, FilesProperties properties) {
        this.access = access;
        this.files = files;
        this.properties = properties;
    }

    /** Writes the body to {@code path}; 201 for a new file, 200 for one replaced. */
    @PutMapping
    Mono<ResponseEntity<WrittenFile>> write(@PathVariable UUID sessionId, @RequestParam(required = false) String path,
            @RequestParam(required = false) String mode, @RequestParam(required = false) String container,
            ServerWebExchange exchange, Authentication authentication) {
        long declared = exchange.getRequest().getHeaders().getContentLength();
        Flux<DataBuffer> body = exchange.getRequest().getBody();
        long maxBytes = properties.maxFileSize().toBytes();
        return access.running(Caller.of(authentication), sessionId, container).flatMap(session -> {
            FilePath file = FilePath.parse(path, properties.roots());
            Integer permissions = mode(mode);
            if (declared > maxBytes) {
                throw tooLarge("The file is larger than " + size(properties.maxFileSize())
                        + " (berth.files.max-file-size)");
            }
            if (declared >= 0) {
                return files.write(session, file, permissions, body, declared, eventLoop(exchange));
            }
            // no declared length: the body waits on the relay's disk until its length is known
            return Mono.fromCallable(() -> spool(body, maxBytes, () -> tooLarge("The file is larger than "
                            + size(properties.maxFileSize()) + " (berth.files.max-file-size)")))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(spooled -> Mono.fromCallable(() -> Files.size(spooled))
                            .flatMap(length -> files.write(session, file, permissions, DataBufferUtils.read(spooled,
                                    exchange.getResponse().bufferFactory(), CHUNK), length, null))
                            .doFinally(signal -> deleteQuietly(spooled)));
        }).map(written -> ResponseEntity.status(written.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(written));
    }

    /** The event loop that reads the request, where the server is Reactor Netty's. */
    private static EventLoop eventLoop(ServerWebExchange exchange) {
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        return request instanceof Connection connection ? connection.channel().eventLoop() : null;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file; the relay's temporary folder is cleaned with the machine
        }
    }

    /** The bytes of the file at {@code path}. */
    @GetMapping
    Mono<ResponseEntity<Flux<DataBuffer>>> read(@PathVariable UUID sessionId,
            @RequestParam(required = false) String path, @RequestParam(required = false) String container,
            ServerWebExchange exchange, Authentication authentication) {
        return session(authentication, sessionId, container,
                session -> files.open(session, FilePath.parse(path, properties.roots())))
                .map(download -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .contentLength(download.size())
                        .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                                .filename(download.name(), StandardCharsets.UTF_8).build().toString())
                        .body(DataBufferUtils.readInputStream(download::content,
                                exchange.getResponse().bufferFactory(), CHUNK)
                                .subscribeOn(Schedulers.boundedElastic())));
    }

    /** What the directory at {@code path} holds. */
    @GetMapping("/list")
    Mono<FileListing> list(@PathVariable UUID sessionId, @RequestParam(required = false) String path,
            @RequestParam(required = false) String container, Authentication authentication) {
        return session(authentication, sessionId, container,
                session -> files.list(session, FilePath.parse(path, properties.roots())));
    }

    /** Removes the file, symbolic link or empty directory at {@code path}. */
    @DeleteMapping
    Mono<ResponseEntity<Void>> delete(@PathVariable UUID sessionId, @RequestParam(required = false) String path,
            @RequestParam(required = false) String container, Authentication authentication) {
        return session(authentication, sessionId, container, session -> {
            files.delete(session, FilePath.parse(path, properties.roots()));
            return ResponseEntity.noContent().<Void>build();
        });
    }

    /** Extracts the zip or tar.gz body under the directory at {@code path}, created if missing. */
    @PostMapping("/archive")
    Mono<Extraction> extract(@PathVariable UUID sessionId, @RequestParam(required = false) String path,
            @RequestParam(required = false) String container, ServerWebExchange exchange,
            Authentication authentication) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        long declared = headers.getContentLength();
        Flux<DataBuffer> body = exchange.getRequest().getBody();
        DataSize maxSize = properties.maxArchiveSize();
        return session(authentication, sessionId, container, session -> {
            FilePath target = FilePath.parse(path, properties.roots());
            MediaType contentType = contentType(headers);
            if (!ArchiveFormat.acceptable(contentType)) {
                throw unsupported("Content-Type " + contentType + " is not an archive; send a zip "
                        + "(application/zip) or a tar.gz (application/gzip)");
            }
            String limit = "The archive is larger than " + size(maxSize) + " (berth.files.max-archive-size); "
                    + "split it into smaller archives";
            if (declared > maxSize.toBytes()) {
                throw tooLarge(limit);
            }
            Path spooled = spool(body, maxSize.toBytes(), () -> tooLarge(limit));
            try {
                return files.extract(session, target, spooled, format(spooled));
            } finally {
                Files.deleteIfExists(spooled);
            }
        });
    }

    /** Runs {@code work} for the caller's running session in {@code container}, off the event loop. */
    private <T> Mono<T> session(Authentication authentication, UUID sessionId, String container,
            SessionWork<T> work) {
        return access.running(Caller.of(authentication), sessionId, container)
                .flatMap(session -> Mono.fromCallable(() -> work.run(session))
                        .subscribeOn(Schedulers.boundedElastic()));
    }

    private interface SessionWork<T> {

        T run(RunningSession session) throws IOException;
    }

    /**
     * Writes a body to a file on the relay's disk (mode 600), refusing it once it goes beyond {@code maxBytes}.
     * The caller deletes the file.
     */
    static Path spool(Flux<DataBuffer> body, long maxBytes, Supplier<RelayException> tooLarge) throws IOException {
        Path file = Files.createTempFile("berth-upload-", ".part");
        try (InputStream in = DataBufferUtils.subscriberInputStream(body, READ_AHEAD);
                OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[CHUNK];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0;) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge.get();
                }
                out.write(buffer, 0, n);
            }
            return file;
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The archive's format, from its first bytes. */
    private static ArchiveFormat format(Path archive) throws IOException {
        byte[] head = new byte[4];
        int length;
        try (InputStream in = Files.newInputStream(archive)) {
            length = in.readNBytes(head, 0, head.length);
        }
        ArchiveFormat format = ArchiveFormat.sniff(head, length);
        if (format == null) {
            throw unsupported("The body is neither a zip nor a gzip-compressed tar (it starts with 0x"
                    + HexFormat.of().formatHex(head, 0, length) + "); send a .zip or a .tar.gz");
        }
        return format;
    }

    private static MediaType contentType(HttpHeaders headers) {
        try {
            return headers.getContentType();
        } catch (RuntimeException e) {
            throw unsupported("Content-Type is not a valid media type");
        }
    }

    /** Octal permission bits from 0 to 0777, or null when not given. */
    static Integer mode(String value) {
        if (value == null) {
            return null;
        }
        if (!value.matches("[0-7]{1,4}") || Integer.parseInt(value, 8) > 0777) {
            throw RelayException.invalid("mode", "must be octal permission bits from 0000 to 0777, such as 0644 or "
                    + "0755");
        }
        return Integer.parseInt(value, 8);
    }

    private static RelayException tooLarge(String detail) {
        return new RelayException(HttpStatus.CONTENT_TOO_LARGE, Problems.CONTENT_TOO_LARGE, "Content too large",
                detail + "; nothing was written");
    }

    private static RelayException unsupported(String detail) {
        return new RelayException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, Problems.UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type", detail);
    }

    private static String size(DataSize size) {
        return size.toMegabytes() > 0 ? size.toMegabytes() + " MB" : size.toBytes() + " bytes";
    }
}
