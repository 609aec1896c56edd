package dev.berth.provisioner.docker;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

/**
 * The client for short calls to the node's engine. No API version is set: requests go unversioned and the
 * engine answers with its own, so old (20.10, API 1.41) and current engines both work.
 */
@Configuration(proxyBeanMethods = false)
public class DockerConfig {

    /** The client of the engine's event stream: a connection of its own and no response timeout. */
    public static final String EVENTS = "dockerEvents";

    @Bean(destroyMethod = "close")
    @Primary
    DockerClient dockerClient(DockerProperties properties) {
        return client(properties, properties.responseTimeout(), 50);
    }

    @Bean(name = EVENTS, destroyMethod = "close")
    DockerClient dockerEvents(DockerProperties properties) {
        return client(properties, Duration.ZERO, 2);
    }

    private static DockerClient client(DockerProperties properties, Duration responseTimeout, int connections) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(properties.host().toString())
                .build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(connections)
                .connectionTimeout(properties.connectTimeout());
        if (!responseTimeout.isZero()) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }
}
