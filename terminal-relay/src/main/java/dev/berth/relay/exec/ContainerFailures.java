package dev.berth.relay.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;

import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;

/** What a client is told when the engine refuses a call about a session's container. */
public final class ContainerFailures {

    private static final Logger log = LoggerFactory.getLogger(ContainerFailures.class);

    private ContainerFailures() {
    }

    public static RelayException of(Throwable error) {
        if (error instanceof RelayException refused) {
            return refused;
        }
        if (error instanceof NotFoundException || error instanceof ConflictException) {
            return new RelayException(HttpStatus.CONFLICT, Problems.SESSION_NOT_RUNNING, "Session not running",
                    "The session's container is not running; the session is ending or stopped");
        }
        log.warn("The container engine failed: {}", error.toString());
        return new RelayException(HttpStatus.SERVICE_UNAVAILABLE, Problems.SERVICE_UNAVAILABLE, "Service unavailable",
                "The node's container engine did not answer; try again shortly");
    }
}
