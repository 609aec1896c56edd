package dev.berth.provisioner.node;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import dev.berth.contracts.NodeHeartbeat;
import dev.berth.provisioner.docker.DockerEngine;
import dev.berth.provisioner.messaging.EventPublisher;
import dev.berth.provisioner.session.CreateIntake;
import dev.berth.provisioner.session.SessionResources;

/**
 * Announces the node every heartbeat interval. A node whose engine or broker cannot be reached sends none,
 * so it is seen offline.
 */
@Component
public class Heartbeat implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final NodeProperties node;
    private final DockerEngine engine;
    private final SessionResources sessions;
    private final CreateIntake intake;
    private final EventPublisher events;
    private final Clock clock;
    private final Instant startedAt;
    private volatile boolean failing;

    public Heartbeat(NodeProperties node, DockerEngine engine, SessionResources sessions, CreateIntake intake,
            EventPublisher events, Clock clock) {
        this.node = node;
        this.engine = engine;
        this.sessions = sessions;
        this.intake = intake;
        this.events = events;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedRateTask(this::beat, node.heartbeatInterval());
    }

    void beat() {
        try {
            String engineVersion = engine.call(docker -> docker.versionCmd().exec()).getVersion();
            int held = sessions.sessionsHeld();
            intake.sessionsHeld(held);
            events.heartbeat(new NodeHeartbeat(UUID.randomUUID(), node.id(), node.relayAddress(), node.capacity(),
                    held, engineVersion, startedAt, clock.instant()));
            if (failing) {
                failing = false;
                log.info("Node {} sends heartbeats again", node.id());
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("Node {} sends no heartbeat while this lasts: {}", node.id(), e.toString());
            }
        }
    }
}
