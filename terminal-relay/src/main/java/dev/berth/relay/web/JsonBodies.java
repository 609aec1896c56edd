package dev.berth.relay.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ResponseStatusException;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads small JSON request bodies, with problems a client can act on. */
@Component
public class JsonBodies {

    private final JsonMapper json;
    private final DataSize maxBody;

    public JsonBodies(JsonMapper json, @Value("${spring.codec.max-in-memory-size:256KB}") DataSize maxBody) {
        this.json = json;
        this.maxBody = maxBody;
    }

    /**
     * The body as JSON; empty when there is none (or only white space).
     *
     * @return fails with 400 when it is not JSON, 413 when it is too large
     */
    public Mono<JsonNode> read(Mono<String> body) {
        return body
                .onErrorMap(ResponseStatusException.class, e -> e.getStatusCode() == HttpStatus.CONTENT_TOO_LARGE
                        ? new RelayException(HttpStatus.CONTENT_TOO_LARGE, Problems.CONTENT_TOO_LARGE,
                                "Content too large", "body must be at most " + maxBody.toKilobytes() + " KB")
                        : e)
                .filter(text -> !text.isBlank())
                .map(text -> {
                    try {
                        return json.readTree(text);
                    } catch (JacksonException e) {
                        throw RelayException.invalid("body", "is not valid JSON: " + e.getOriginalMessage());
                    }
                });
    }
}
