package dev.berth.relay.terminal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.socket.CloseStatus;

import dev.berth.relay.docker.Execution;
import dev.berth.relay.session.RunningSession;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import reactor.core.Disposable;

/**
 * A shell with a TTY in a session container, and the connections watching it. It keeps its recent output for
 * whoever (re)connects, and outlives its last viewer for the grace period.
 */
final class Terminal implements Execution.Listener {

    private final String id = UUID.randomUUID().toString();
    private final UUID sessionId;
    private final String container;
    private final String containerId;
    private final List<String> command;
    private final Instant createdAt;
    private final Clock clock;
    private final TerminalProperties properties;
    private final TerminalInput input;
    private final Scrollback scrollback;
    private final List<Viewer> viewers = new ArrayList<>();
    private Execution execution;
    private int cols;
    private int rows;
    private TerminalView.Status status = TerminalView.Status.RUNNING;
    private Integer exitCode;
    private Instant endedAt;
    /** The end of the grace period while nobody watches; null while someone does. */
    private Disposable unwatched;

    Terminal(RunningSession session, TerminalRequest request, TerminalProperties properties, Clock clock) {
        this.sessionId = session.id();
        this.container = session.container();
        this.containerId = session.containerId();
        this.command = request.argv();
        this.cols = request.cols();
        this.rows = request.rows();
        this.properties = properties;
        this.clock = clock;
        this.createdAt = clock.instant();
        this.input = new TerminalInput(properties.inputBuffer().toBytes());
        this.scrollback = new Scrollback((int) properties.scrollback().toBytes());
    }

    String id() {
        return id;
    }

    UUID sessionId() {
        return sessionId;
    }

    String containerId() {
        return containerId;
    }

    TerminalInput input() {
        return input;
    }

    synchronized Execution execution() {
        return execution;
    }

    synchronized void started(Execution execution) {
        this.execution = execution;
    }

    synchronized boolean running() {
        return status == TerminalView.Status.RUNNING;
    }

    synchronized boolean endedBefore(Instant instant) {
        return endedAt != null && endedAt.isBefore(instant);
    }

    synchronized TerminalView view() {
        return new TerminalView(id, container, command, status, exitCode, cols, rows, viewers.size(), createdAt,
                endedAt,
                TerminalView.Links.of(sessionId, id));
    }

    synchronized void resized(int newCols, int newRows) {
        cols = newCols;
        rows = newRows;
    }

    /**
     * A new connection: it gets the scrollback first, then the output from here on. An ended terminal gives
     * its scrollback and exit, then the connection closes.
     */
    synchronized Viewer attach() {
        if (viewers.size() >= properties.maxViewers()) {
            throw new RelayException(HttpStatus.TOO_MANY_REQUESTS, Problems.TOO_MANY_VIEWERS, "Too many viewers",
                    "Terminal " + id + " already has " + properties.maxViewers() + " connections; close one first");
        }
        Viewer viewer = new Viewer(properties.viewerBuffer().toBytes());
        byte[] recent = scrollback.snapshot();
        if (recent.length > 0) {
            viewer.output(recent, properties.slowViewerTimeout());
        }
        if (status == TerminalView.Status.EXITED) {
            viewer.finish(ENDED, exitMessage());
            return viewer;
        }
        viewers.add(viewer);
        if (unwatched != null) {
            unwatched.dispose();
            unwatched = null;
        }
        return viewer;
    }

    /**
     * A connection went away.
     *
     * @return whether nobody watches the running shell any more: the grace period starts
     */
    synchronized boolean detach(Viewer viewer) {
        return viewers.remove(viewer) && viewers.isEmpty() && status == TerminalView.Status.RUNNING;
    }

    /** Notes the timer that ends the shell unless someone connects before it fires. */
    synchronized void unwatchedUntil(Disposable timer) {
        if (unwatched != null) {
            unwatched.dispose();
        }
        if (!viewers.isEmpty() || status != TerminalView.Status.RUNNING) {
            timer.dispose();
            return;
        }
        unwatched = timer;
    }

    synchronized boolean watched() {
        return !viewers.isEmpty();
    }

    /** Output of the shell: kept, and handed to every viewer (waiting for slow ones, within limits). */
    @Override
    public void output(String stream, byte[] bytes) {
        List<Viewer> watching;
        synchronized (this) {
            scrollback.add(bytes);
            watching = List.copyOf(viewers);
        }
        for (Viewer viewer : watching) {
            viewer.output(bytes, properties.slowViewerTimeout());
        }
    }

    /** The shell ended, with its code when known: every viewer gets the exit and its connection closes. */
    void ended(Integer code) {
        List<Viewer> watching;
        synchronized (this) {
            if (status != TerminalView.Status.RUNNING) {
                return;
            }
            status = TerminalView.Status.EXITED;
            exitCode = code;
            endedAt = clock.instant();
            if (unwatched != null) {
                unwatched.dispose();
                unwatched = null;
            }
            watching = List.copyOf(viewers);
            viewers.clear();
        }
        input.close();
        String exit = exitMessage();
        watching.forEach(viewer -> viewer.finish(ENDED, exit));
    }

    private static final CloseStatus ENDED = new CloseStatus(CloseStatus.NORMAL.getCode(), "The terminal ended");

    private synchronized String exitMessage() {
        return "{\"type\":\"exit\",\"code\":" + exitCode + "}";
    }
}
