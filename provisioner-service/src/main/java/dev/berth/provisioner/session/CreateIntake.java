package dev.berth.provisioner.session;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.berth.provisioner.docker.DockerEngine;
import dev.berth.provisioner.node.NodeProperties;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;

/**
 * Whether this node takes create commands: not while its engine is down (the circuit breaker is open) nor
 * while it is at capacity, so that other nodes take them. Deletes are always taken.
 */
@Component
public class CreateIntake implements SmartLifecycle, DisposableBean {

    static final String LISTENER_ID = "create";
    private static final Logger log = LoggerFactory.getLogger(CreateIntake.class);

    private final RabbitListenerEndpointRegistry listeners;
    private final int capacity;
    /** Starting and stopping a listener waits for its consumers, so it never runs on a consumer's thread. */
    private final ExecutorService switcher = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("create-intake").factory());
    private boolean engineDown;
    private boolean full;
    private volatile boolean running;

    public CreateIntake(RabbitListenerEndpointRegistry listeners, DockerEngine engine, NodeProperties node) {
        this.listeners = listeners;
        this.capacity = node.capacity();
        engine.circuitBreaker().getEventPublisher().onStateTransition(this::onTransition);
    }

    /** Records how many sessions the node holds now. */
    public synchronized void sessionsHeld(int sessions) {
        boolean nowFull = sessions >= capacity;
        if (nowFull != full) {
            full = nowFull;
            log.info("Sessions on this node: {} of {}", sessions, capacity);
            apply();
        }
    }

    private synchronized void onTransition(CircuitBreakerOnStateTransitionEvent event) {
        boolean nowDown = switch (event.getStateTransition().getToState()) {
            case OPEN, FORCED_OPEN -> true;
            default -> false;
        };
        if (nowDown != engineDown) {
            engineDown = nowDown;
            if (engineDown) {
                log.warn("Docker engine unavailable (circuit {})", event.getStateTransition());
            } else {
                log.info("Docker engine may be back (circuit {})", event.getStateTransition());
            }
            apply();
        }
    }

    private void apply() {
        if (!running) {
            return; // not started yet (start applies the state) or shutting down
        }
        String pause = engineDown ? "its Docker engine is unavailable" : full ? "it is at capacity" : null;
        switcher.execute(() -> {
            var container = listeners.getListenerContainer(LISTENER_ID);
            if (container == null || !running) {
                return;
            }
            if (pause == null && !container.isRunning()) {
                log.info("This node takes create commands again");
                container.start();
            } else if (pause != null && container.isRunning()) {
                log.info("This node takes no create commands while {}", pause);
                container.stop();
            }
        });
    }

    @Override
    public synchronized void start() {
        running = true;
        apply();
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        switcher.shutdownNow();
    }
}
