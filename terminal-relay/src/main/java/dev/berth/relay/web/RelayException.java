package dev.berth.relay.web;

import org.springframework.http.HttpStatus;

/** A request the relay refuses, rendered as an RFC 9457 problem of type {@code urn:berth:problem:<slug>}. */
public class RelayException extends RuntimeException {

    private final HttpStatus status;
    private final String slug;
    private final String title;

    public RelayException(HttpStatus status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public static RelayException notFound(String what) {
        return new RelayException(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", what + " does not exist");
    }

    public static RelayException invalid(String field, String message) {
        return new RelayException(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request",
                field + " " + message);
    }

    public HttpStatus status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }
}
