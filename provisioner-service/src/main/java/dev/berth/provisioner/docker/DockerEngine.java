package dev.berth.provisioner.docker;

import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;

/**
 * Calls to the node's Docker Engine, retried with backoff on transient failures and guarded by a circuit
 * breaker (both named {@value #NAME}, configured under {@code resilience4j.*.instances.docker}). While the
 * circuit is open a call fails at once with {@link io.github.resilience4j.circuitbreaker.CallNotPermittedException}.
 */
@Component
public class DockerEngine {

    public static final String NAME = "docker";

    private final DockerClient docker;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;

    public DockerEngine(DockerClient docker, CircuitBreakerRegistry circuitBreakers, RetryRegistry retries) {
        this.docker = docker;
        this.circuitBreaker = circuitBreakers.circuitBreaker(NAME);
        this.retry = retries.retry(NAME);
    }

    public <T> T call(Function<DockerClient, T> call) {
        return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(circuitBreaker, () -> call.apply(docker)))
                .get();
    }

    public void run(Consumer<DockerClient> call) {
        call(client -> {
            call.accept(client);
            return null;
        });
    }

    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }
}
