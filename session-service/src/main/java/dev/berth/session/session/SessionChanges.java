package dev.berth.session.session;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.UUID;
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
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.berth.session.security.Caller;

/**
 * Streams session changes to server-sent-event subscribers. A change is announced with PostgreSQL's
 * {@code NOTIFY} in the transaction that made it, so every session-service instance hears exactly the
 * committed changes, whichever instance or consumer made them.
 */
@Component
public class SessionChanges implements SmartLifecycle {

    static final String CHANNEL = "berth_session_changes";
    private static final Logger log = LoggerFactory.getLogger(SessionChanges.class);
    private static final int SUBSCRIBER_BUFFER = 256;

    private final JdbcTemplate jdbc;
    private final DataSourceProperties dataSource;
    private final SessionRepository sessions;
    private final SessionProperties properties;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread listener;

    public SessionChanges(JdbcTemplate jdbc, DataSourceProperties dataSource, SessionRepository sessions,
            SessionProperties properties) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.sessions = sessions;
        this.properties = properties;
    }

    /** Announces a change of the session; delivered when the current transaction commits. */
    void announce(Session session) {
        jdbc.queryForObject("select pg_notify(?, ?)::text", String.class, CHANNEL, session.id().toString());
    }

    SseEmitter subscribe(Caller caller) {
        SseEmitter emitter = new SseEmitter(0L);
        Subscriber subscriber = new Subscriber(caller, emitter);
        subscribers.add(subscriber);
        emitter.onCompletion(subscriber::close);
        emitter.onTimeout(subscriber::close);
        emitter.onError(e -> subscriber.close());
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
                            dispatch(UUID.fromString(notification.getParameter()));
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

    private void dispatch(UUID sessionId) {
        if (subscribers.isEmpty()) {
            return;
        }
        sessions.findById(sessionId).map(session -> SessionView.of(session, properties)).ifPresent(view -> {
            for (Subscriber subscriber : subscribers) {
                if (subscriber.caller.mayAccess(view.owner())) {
                    subscriber.offer(view);
                }
            }
        });
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
        private final BlockingQueue<SessionView> queue = new ArrayBlockingQueue<>(SUBSCRIBER_BUFFER);
        private volatile boolean closed;
        private Thread sender;

        Subscriber(Caller caller, SseEmitter emitter) {
            this.caller = caller;
            this.emitter = emitter;
        }

        void start() {
            sender = Thread.ofVirtual().name("sse-" + caller.id()).start(this::send);
        }

        void offer(SessionView view) {
            if (!queue.offer(view)) {
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
                    SessionView view = queue.poll(properties.keepaliveInterval().toMillis(), TimeUnit.MILLISECONDS);
                    if (view == null) {
                        emitter.send(SseEmitter.event().comment("keepalive"));
                    } else {
                        emitter.send(SseEmitter.event().name("session")
                                .data(view, MediaType.APPLICATION_JSON));
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
