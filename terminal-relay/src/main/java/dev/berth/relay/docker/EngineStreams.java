package dev.berth.relay.docker;

import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.reactivestreams.Publisher;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tar streams into a container through the engine's archive API ({@code PUT /containers/{id}/archive}), sent by a
 * non-blocking HTTP client: an upload's bytes go from the request to the engine as they come, with no thread held
 * and no copy on the way. Reaches the engine at {@code berth.docker.host}: a unix socket, or tcp (with TLS when
 * {@code DOCKER_TLS_VERIFY} is set, from the certificates in {@code DOCKER_CERT_PATH}, as the Docker CLI does).
 * Failures are docker-java's exceptions, as for the relay's other engine calls.
 */
@Component
public class EngineArchive {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;

    public EngineArchive(DockerProperties properties) {
        URI host = properties.host();
        HttpClient client = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis());
        this.http = switch (host.getScheme()) {
            case "unix" -> client.remoteAddress(() -> UnixDomainSocketAddress.of(host.getPath()))
                    .headers(headers -> headers.set(HttpHeaderNames.HOST, "docker"));
            case "tcp" -> {
                HttpClient tcp = client.host(host.getHost()).port(host.getPort());
                yield tlsVerify() ? tcp.secure(ssl -> ssl.sslContext(tls())) : tcp;
            }
            default -> throw new IllegalStateException("berth.docker.host must be a unix:// or tcp:// address, not "
                    + host);
        };
    }

    /**
     * Extracts {@code tar} into {@code directory} of the container; a directory is never replaced by a file. Fails
     * when the engine refuses it, or when {@code tar} fails (the engine then sees the stream cut short).
     */
    public Mono<Void> put(String containerId, String directory, Publisher<ByteBuf> tar) {
        return http.headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/x-tar"))
                .put()
                .uri("/containers/" + containerId + "/archive?noOverwriteDirNonDir=true&path="
                        + URLEncoder.encode(directory, StandardCharsets.UTF_8))
                .send(tar)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("").flatMap(text -> {
                    int status = response.status().code();
                    return status / 100 == 2 ? Mono.<Void>empty() : Mono.error(refusal(status, text));
                }));
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
