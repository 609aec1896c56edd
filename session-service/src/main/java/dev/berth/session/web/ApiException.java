package dev.berth.session.web;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A request the service refuses, rendered as an RFC 9457 problem.
 *
 * @param status HTTP status
 * @param type   stable problem type slug, becomes {@code urn:berth:problem:<type>}
 * @param title  short summary of the problem type
 * @param errors the offending fields, if any
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final List<FieldProblem> errors;
    private final Map<String, Object> properties;

    public ApiException(HttpStatus status, String type, String title, String detail, List<FieldProblem> errors) {
        this(status, type, title, detail, errors, Map.of());
    }

    /** @param properties extra members of the problem, such as the id of what it is about */
    public ApiException(HttpStatus status, String type, String title, String detail, List<FieldProblem> errors,
            Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.properties = Map.copyOf(properties);
    }

    public static ApiException invalidField(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request",
                field + ": " + message, List.of(new FieldProblem(field, message)));
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", what + " does not exist",
                List.of());
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", detail, List.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<FieldProblem> errors() {
        return errors;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
