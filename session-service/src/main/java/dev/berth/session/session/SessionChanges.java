package dev.berth.session.session;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.berth.session.lease.LeaseProperties;
import dev.berth.session.security.Caller;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams session changes to server-sent-event subscribers. A change is announced with PostgreSQL's
 * {@code NOTIFY} in the transaction that made it, so every session-service instance hears exactly the
 * committed changes, whichever instance or consumer made them.
 */
@Component
public class SessionChanges implements SmartLifecycle {

    static final String CHANNEL = "berth_session_changes";
    static final String SESSION_EVENT = "session";
    static final String EXPIRING_EVENT = "expiring";
    private static final Logger log = LoggerFactory.getLogger(SessionChanges.class);
    private static final int SUBSCRIBER_BUFFER = 256;

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final DataSourceProperties dataSource;
    private final SessionProperties properties;
    private final LeaseProperties leases;
    private final Clock clock;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread listener;

    public SessionChanges(JdbcTemplate jdbc, JsonMapper json, DataSourceProperties dataSource,
            SessionProperties properties, LeaseProperties leases, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.dataSource = dataSource;
        this.properties = properties;
        this.leases = leases;
        this.clock = clock;
    }

    /** Announces a change of the session ({@code event: session}); delivered when the transaction commits. */
    public void announce(Session session) {
        record(session, SESSION_EVENT);
    }

    /** Warns the session's owner that its lease ends soon ({@code event: expiring}), at commit. */
    public void announceExpiring(Session session) {
        record(session, EXPIRING_EVENT);
    }

    /** The session as it is now, kept with the change and announced by its id. */
    private void record(Session session, String event) {
        Long id = jdbc.queryForObject("insert into session_changes (session_id, owner, event, view) "
                + "values (?, ?, ?, ?::jsonb) returning id", Long.class, session.id(), session.owner(), event,
                json.writeValueAsString(SessionView.of(session, properties, leases.pauseWhileStopped(), clock.instant())));
        jdbc.queryForObject("select pg_notify(?, ?)::text", String.class, CHANNEL, String.valueOf(id));
    }

    @Scheduled(fixedDelay = 600_000, initialDelay = 60_000)
    void forgetOld() {
        jdbc.update("delete from session_changes where created_at < now() - interval '1 hour'");
    }

    /**
     * A new event stream for the caller; with {@code lastEventId} (a reconnecting client) the changes it missed
     * since then come first, as far back as changes are kept.
     */
    SseEmitter subscribe(Caller caller, Long lastEventId) {
        SseEmitter emitter = new SseEmitter(0L);
        Subscriber subscriber = new Subscriber(caller, emitter);
        subscribers.add(subscriber);
        emitter.onCompletion(subscriber::close);
        emitter.onTimeout(subscriber::close);
        emitter.onError(e -> subscriber.close());
        if (lastEventId != null) {
            jdbc.query("select id, owner, event, view::text from session_changes where id > ? order by id",
                    rs -> {
                        Change change = change(rs);
                        if (caller.mayAccess(change.owner())) {
                            subscriber.offer(change);
                        }
                    }, lastEventId);
        }
        subscriber.start();
        return emitter;
    }

    int subscriberCount() {
        return subscribers.size();
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofVirtual().name("session-changes").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        listener.interrupt();
        subscribers.forEach(subscriber -> subscriber.emitter.complete());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = DriverManager.getConnection(dataSource.determineUrl(),
                    dataSource.determineUsername(), dataSource.determinePassword())) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(10_000);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            dispatch(Long.parseLong(notification.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Lost the session change feed ({}); reconnecting", e.getMessage());
                    sleep(1_000);
                }
            }
        }
    }

    private void dispatch(long changeId) {
        if (subscribers.isEmpty()) {
            return;
        }
        jdbc.query("select id, owner, event, view::text from session_changes where id = ?", rs -> {
            Change change = change(rs);
            for (Subscriber subscriber : subscribers) {
                if (subscriber.caller.mayAccess(change.owner())) {
                    subscriber.offer(change);
                }
            }
        }, changeId);
    }

    private static Change change(java.sql.ResultSet rs) throws SQLException {
        return new Change(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
    }

    /** One server-sent event: its id, name, and the session as it was then (JSON). */
    private record Change(long id, String owner, String event, String view) {
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One event-stream client, with a bounded buffer: a client that cannot keep up is disconnected. */
    private final class Subscriber {

        private final Caller caller;
        private final SseEmitter emitter;
        private final BlockingQueue<Change> queue = new ArrayBlockingQueue<>(SUBSCRIBER_BUFFER);
        private volatile boolean closed;
        private Thread sender;

        Subscriber(Caller caller, SseEmitter emitter) {
            this.caller = caller;
            this.emitter = emitter;
        }

        void start() {
            sender = Thread.ofVirtual().name("sse-" + caller.id()).start(this::send);
        }

        void offer(Change change) {
            if (!queue.offer(change)) {
                log.info("Event stream of {} fell {} changes behind; closing it", caller.id(), SUBSCRIBER_BUFFER);
                emitter.complete();
                close();
            }
        }

        void close() {
            closed = true;
            subscribers.remove(this);
            if (sender != null) {
                sender.interrupt();
            }
        }

        private void send() {
            try {
                emitter.send(SseEmitter.event().comment("connected"));
                while (!closed) {
                    Change change = queue.poll(properties.keepaliveInterval().toMillis(), TimeUnit.MILLISECONDS);
                    if (change == null) {
                        emitter.send(SseEmitter.event().comment("keepalive"));
                    } else {
                        emitter.send(SseEmitter.event().id(String.valueOf(change.id())).name(change.event())
                                .data(change.view(), MediaType.APPLICATION_JSON));
                    }
                }
            } catch (IOException | IllegalStateException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
