package dev.berth.session.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.berth.contracts.ContainerState;
import dev.berth.contracts.SessionStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A session and where it stands. Only session-service writes it. {@code version} is the sequence of the
 * newest command issued for the session; events answering an older command are stale.
 */
@Entity
@Table(name = "sessions")
public class Session {

    /** Statuses in which a session holds, or may soon hold, containers. */
    public static final Set<SessionStatus> LIVE = Set.of(SessionStatus.REQUESTED, SessionStatus.PROVISIONING,
            SessionStatus.RUNNING, SessionStatus.STOPPED);

    /** The status reason while a stop command waits for its answer. */
    public static final String STOPPING = "Stopping";
    /** The status reason while a start command waits for its answer. */
    public static final String STARTING = "Starting";

    @Id
    private UUID id;
    private String owner;
    private String projectId;
    private String template;
    private String image;
    @JdbcTypeCode(SqlTypes.JSON)
    private Map<String, String> labels;
    @JdbcTypeCode(SqlTypes.JSON)
    private Map<String, String> env;
    @JdbcTypeCode(SqlTypes.JSON)
    private List<Integer> ports;
    @Enumerated(EnumType.STRING)
    private SessionStatus status;
    private String statusReason;
    @Enumerated(EnumType.STRING)
    private TerminationReason terminationReason;
    private String nodeId;
    @JdbcTypeCode(SqlTypes.JSON)
    private List<ContainerState> containers;
    @Column(name = "version")
    private long version;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant expiresAt;
    private Instant runningAt;
    private Instant endedAt;
    private Instant lastActivityAt;
    private Instant expiryWarnedAt;
    private Instant stoppedAt;
    private long pausedSeconds;
    private Integer exitCode;

    protected Session() {
    }

    static Session requested(UUID id, String owner, String projectId, String template, String image,
            Map<String, String> labels, Map<String, String> env, List<Integer> ports, Instant now,
            Instant expiresAt) {
        Session session = new Session();
        session.id = id;
        session.owner = owner;
        session.projectId = projectId;
        session.template = template;
        session.image = image;
        session.labels = Map.copyOf(labels);
        session.env = Map.copyOf(env);
        session.ports = List.copyOf(ports);
        session.status = SessionStatus.REQUESTED;
        session.containers = List.of();
        session.version = 1;
        session.createdAt = now;
        session.updatedAt = now;
        session.expiresAt = expiresAt;
        return session;
    }

    /** The user (or the system) wants it gone; the node is told with a command of the new version. */
    void terminating(TerminationReason reason, Instant now) {
        this.status = SessionStatus.TERMINATING;
        this.terminationReason = reason;
        this.version++;
        this.updatedAt = now;
    }

    /** Ended with nothing left on any node. */
    void terminated(TerminationReason reason, Instant now) {
        this.status = SessionStatus.TERMINATED;
        if (terminationReason == null) {
            this.terminationReason = reason;
        }
        this.containers = List.of();
        this.endedAt = now;
        this.updatedAt = now;
    }

    void provisioning(String nodeId, Instant now) {
        this.status = SessionStatus.PROVISIONING;
        this.statusReason = null;
        this.nodeId = nodeId;
        this.updatedAt = now;
    }

    void running(String nodeId, List<ContainerState> containers, Instant now) {
        this.status = SessionStatus.RUNNING;
        this.statusReason = null;
        this.nodeId = nodeId;
        this.containers = List.copyOf(containers);
        this.runningAt = now;
        this.updatedAt = now;
    }

    /** A stop or start was asked for: the node is told with a command of the new version. */
    void commandIssued(String reason, Instant now) {
        this.version++;
        this.statusReason = reason;
        this.updatedAt = now;
    }

    /** Stopped with its files kept; its ports are gone until it starts again. */
    void stopped(List<ContainerState> containers, Integer exitCode, String reason, Instant now) {
        this.status = SessionStatus.STOPPED;
        this.containers = containers.isEmpty() ? this.containers.stream()
                .map(c -> new ContainerState(c.name(), c.containerId(), c.image(), List.of())).toList()
                : List.copyOf(containers);
        this.exitCode = exitCode;
        this.statusReason = reason;
        this.stoppedAt = now;
        this.updatedAt = now;
    }

    /** Running again after a stop; with {@code pause}, the time stopped is added to the lease. */
    void resumed(boolean pause, Instant now) {
        if (stoppedAt != null && pause) {
            Duration stopped = Duration.between(stoppedAt, now);
            pausedSeconds += stopped.toSeconds();
            expiresAt = expiresAt.plus(stopped);
            expiryWarnedAt = null;
        }
        stoppedAt = null;
        exitCode = null;
    }

    void failed(String reason, Instant now) {
        this.status = SessionStatus.FAILED;
        this.statusReason = reason;
        this.containers = List.of();
        this.endedAt = now;
        this.updatedAt = now;
    }

    void placedOn(String nodeId) {
        this.nodeId = nodeId;
    }

    /** Session-service itself gives up on the session; answers to earlier commands become stale. */
    public void failedHere(String reason, Instant now) {
        this.version++;
        failed(reason, now);
    }

    /** Why a session still waits (null: no particular reason); does not change its version. */
    public void waiting(String reason, Instant now) {
        if (!java.util.Objects.equals(reason, statusReason)) {
            this.statusReason = reason;
            this.updatedAt = now;
        }
    }

    /**
     * Moves the lease end {@code by} later, but not past {@code cap}, and never earlier than it is.
     *
     * @return the new lease end
     */
    public Instant extendLease(Duration by, Instant cap, Instant now) {
        Instant wanted = expiresAt.plus(by);
        Instant extended = wanted.isAfter(cap) ? cap : wanted;
        if (extended.isAfter(expiresAt)) {
            expiresAt = extended;
            expiryWarnedAt = null;
            updatedAt = now;
        }
        return expiresAt;
    }

    /** The latest the lease may end: the maximum lifetime from creation, plus any time spent paused. */
    public Instant lifetimeCap(Duration maxLifetime) {
        return createdAt.plus(maxLifetime).plusSeconds(pausedSeconds);
    }

    /**
     * What is left of the lease at {@code now}; with {@code pauseWhileStopped}, a stopped session's lease does not
     * count down.
     */
    public Duration remaining(Instant now, boolean pauseWhileStopped) {
        if (!isLive()) {
            return Duration.ZERO;
        }
        Instant at = pauseWhileStopped && status == SessionStatus.STOPPED && stoppedAt != null ? stoppedAt : now;
        Duration left = Duration.between(at, expiresAt);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The command a node has not answered yet: {@code STOP} or {@code START}, or null. */
    public String pendingCommand() {
        if (status == SessionStatus.RUNNING && STOPPING.equals(statusReason)) {
            return "STOP";
        }
        if (status == SessionStatus.STOPPED && STARTING.equals(statusReason)) {
            return "START";
        }
        return null;
    }

    public void warnedOfExpiry(Instant now) {
        this.expiryWarnedAt = now;
    }

    public boolean isLive() {
        return LIVE.contains(status);
    }

    public UUID id() {
        return id;
    }

    public String owner() {
        return owner;
    }

    public String projectId() {
        return projectId;
    }

    public String template() {
        return template;
    }

    public String image() {
        return image;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Map<String, String> env() {
        return env;
    }

    public List<Integer> ports() {
        return ports;
    }

    public SessionStatus status() {
        return status;
    }

    public String statusReason() {
        return statusReason;
    }

    public TerminationReason terminationReason() {
        return terminationReason;
    }

    public String nodeId() {
        return nodeId;
    }

    public List<ContainerState> containers() {
        return containers;
    }

    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant runningAt() {
        return runningAt;
    }

    public Instant endedAt() {
        return endedAt;
    }

    public Instant lastActivityAt() {
        return lastActivityAt;
    }

    public Integer exitCode() {
        return exitCode;
    }
}
