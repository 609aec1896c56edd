package dev.berth.relay.docker;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How to reach the node's Docker Engine.
 *
 * @param host            the engine's address; defaults to {@code DOCKER_HOST}, else the local socket
 * @param connectTimeout  how long to wait for a connection
 * @param responseTimeout how long a short API call may take (streams have none)
 */
@ConfigurationProperties("berth.docker")
public record DockerProperties(@Nullable URI host, @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("30s") Duration responseTimeout) {

    public DockerProperties {
        if (host == null) {
            String fromEnvironment = System.getenv("DOCKER_HOST");
            host = URI.create(fromEnvironment == null || fromEnvironment.isBlank() ? "unix:///var/run/docker.sock"
                    : fromEnvironment);
        }
    }
}
