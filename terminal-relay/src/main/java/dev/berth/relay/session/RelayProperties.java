package dev.berth.relay.session;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the relay learns about sessions, and which node it serves.
 *
 * @param nodeId            the node this relay serves (the provisioner beside it has the same id); requests
 *                          for sessions on another node are refused, they were routed wrongly
 * @param sessionServiceUri session-service, asked who owns a session and where it lives
 * @param placementCacheTtl how long an answer of session-service is reused
 */
@ConfigurationProperties("berth.relay")
public record RelayProperties(String nodeId, @DefaultValue("http://127.0.0.1:8081") URI sessionServiceUri,
        @DefaultValue("1s") Duration placementCacheTtl) {

    public RelayProperties {
        if (nodeId == null || nodeId.isBlank()) {
            nodeId = hostName();
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
