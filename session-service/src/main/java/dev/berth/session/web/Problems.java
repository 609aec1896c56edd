package dev.berth.session.web;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Stable problem types of the API (RFC 9457). */
public final class Problems {

    public static final String INVALID_REQUEST = "invalid-request";
    public static final String NOT_FOUND = "not-found";
    public static final String FORBIDDEN = "forbidden";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String METHOD_NOT_ALLOWED = "method-not-allowed";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type";
    public static final String NOT_ACCEPTABLE = "not-acceptable";
    public static final String SESSION_ENDED = "session-ended";
    public static final String WRONG_STATUS = "wrong-status";
    public static final String QUOTA_EXCEEDED = "quota-exceeded";
    public static final String TEMPLATE_LIMIT = "template-limit";
    public static final String TEMPLATE_DISABLED = "template-disabled";
    public static final String INTERNAL = "internal-error";

    private Problems() {
    }

    public static URI type(String slug) {
        return URI.create("urn:berth:problem:" + slug);
    }

    public static ProblemDetail of(HttpStatusCode status, String slug, String title, String detail,
            List<FieldProblem> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }
}
