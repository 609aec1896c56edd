package dev.berth.session.outbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

/**
 * Publishes outbox rows with publisher confirms: right after the commit that wrote them, and every sweep
 * interval for anything left (RabbitMQ down, unroutable, unconfirmed). Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so several instances never publish the same row at once, and deleted
 * only once the broker confirmed them.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RabbitTemplate rabbit;
    private final Tracer tracer;
    private final Propagator propagator;
    private final OutboxProperties properties;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private volatile boolean brokerDown;
    private Thread thread;

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transactions, RabbitTemplate rabbit, Tracer tracer,
            Propagator propagator, OutboxProperties properties) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.rabbit = rabbit;
        this.tracer = tracer;
        this.propagator = propagator;
        this.properties = properties;
    }

    /** Publish now rather than at the next sweep. */
    public void wake() {
        wake.release();
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("outbox-relay").start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(properties.confirmTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(properties.sweepInterval().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                while (running && publishBatch() == properties.batchSize()) {
                    // a full batch: more may be waiting
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Outbox relay failed; retrying in {}", properties.sweepInterval(), e);
            }
        }
    }

    /** Publishes one batch of unsent rows; answers how many rows it claimed. */
    int publishBatch() {
        Integer claimed = transactions.execute(status -> {
            List<Row> rows = jdbc.query("select id, message_id, exchange, routing_key, payload::text, traceparent "
                    + "from outbox order by id limit ? for update skip locked",
                    (rs, i) -> new Row(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)),
                    properties.batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            List<Long> sent = new ArrayList<>();
            String failure = null;
            try {
                List<CorrelationData> confirms = rows.stream().map(this::send).toList();
                for (int i = 0; i < rows.size(); i++) {
                    String error = awaitConfirm(confirms.get(i));
                    if (error == null) {
                        sent.add(rows.get(i).id());
                    } else {
                        failure = error;
                        jdbc.update("update outbox set attempts = attempts + 1, last_error = ? where id = ?", error,
                                rows.get(i).id());
                    }
                }
            } catch (RuntimeException e) {
                failure = "RabbitMQ unavailable: " + e.getMessage();
                for (Row row : rows) {
                    jdbc.update("update outbox set attempts = attempts + 1, last_error = ? where id = ?", failure,
                            row.id());
                }
            }
            if (!sent.isEmpty()) {
                jdbc.update("delete from outbox where id = any(?)",
                        (Object) sent.toArray(Long[]::new));
            }
            reportBroker(failure, rows.size() - sent.size());
            return failure == null ? rows.size() : 0;
        });
        return claimed == null ? 0 : claimed;
    }

    private CorrelationData send(Row row) {
        MessageProperties props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        props.setContentEncoding(StandardCharsets.UTF_8.name());
        props.setMessageId(row.messageId().toString());
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        Message message = new Message(row.payload().getBytes(StandardCharsets.UTF_8), props);
        CorrelationData correlation = new CorrelationData(row.messageId().toString());
        Span.Builder builder = row.traceparent() == null ? tracer.spanBuilder()
                : propagator.extract(Map.of("traceparent", row.traceparent()), Map::get);
        Span span = builder.name("outbox publish").tag("routing.key", row.routingKey()).start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            rabbit.send(row.exchange(), row.routingKey(), message, correlation);
        } finally {
            span.end();
        }
        return correlation;
    }

    /** Null when the broker took the message; otherwise why not. */
    private String awaitConfirm(CorrelationData correlation) {
        try {
            CorrelationData.Confirm confirm = correlation.getFuture()
                    .get(properties.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (correlation.getReturned() != null) {
                return "unroutable: " + correlation.getReturned().getReplyText();
            }
            return confirm.ack() ? null : "not confirmed: " + confirm.reason();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "no confirm within " + properties.confirmTimeout();
        }
    }

    private void reportBroker(String failure, int waiting) {
        if (failure != null && !brokerDown) {
            brokerDown = true;
            log.warn("Commands wait in the outbox ({} in this batch): {}; retrying every {}", waiting, failure,
                    properties.sweepInterval());
        } else if (failure == null && brokerDown) {
            brokerDown = false;
            log.info("RabbitMQ takes commands again; the outbox is draining");
        }
    }

    private record Row(long id, UUID messageId, String exchange, String routingKey, String payload,
            String traceparent) {
    }
}
