package dev.berth.session.node;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Docker host with its provisioner and relay, as last announced by its heartbeat. */
@Entity
@Table(name = "nodes")
public class Node {

    @Id
    private String id;
    private String relayAddress;
    private int capacity;
    private int sessionsHeld;
    private String engineVersion;
    private Instant startedAt;
    private Instant lastSeenAt;

    protected Node() {
    }

    public String id() {
        return id;
    }

    public String relayAddress() {
        return relayAddress;
    }

    public int capacity() {
        return capacity;
    }

    public int sessionsHeld() {
        return sessionsHeld;
    }

    public String engineVersion() {
        return engineVersion;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant lastSeenAt() {
        return lastSeenAt;
    }
}
