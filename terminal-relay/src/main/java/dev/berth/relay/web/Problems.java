package dev.berth.relay.web;

import java.net.URI;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/** Writes the RFC 9457 problems of the relay, with stable {@code urn:berth:problem:<slug>} types. */
@Component
public class Problems {

    public static final String UNAUTHORIZED = "unauthorized";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not-found";
    public static final String METHOD_NOT_ALLOWED = "method-not-allowed";
    public static final String INVALID_REQUEST = "invalid-request";
    public static final String CONTENT_TOO_LARGE = "content-too-large";
    public static final String SESSION_NOT_RUNNING = "session-not-running";
    public static final String TOO_MANY_PROCESSES = "too-many-processes";
    public static final String TOO_MANY_TERMINALS = "too-many-terminals";
    public static final String TOO_MANY_VIEWERS = "too-many-viewers";
    public static final String WRONG_NODE = "wrong-node";
    public static final String SERVICE_UNAVAILABLE = "service-unavailable";
    public static final String INTERNAL = "internal-error";
    public static final String INVALID_PATH = "invalid-path";
    public static final String FILE_NOT_FOUND = "file-not-found";
    public static final String NOT_A_FILE = "not-a-file";
    public static final String NOT_A_DIRECTORY = "not-a-directory";
    public static final String DIRECTORY_NOT_EMPTY = "directory-not-empty";
    public static final String PERMISSION_DENIED = "permission-denied";
    public static final String NOT_WRITTEN = "not-written";
    public static final String ARCHIVE_REJECTED = "archive-rejected";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type";

    private final ServerResponse.Context context;

    public Problems(ServerCodecConfigurer codecs) {
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        };
    }

    public Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, String slug, String title,
            String detail) {
        return write(exchange, status, slug, title, detail, headers -> {
        });
    }

    public Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, String slug, String title,
            String detail, Consumer<HttpHeaders> headers) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("urn:berth:problem:" + slug));
        problem.setTitle(title);
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).headers(headers)
                .bodyValue(problem).flatMap(response -> response.writeTo(exchange, context));
    }
}
