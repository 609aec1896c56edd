package dev.berth.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a loopback port standing in for session-service: it records what reaches it and answers
 * like the real one would for the few paths the tests use.
 */
final class StandInService implements AutoCloseable {

    /** What reached the service: method, path with query, headers, body size. */
    record Received(String method, String uri, Map<String, List<String>> headers, int bodyBytes) {

        String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile CountDownLatch secondEvent = new CountDownLatch(1);

    private StandInService(HttpServer server) {
        this.server = server;
    }

    static StandInService start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            StandInService service = new StandInService(server);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", service::handle);
            server.start();
            return service;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    BlockingQueue<Received> received() {
        return received;
    }

    /** Lets the event stream send its second event. */
    void releaseSecondEvent() {
        secondEvent.countDown();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String uri = exchange.getRequestURI().toString();
        received.add(new Received(exchange.getRequestMethod(), uri, Map.copyOf(exchange.getRequestHeaders()),
                body.length));
        try (exchange) {
            switch (exchange.getRequestURI().getPath()) {
                case "/api/v1/sessions/events" -> events(exchange);
                case "/api/v1/sessions/slow" -> {
                    sleep(2_000);
                    json(exchange, "{\"slow\":true}");
                }
                case "/v3/api-docs" -> json(exchange, "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Berth\"}}");
                default -> json(exchange, "{\"path\":\"" + uri + "\"}");
            }
        }
    }

    /**
     * Answers only after a pause longer than the gateway's response timeout for API calls, sends one event, and
     * the second once released; then keeps the stream open a while.
     */
    private void events(HttpExchange exchange) throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        secondEvent = release;
        sleep(1_500);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        write(out, "event: session\ndata: first\n\n");
        if (await(release)) {
            write(out, "event: session\ndata: second\n\n");
            sleep(5_000);
        }
    }

    private static void json(HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
