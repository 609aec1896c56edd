package dev.berth.relay.web;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/** Every error of the relay's HTTP API as a problem with a stable type. */
@Component
@Order(-2)
class ProblemHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final Problems problems;

    ProblemHandler(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        if (error instanceof RelayException refused) {
            return problems.write(exchange, refused.status(), refused.slug(), refused.title(), refused.getMessage());
        }
        if (error instanceof ResponseStatusException status && status.getStatusCode().is4xxClientError()) {
            return clientProblem(exchange, status);
        }
        log.error("Unexpected error for {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                error);
        return problems.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL, "Internal error",
                "The request could not be completed; it has been logged.");
    }

    private Mono<Void> clientProblem(ServerWebExchange exchange, ResponseStatusException error) {
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
        return problems.write(exchange, code, Problems.INVALID_REQUEST, "Invalid request",
                Objects.requireNonNullElse(error.getReason(), "The request can not be served as sent"));
    }
}
