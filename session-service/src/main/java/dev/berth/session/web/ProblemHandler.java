package dev.berth.session.web;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Every error of the API as an RFC 9457 problem with a stable type; client mistakes name the field. */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        ProblemDetail problem = Problems.of(e.status(), e.type(), e.title(), e.getMessage(), e.errors());
        e.properties().forEach(problem::setProperty);
        return ResponseEntity.status(e.status()).body(problem);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "a valid value" : describe(e.getRequiredType());
        return invalid(List.of(new FieldProblem(e.getName(), "must be " + expected)));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error", e);
        HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
        return ResponseEntity.status(status).body(Problems.of(status, Problems.INTERNAL, "Internal error",
                "The request could not be completed; it has been logged.", List.of()));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            errors.add(new FieldProblem(fieldName(error.getField()), error.getDefaultMessage()));
        }
        e.getBindingResult().getGlobalErrors()
                .forEach(error -> errors.add(new FieldProblem(error.getObjectName(), error.getDefaultMessage())));
        return invalidObject(errors);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            String name = result.getMethodParameter().getParameterName();
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                errors.add(new FieldProblem(name, error.getDefaultMessage()));
            }
        });
        return invalidObject(errors);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return invalidObject(List.of(unreadable(e)));
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(status, Problems.METHOD_NOT_ALLOWED, "Method not allowed",
                e.getMethod() + " is not supported here; use " + headers.getAllow());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(status, Problems.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                "Send the request body as application/json");
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(status, Problems.NOT_ACCEPTABLE, "Not acceptable",
                "This resource is available as " + e.getSupportedMediaTypes());
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return problem(status, Problems.NOT_FOUND, "Not found", "No resource at /" + e.getResourcePath());
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getType().toString().equals("about:blank")) {
            problem.setType(Problems.type(status.is4xxClientError() ? Problems.INVALID_REQUEST : Problems.INTERNAL));
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    private static FieldProblem unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ", "; known fields: ", ""));
            return new FieldProblem(path(unknown), "unknown field" + known);
        }
        if (cause instanceof InvalidFormatException format) {
            return new FieldProblem(path(format), "must be " + describe(format.getTargetType()));
        }
        if (cause instanceof MismatchedInputException mismatched && !path(mismatched).isEmpty()) {
            Class<?> target = mismatched.getTargetType();
            return new FieldProblem(path(mismatched), target == null ? "has the wrong type" : "must be " + describe(target));
        }
        if (cause instanceof JacksonException json && !path(json).isEmpty()) {
            return new FieldProblem(path(json), "is not valid here");
        }
        return new FieldProblem("body", cause instanceof JacksonException
                ? "is not valid JSON: " + ((JacksonException) cause).getOriginalMessage()
                : "is missing or unreadable");
    }

    /** The JSON path of the value that failed, such as {@code labels.team} or {@code ports[0]}. */
    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** {@code labels[team]} as Bean Validation names a map entry; kept as is, it already names the field. */
    private static String fieldName(String field) {
        return field.replace("<K>", "").replace("<V>", "");
    }

    private static String describe(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        return switch (type.getSimpleName()) {
            case "Integer", "int", "Long", "long" -> "a whole number";
            case "UUID" -> "a UUID";
            case "Boolean", "boolean" -> "true or false";
            case "String" -> "a string";
            case "Map", "LinkedHashMap", "HashMap" -> "an object of string values";
            case "List", "ArrayList" -> "an array";
            default -> "a " + type.getSimpleName();
        };
    }

    private static ResponseEntity<Object> invalidObject(List<FieldProblem> errors) {
        return ResponseEntity.badRequest().body(invalidProblem(errors));
    }

    private static ResponseEntity<ProblemDetail> invalid(List<FieldProblem> errors) {
        return ResponseEntity.badRequest().body(invalidProblem(errors));
    }

    private static ProblemDetail invalidProblem(List<FieldProblem> errors) {
        String detail = errors.stream().map(error -> error.field() + " " + error.message())
                .collect(Collectors.joining("; "));
        return Problems.of(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request", detail, errors);
    }

    private static ResponseEntity<Object> problem(HttpStatusCode status, String type, String title, String detail) {
        return ResponseEntity.status(status).body(Problems.of(status, type, title, detail, List.of()));
    }
}
