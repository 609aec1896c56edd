package dev.berth.provisioner.docker;

import java.io.IOException;
import java.util.function.Predicate;

import com.github.dockerjava.api.exception.DockerException;

/**
 * A failure worth retrying, and one that counts against the engine's health: the engine could not be reached
 * (an I/O error anywhere in the cause chain) or answered with a 5xx. A 4xx is an answer (no such image,
 * name taken, bad request), not a failure of the engine.
 */
public class TransientFailure implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
            if (cause instanceof DockerException docker) {
                return docker.getHttpStatus() >= 500;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
