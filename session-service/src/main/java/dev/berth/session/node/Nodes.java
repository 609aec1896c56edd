package dev.berth.session.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.domain.Sort;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.berth.contracts.Messaging;
import dev.berth.contracts.NodeHeartbeat;

/** The nodes table, kept from provisioners' heartbeats; admins list it. */
@RestController
public class Nodes {

    private final NodeRepository nodes;
    private final Clock clock;
    private final Duration offlineAfter;

    public Nodes(NodeRepository nodes, Clock clock,
            @Value("${berth.nodes.heartbeat-interval:10s}") Duration heartbeatInterval) {
        this.nodes = nodes;
        this.clock = clock;
        this.offlineAfter = heartbeatInterval.multipliedBy(3);
    }

    @RabbitListener(queues = Messaging.NODE_HEARTBEATS_QUEUE)
    @Transactional
    public void on(NodeHeartbeat heartbeat) {
        nodes.record(heartbeat.nodeId(), heartbeat.relayAddress(), heartbeat.capacity(), heartbeat.sessionsHeld(),
                heartbeat.engineVersion(), heartbeat.startedAt(), heartbeat.sentAt());
    }

    @GetMapping("/api/v1/nodes")
    @Transactional(readOnly = true)
    public List<NodeView> list() {
        Instant now = clock.instant();
        return nodes.findAll(Sort.by("id")).stream()
                .map(node -> new NodeView(node.id(), node.relayAddress(), node.capacity(), node.sessionsHeld(),
                        node.engineVersion(), node.startedAt(), node.lastSeenAt(),
                        node.lastSeenAt().isAfter(now.minus(offlineAfter))))
                .toList();
    }
}
