package dev.berth.provisioner.session;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;

import dev.berth.contracts.ContainerLabels;
import dev.berth.provisioner.docker.DockerConfig;
import dev.berth.provisioner.node.NodeProperties;

/**
 * Follows the engine's event stream for this node's containers: a container whose main process exits on its own
 * (not stopped or removed by a command here) makes its session STOPPED with the exit code, and its other
 * containers are stopped too. When the stream breaks,
 * it reconnects and has the reconciler look for what it missed.
 */
@Component
public class ContainerEvents implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ContainerEvents.class);

    private final DockerClient docker;
    private final NodeProperties node;
    private final SessionWorker worker;
    private final ExpectedExits expectedExits;
    private final Reconciler reconciler;
    private volatile boolean running;
    private volatile ResultCallback.Adapter<Event> stream;
    private Thread thread;

    public ContainerEvents(@Qualifier(DockerConfig.EVENTS) DockerClient docker, NodeProperties node,
            SessionWorker worker, ExpectedExits expectedExits, Reconciler reconciler) {
        this.docker = docker;
        this.node = node;
        this.worker = worker;
        this.expectedExits = expectedExits;
        this.reconciler = reconciler;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("container-events").start(this::follow);
    }

    @Override
    public void stop() {
        running = false;
        ResultCallback.Adapter<Event> current = stream;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        thread.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void follow() {
        boolean reconnected = false;
        while (running) {
            try {
                ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Event event) {
                        exited(event);
                    }
                };
                stream = callback;
                docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER).withEventFilter("die")
                        .withLabelFilter(Map.of(ContainerLabels.NODE, node.id())).exec(callback);
                if (reconnected) {
                    log.info("Following the engine's events again; reconciling what was missed");
                    reconciler.reconcileSoon();
                }
                callback.awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.debug("Engine event stream failed: {}", e.toString());
            }
            if (running) {
                reconnected = true;
                sleep();
            }
        }
    }

    private void exited(Event event) {
        Map<String, String> attributes = event.getActor() == null ? Map.of() : event.getActor().getAttributes();
        String session = attributes.get(ContainerLabels.SESSION);
        if (session == null) {
            return;
        }
        UUID sessionId = UUID.fromString(session);
        if (expectedExits.expected(sessionId)) {
            return;
        }
        Integer exitCode = parse(attributes.get("exitCode"));
        log.info("A container of session {} exited by itself (code {})", sessionId, exitCode);
        // stopping the session's other containers takes a while: not on the thread that reads the events
        Thread.ofVirtual().name("exited-" + sessionId).start(() -> {
            try {
                worker.exitedByItself(sessionId, exitCode);
            } catch (RuntimeException e) {
                log.warn("Could not report that session {} stopped; the reconciler will: {}", sessionId,
                        e.toString());
            }
        });
    }

    private static Integer parse(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void sleep() {
        try {
            TimeUnit.SECONDS.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
