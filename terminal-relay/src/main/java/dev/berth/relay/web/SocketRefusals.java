package dev.berth.relay.web;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.socket.CloseStatus;

import dev.berth.relay.exec.Utf8;

/**
 * How the relay refuses, or gives up on, a WebSocket or event stream it has already accepted: a WebSocket is
 * closed with 4000 + the HTTP status the refusal would have had (4401, 4404, 4409, ..., 4500 for an unexpected
 * error), the problem's detail as the reason.
 */
public final class SocketRefusals {

    private static final Logger log = LoggerFactory.getLogger(SocketRefusals.class);
    /** A close frame's reason holds at most 123 bytes. */
    private static final int MAX_CLOSE_REASON = 123;

    private SocketRefusals() {
    }

    /**
     * The refusal an error stands for; an unexpected error is logged and becomes an internal error.
     *
     * @param what what could not be served, as in "The log could not be read"
     */
    public static RelayException refusal(Throwable error, String what) {
        if (error instanceof RelayException refused) {
            return refused;
        }
        log.error("{}", what, error);
        return new RelayException(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL, "Internal error",
                what + "; the error has been logged");
    }

    public static CloseStatus closeStatus(Throwable error, String what) {
        RelayException refused = refusal(error, what);
        return new CloseStatus(4000 + refused.status().value(), reason(refused.getMessage()));
    }

    /** The text cut to what fits a close frame, between characters. */
    public static String reason(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON) {
            return text;
        }
        return new String(bytes, 0, Utf8.completeLength(bytes, MAX_CLOSE_REASON), StandardCharsets.UTF_8);
    }
}
