package dev.berth.gateway.web;

import java.net.ConnectException;
import java.net.SocketException;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import dev.berth.gateway.preview.PreviewAddress;
import dev.berth.gateway.preview.PreviewPages;
import dev.berth.gateway.preview.PreviewRouting;
import dev.berth.gateway.routing.Routes;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Every error the gateway itself produces, as a problem: a service that can not be reached, one that is too slow,
 * a path that leads nowhere, a body that is too large. Answers of the services behind it pass through unchanged.
 */
@Component
@Order(-2)
class ProblemHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final Problems problems;
    private final PreviewPages previewPages;

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    ProblemHandler(Problems problems, PreviewPages previewPages) {
        this.problems = problems;
        this.previewPages = previewPages;
    }

    /** Writes the problem; its log lines carry the request's trace id, restored for them from the context. */
    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        return Mono.deferContextual(context -> {
            try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
                return problem(exchange, error);
            }
        });
    }

    private Mono<Void> problem(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        String request = exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath();
        String service = service(exchange);
        PreviewAddress preview = exchange.getAttribute(PreviewRouting.ADDRESS);
        if (preview != null && (causedBy(error, SocketException.class)
                || causedBy(error, PrematureCloseException.class))) {
            return previewPages.notRunning(exchange, preview);
        }
        if (causedBy(error, ConnectException.class)) {
            log.warn("{} is unavailable for {}: {}", service, request, error.getMessage());
            return problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, Problems.SERVICE_UNAVAILABLE,
                    "Service unavailable", service + " is unavailable; try again shortly");
        }
        if (causedBy(error, PrematureCloseException.class) || causedBy(error, SocketException.class)) {
            log.warn("{} closed the connection for {}: {}", service, request, error.getMessage());
            return problems.write(exchange, HttpStatus.BAD_GATEWAY, Problems.BAD_GATEWAY, "Bad gateway",
                    service + " closed the connection before answering; try again shortly");
        }
        ResponseStatusException status = cause(error, ResponseStatusException.class);
        if (status != null) {
            return statusProblem(exchange, status, service, request);
        }
        log.error("Unexpected error for {}", request, error);
        return problems.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL, "Internal error",
                "The request could not be completed; it has been logged.");
    }

    private Mono<Void> statusProblem(ServerWebExchange exchange, ResponseStatusException error, String service,
            String request) {
        HttpStatusCode code = error.getStatusCode();
        if (code.value() == HttpStatus.NOT_FOUND.value()) {
            return problems.write(exchange, code, Problems.NOT_FOUND, "Not found",
                    "No resource at " + exchange.getRequest().getPath());
        }
        if (error instanceof MethodNotAllowedException notAllowed) {
            return problems.write(exchange, code, Problems.METHOD_NOT_ALLOWED, "Method not allowed",
                    notAllowed.getHttpMethod() + " is not supported here; use " + notAllowed.getSupportedMethods(),
                    headers -> headers.setAllow(notAllowed.getSupportedMethods()));
        }
        if (code.value() == HttpStatus.CONTENT_TOO_LARGE.value()) {
            return problems.write(exchange, code, Problems.CONTENT_TOO_LARGE, "Content too large",
                    Objects.requireNonNullElse(error.getReason(), "The request body is too large")
                            + "; send a smaller body");
        }
        if (code.value() == HttpStatus.GATEWAY_TIMEOUT.value()) {
            log.warn("{} did not answer {} in time: {}", service, request, error.getReason());
            return problems.write(exchange, code, Problems.GATEWAY_TIMEOUT, "Gateway timeout",
                    service + " did not answer in time; try again shortly");
        }
        if (code.value() == HttpStatus.CONFLICT.value()) {
            return problems.write(exchange, code, Problems.SESSION_NOT_RUNNING, "Session not running",
                    Objects.requireNonNullElse(error.getReason(), "The session is not running"));
        }
        if (code.is4xxClientError()) {
            return problems.write(exchange, code, Problems.INVALID_REQUEST, "Invalid request",
                    Objects.requireNonNullElse(error.getReason(), "The request can not be served as sent"));
        }
        log.error("Error for {}", request, error);
        return problems.write(exchange, code, Problems.INTERNAL, "Internal error",
                "The request could not be completed; it has been logged.");
    }

    /** The name of the service behind the matched route, from its metadata. */
    private static String service(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        Map<String, Object> metadata = route == null ? Map.of() : route.getMetadata();
        Object service = metadata.get(Routes.SERVICE);
        return service == null ? "The service behind this route" : service.toString();
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        return cause(error, type) != null;
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
