package dev.berth.session.outbox;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Commands to publish, written in the caller's transaction so that they exist exactly when the state
 * change they carry does. After the commit the {@link OutboxRelay} publishes them.
 */
@Component
public class Outbox {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final OutboxRelay relay;
    private final Tracer tracer;
    private final Propagator propagator;

    public Outbox(JdbcTemplate jdbc, JsonMapper json, OutboxRelay relay, Tracer tracer, Propagator propagator) {
        this.jdbc = jdbc;
        this.json = json;
        this.relay = relay;
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Adds a command to the current transaction. */
    public void add(UUID sessionId, String exchange, String routingKey, UUID messageId, Object message) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("An outbox message must be written inside a transaction");
        }
        jdbc.update("insert into outbox (message_id, session_id, exchange, routing_key, payload, traceparent) "
                + "values (?, ?, ?, ?, ?::jsonb, ?)", messageId, sessionId, exchange, routingKey,
                json.writeValueAsString(message), traceparent());
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wake();
            }
        });
    }

    /**
     * Withdraws a session's command that was not published yet. Waits if the relay is publishing it right
     * now; then it is gone and this answers false.
     */
    public boolean withdraw(UUID sessionId, String routingKey) {
        return jdbc.update("delete from outbox where session_id = ? and routing_key = ?", sessionId, routingKey) > 0;
    }

    private String traceparent() {
        TraceContext context = tracer.currentTraceContext().context();
        if (context == null) {
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        propagator.inject(context, headers, Map::put);
        return headers.get("traceparent");
    }
}
