package dev.berth.relay.docker;

import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.tcp.TcpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams into session containers on connections of their own to the engine, non-blocking: the input of an exec,
 * or a tar extracted by the archive API, goes from its publisher to the engine as it comes, with no thread held
 * and no copy on the way.
 * Reaches the engine at {@code berth.docker.host}: a unix socket, or tcp (with TLS when {@code DOCKER_TLS_VERIFY}
 * is set, from the certificates in {@code DOCKER_CERT_PATH}, as the Docker CLI does). Refusals are docker-java's
 * exceptions, as for the relay's other engine calls.
 */
@Component
public class EngineStreams {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TcpClient tcp;
    private final HttpClient http;

    public EngineStreams(DockerProperties properties) {
        URI host = properties.host();
        int connectTimeout = (int) properties.connectTimeout().toMillis();
        TcpClient client = TcpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeout);
        HttpClient calls = HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeout);
        switch (host.getScheme()) {
            case "unix" -> {
                this.tcp = client.remoteAddress(() -> UnixDomainSocketAddress.of(host.getPath()));
                this.http = calls.remoteAddress(() -> UnixDomainSocketAddress.of(host.getPath()))
                        .headers(headers -> headers.set(HttpHeaderNames.HOST, "docker"));
            }
            case "tcp" -> {
                TcpClient plainTcp = client.host(host.getHost()).port(host.getPort());
                HttpClient plainHttp = calls.host(host.getHost()).port(host.getPort());
                this.tcp = tlsVerify() ? plainTcp.secure(ssl -> ssl.sslContext(tls())) : plainTcp;
                this.http = tlsVerify() ? plainHttp.secure(ssl -> ssl.sslContext(tls())) : plainHttp;
            }
            default -> throw new IllegalStateException("berth.docker.host must be a unix:// or tcp:// address, not "
                    + host);
        }
    }

    /**
     * Starts exec {@code execId} (created without a TTY, attached to stdin, stdout and stderr) and, once the process
     * wrote its first line to stdout, feeds it what {@code input} makes of that line: a process says when it is
     * ready for its input, and with what. The input's end closes the process's stdin; when the input fails, stdin is
     * closed all the same and the answer fails with that error once the process ended. Completes with the process's
     * output when it ended (its exit code not yet known: the engine tells it apart).
     *
     * @param maxStdout bytes of stdout kept; stderr keeps {@link ExecOutput#MAX_STDERR}
     * @param loop      the event loop of the connection, or null for any
     */
    public Mono<ExecOutput> exec(String execId, Function<String, Publisher<ByteBuf>> input, int maxStdout,
            EventLoop loop) {
        return (loop == null ? tcp : tcp.runOn(loop)).connect().flatMap(connection -> {
            ExecOutput.Reader reader = new ExecOutput.Reader(maxStdout);
            Sinks.One<String> ready = Sinks.one();
            AtomicReference<Throwable> inputFailure = new AtomicReference<>();
            Mono<Void> writing = connection.outbound().sendString(Mono.just(startRequest(execId, false)),
                            StandardCharsets.US_ASCII)
                    .then()
                    .then(ready.asMono())
                    .flatMap(line -> connection.outbound()
                            .send(Flux.defer(() -> input.apply(line)).doOnError(inputFailure::set)).then())
                    .onErrorResume(error -> Mono.empty()) // the process ended, or the engine refused
                    .then(Mono.defer(() -> closeInput(connection)))
                    .cache();
            writing.subscribe();
            return connection.inbound().receive()
                    .doOnNext(bytes -> {
                        reader.read(bytes);
                        String line = reader.firstLine();
                        if (line != null) {
                            ready.tryEmitValue(line);
                        }
                    })
                    .takeUntil(bytes -> reader.refusedInFull())
                    .doFinally(signal -> ready.tryEmitError(new IllegalStateException("the exec stream ended")))
                    .then(Mono.fromCallable(() -> {
                        if (!reader.upgraded()) {
                            throw reader.status() == 0
                                    ? new DockerException("The engine closed the exec stream of " + execId
                                            + " before it answered", 500)
                                    : refusal(reader.status(), reader.refusal());
                        }
                        return reader.output();
                    }))
                    .flatMap(output -> writing.then(Mono.defer(() -> inputFailure.get() == null
                            ? Mono.just(output) : Mono.error(inputFailure.get()))))
                    .doFinally(signal -> connection.dispose());
        });
    }

    /**
     * Extracts {@code tar} into {@code directory} of the container through the engine's archive API; a directory is
     * never replaced by a file. Fails when the engine refuses it, or when {@code tar} fails (the engine then sees
     * the stream cut short).
     *
     * @param loop the event loop of the connection, or null for any
     */
    public Mono<Void> putArchive(String containerId, String directory, Publisher<ByteBuf> tar, EventLoop loop) {
        return (loop == null ? http : http.runOn(loop))
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/x-tar"))
                .put()
                .uri("/containers/" + containerId + "/archive?noOverwriteDirNonDir=true&path="
                        + URLEncoder.encode(directory, StandardCharsets.UTF_8))
                .send(tar)
                .responseSingle((response, content) -> content.asString().defaultIfEmpty("").flatMap(text -> {
                    int status = response.status().code();
                    return status / 100 == 2 ? Mono.<Void>empty() : Mono.error(refusal(status, text));
                }));
    }

    /**
     * The request that starts exec {@code execId} and turns the connection into its raw stream (the engine answers
     * 101, then the process's output follows on the same connection).
     */
    static String startRequest(String execId, boolean tty) {
        String body = "{\"Detach\":false,\"Tty\":" + tty + "}";
        return "POST /exec/" + execId + "/start HTTP/1.1\r\nHost: docker\r\n"
                + "Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** Ends what the process reads: its stdin sees the end, its output still comes. */
    private static Mono<Void> closeInput(Connection connection) {
        if (!(connection.channel() instanceof DuplexChannel channel) || !channel.isActive()) {
            return Mono.empty();
        }
        return Mono.create(sink -> channel.shutdownOutput().addListener(done -> sink.success()));
    }

    /**
     * An engine's refusal as docker-java's exception for it, with the message of its JSON body ({@code body} as it
     * is when it is not JSON).
     */
    static DockerException refusal(int status, String body) {
        String message = body.strip();
        try {
            JsonNode json = JSON.readTree(body);
            if (json.hasNonNull("message")) {
                message = json.get("message").asString();
            }
        } catch (RuntimeException e) {
            // not JSON: the body as it is
        }
        if (message.isEmpty()) {
            message = "the engine answered " + status;
        }
        return switch (status) {
            case 404 -> new NotFoundException(message);
            case 409 -> new ConflictException(message);
            default -> new DockerException(message, status);
        };
    }

    /** Whether the engine is reached over TLS, as the Docker CLI decides it ({@code DOCKER_TLS_VERIFY}). */
    static boolean tlsVerify() {
        String verify = System.getenv("DOCKER_TLS_VERIFY");
        return verify != null && !verify.isBlank() && !verify.equals("0") && !verify.equalsIgnoreCase("false");
    }

    private static SslContext tls() {
        String certPath = System.getenv("DOCKER_CERT_PATH");
        Path certs = certPath == null || certPath.isBlank()
                ? Path.of(System.getProperty("user.home"), ".docker") : Path.of(certPath);
        try {
            return SslContextBuilder.forClient()
                    .keyManager(file(certs, "cert.pem"), file(certs, "key.pem"))
                    .trustManager(file(certs, "ca.pem"))
                    .build();
        } catch (javax.net.ssl.SSLException | RuntimeException e) {
            throw new IllegalStateException("The engine's TLS certificates in " + certs
                    + " (cert.pem, key.pem, ca.pem) cannot be used: " + e.getMessage(), e);
        }
    }

    private static File file(Path directory, String name) {
        return directory.resolve(name).toFile();
    }
}
