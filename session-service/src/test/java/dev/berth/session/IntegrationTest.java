package dev.berth.session;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.berth.contracts.ContainerState;
import dev.berth.contracts.Messaging;
import dev.berth.contracts.PublishedPort;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service over real HTTP, PostgreSQL and RabbitMQ. Tests play the provisioner's part by
 * publishing status events and reading the commands session-service sends.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@Import(TestInfrastructure.class)
public abstract class IntegrationTest {

    protected static final String SECRET = "session-service-test-secret-0123456789abcdef";
    protected static final Duration WAIT = Duration.ofSeconds(10);

    protected final HttpClient http = HttpClient.newHttpClient();
    protected final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    protected int port;
    @Autowired
    protected RabbitTemplate rabbit;
    @Autowired
    protected AmqpAdmin admin;

    protected static String owner() {
        return "user-" + UUID.randomUUID();
    }

    protected static String token(String subject, boolean admin) {
        return token(subject, admin ? List.of("admin") : List.of());
    }

    protected static String token(String subject, List<String> roles) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).issueTime(new Date())
                    .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                    .claim("roles", roles).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected record Response(int status, String contentType, String body, JsonNode json) {
    }

    protected Response call(String method, String path, String token, String body) {
        return call(method, path, token, body, "application/json");
    }

    protected Response call(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode node = type.contains("json") && !response.body().isEmpty() ? json.readTree(response.body())
                    : null;
            return new Response(response.statusCode(), type, response.body(), node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected JsonNode create(String token, String body) {
        Response response = call("POST", "/api/v1/sessions", token, body);
        if (response.status() != 202) {
            throw new AssertionError("create answered " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    protected JsonNode get(String token, String id) {
        return call("GET", "/api/v1/sessions/" + id, token, null).json();
    }

    protected JsonNode awaitStatus(String token, String id, SessionStatus status) {
        await().atMost(WAIT).until(() -> status.name().equals(get(token, id).path("status").asString()));
        return get(token, id);
    }

    /** A queue that receives what session-service sends to a node, as that node's provisioner would. */
    protected Queue nodeQueue(String nodeId) {
        Queue queue = QueueBuilder.nonDurable(Messaging.NODE_QUEUE_PREFIX + nodeId).expires(60_000).build();
        admin.declareQueue(queue);
        Binding binding = BindingBuilder.bind(queue).to(new TopicExchange(Messaging.COMMANDS))
                .with(Messaging.NODE_PREFIX + nodeId + ".#");
        admin.declareBinding(binding);
        return queue;
    }

    /** Reports a status as a provisioner would. */
    protected SessionStatusChanged report(String sessionId, long sequence, SessionStatus status, String nodeId,
            String reason) {
        List<ContainerState> containers = status == SessionStatus.RUNNING
                ? List.of(new ContainerState("workspace", "c-" + sessionId, "berth/workspace:latest",
                        List.of(new PublishedPort(3000, "127.0.0.1", 40000))))
                : List.of();
        SessionStatusChanged event = new SessionStatusChanged(UUID.randomUUID(), UUID.fromString(sessionId),
                sequence, status, nodeId, containers, reason, null, Instant.now());
        publish(event);
        return event;
    }

    protected void publish(SessionStatusChanged event) {
        rabbit.convertAndSend(Messaging.EVENTS,
                Messaging.SESSION_STATUS_PREFIX + event.status().name().toLowerCase(), event);
    }

    protected JsonNode body(Message message) {
        return json.readTree(message.getBody());
    }

    /** The next message on a queue about the session; messages about other sessions are skipped. */
    protected Message receiveFor(String queue, String sessionId) {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            Message message = rabbit.receive(queue, 500);
            if (message != null && sessionId.equals(json.readTree(message.getBody()).path("sessionId").asString())) {
                return message;
            }
        }
        throw new AssertionError("no message about session " + sessionId + " arrived on " + queue);
    }

    protected static Map<String, Object> headers(Message message) {
        return message.getMessageProperties().getHeaders();
    }
}
