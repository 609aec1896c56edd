package dev.berth.provisioner.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.berth.contracts.Messaging;

/**
 * The node (one Docker host) this provisioner works for.
 *
 * @param id                the node's id, unique in the fleet; defaults to the host name
 * @param relayAddress      base URL of the terminal relay beside this provisioner
 * @param capacity          the most sessions this node holds; at capacity it takes no create commands
 * @param bindAddress       the address container ports are published on
 * @param heartbeatInterval how often the node announces itself
 */
@ConfigurationProperties("berth.node")
public record NodeProperties(@Nullable String id, @DefaultValue("http://127.0.0.1:8083") String relayAddress,
        @DefaultValue("50") int capacity, @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue("10s") Duration heartbeatInterval) {

    public NodeProperties {
        if (id == null || id.isBlank()) {
            id = hostName();
        }
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("berth.node.id '" + id
                    + "' must be letters, digits, '_', '.' or '-' (it names a queue and a routing key)");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("berth.node.capacity must be at least 1");
        }
    }

    /** The queue of commands addressed to this node. */
    public String queue() {
        return Messaging.NODE_QUEUE_PREFIX + id;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Cannot read the host name; set berth.node.id", e);
        }
    }
}
