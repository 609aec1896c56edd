package dev.berth.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The public API through the gateway, as a client with one token sees it. */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final String token;

    Api(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    String token() {
        return token;
    }

    record Response(int status, String contentType, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Response call(String method, String path, String body) {
        return call(method, path, body, Map.of());
    }

    Response call(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode create(String body) {
        Response response = call("POST", "/api/v1/sessions", body);
        if (response.status() != 202) {
            throw new AssertionError("create answered " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    JsonNode get(String id) {
        return call("GET", "/api/v1/sessions/" + id, null).json();
    }

    JsonNode delete(String id) {
        Response response = call("DELETE", "/api/v1/sessions/" + id, null);
        if (response.status() != 202) {
            throw new AssertionError("delete answered " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    /** Polls until the session has the status (or a final other one, which fails fast). */
    JsonNode awaitStatus(String id, String status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode session = get(id);
        while (System.nanoTime() < deadline) {
            session = get(id);
            String now = session.path("status").asString();
            if (now.equals(status)) {
                return session;
            }
            if (List.of("FAILED", "TERMINATED").contains(now)) {
                throw new AssertionError("session " + id + " is " + now + ", not " + status + ": " + session);
            }
            sleep(100);
        }
        throw new AssertionError("session " + id + " did not become " + status + " within " + timeout + ": "
                + session);
    }

    /** Opens the server-sent event stream; its {@code session} events queue up in the returned stream. */
    EventStream events() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/sessions/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
        try {
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new AssertionError("event stream answered " + response.statusCode());
            }
            return new EventStream(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Session events of one stream, in arrival order. */
    static final class EventStream implements AutoCloseable {

        private final InputStream body;
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

        EventStream(InputStream body) {
            this.body = body;
            Thread.ofVirtual().start(this::read);
        }

        /** The next event about the session, skipping others; null if none came in time. */
        JsonNode next(String sessionId, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (event == null || event.path("id").asString().equals(sessionId)) {
                    return event;
                }
            }
        }

        /** The next event showing the session in that status, skipping others; null if none came in time. */
        JsonNode await(String sessionId, String status, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                JsonNode event = next(sessionId, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (event == null || event.path("status").asString().equals(status)) {
                    return event;
                }
            }
        }

        private void read() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String event = null;
                for (String line; (line = reader.readLine()) != null;) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && "session".equals(event)) {
                        events.add(JSON.readTree(line.substring(5)));
                    } else if (line.isEmpty()) {
                        event = null;
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
