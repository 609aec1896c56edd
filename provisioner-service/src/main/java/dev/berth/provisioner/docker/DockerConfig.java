package dev.berth.provisioner.docker;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

    @Bean(destroyMethod = "close")
    DockerClient dockerClient(DockerProperties properties) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(properties.host().toString())
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(50)
                .connectionTimeout(properties.connectTimeout())
                .responseTimeout(properties.responseTimeout())
                .build();
        return DockerClientImpl.getInstance(config, http);
    }
}
