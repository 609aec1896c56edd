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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * A server-sent event stream as a client reads it: every event, named, in arrival order. When the server
 * refuses the request, {@link #status()} and {@link #body()} tell how.
 */
final class EventStream implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Queued when the stream ends. */
    private static final Event END_OF_STREAM = new Event("", "");

    private final int status;
    private final String body;
    private final InputStream stream;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    record Event(String name, String data) {

        JsonNode json() {
            return Api.JSON.readTree(data);
        }
    }

    private EventStream(int status, String body, InputStream stream) {
        this.status = status;
        this.body = body;
        this.stream = stream;
        if (stream != null) {
            Thread.ofVirtual().start(this::read);
        }
    }

    /** Opens {@code url}, with a bearer token unless {@code token} is null. */
    static EventStream open(String url, String token) {
        return open(url, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    static EventStream open(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                try (InputStream in = response.body()) {
                    return new EventStream(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8),
                            null);
                }
            }
            return new EventStream(200, null, response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int status() {
        return status;
    }

    /** The body of a refused request. */
    String body() {
        return body;
    }

    /** The next event, or null if none came in time or the stream ended. */
    Event next(Duration timeout) throws InterruptedException {
        if (ended && events.isEmpty()) {
            return null;
        }
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == END_OF_STREAM) {
            ended = true;
            return null;
        }
        return event;
    }

    /** The next event of that name, skipping others; null if none came in time. */
    Event next(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event event = next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (event == null || event.name().equals(name)) {
                return event;
            }
        }
    }

    /** Every event until the server ends the stream; fails if it does not end in time. */
    List<Event> untilEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> all = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the stream did not end within " + timeout + "; got " + all);
            }
            Event event = next(Duration.ofNanos(left));
            if (event == null) {
                if (ended) {
                    return all;
                }
                continue;
            }
            all.add(event);
        }
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line; (line = reader.readLine()) != null;) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name, data.toString()));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            events.add(END_OF_STREAM);
        }
    }

    @Override
    public void close() throws IOException {
        if (stream != null) {
            stream.close();
        }
    }
}
