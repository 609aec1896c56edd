package dev.berth.relay.docker;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

/**
 * Two clients of the node's engine: one for short calls, with a response timeout, and one for long-lived
 * streams (exec attach, logs) with its own connection pool and no response timeout, so an idle terminal is
 * never cut. No API version is set: the engine answers with its own (20.10 and current engines both work).
 * docker-java calls block: they never run on an event-loop thread.
 */
@Configuration(proxyBeanMethods = false)
public class DockerConfig {

    public static final String STREAMS = "dockerStreams";

    @Bean(destroyMethod = "close")
    @Primary
    DockerClient dockerClient(DockerProperties properties) {
        return client(properties, properties.responseTimeout(), 20);
    }

    @Bean(name = STREAMS, destroyMethod = "close")
    @Qualifier(STREAMS)
    DockerClient dockerStreams(DockerProperties properties) {
        return client(properties, Duration.ZERO, 500);
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
