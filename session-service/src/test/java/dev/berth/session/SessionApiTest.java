package dev.berth.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

import dev.berth.contracts.Messaging;
import tools.jackson.databind.JsonNode;

class SessionApiTest extends IntegrationTest {

    @Test
    void createAnswersRequestedAndSendsOneCreateCommand() {
        String owner = owner();
        String token = token(owner, false);

        Response response = call("POST", "/api/v1/sessions", token, """
                {"durationMinutes": 30, "projectId": "demo-1", "labels": {"course": "js-101"},
                 "env": {"GREETING": "hello"}}""");

        assertThat(response.status()).isEqualTo(202);
        JsonNode session = response.json();
        String id = session.path("id").asString();
        assertThat(session.path("status").asString()).isEqualTo("REQUESTED");
        assertThat(session.path("owner").asString()).isEqualTo(owner);
        assertThat(session.path("image").asString()).isEqualTo("berth/workspace:latest");
        assertThat(session.path("projectId").asString()).isEqualTo("demo-1");
        assertThat(session.path("labels").path("course").asString()).isEqualTo("js-101");
        assertThat(session.has("env")).as("environment values are not echoed").isFalse();
        assertThat(session.path("links").path("self").asString()).isEqualTo("/api/v1/sessions/" + id);
        assertThat(java.time.Duration.between(java.time.Instant.parse(session.path("createdAt").asString()),
                java.time.Instant.parse(session.path("expiresAt").asString()))).hasMinutes(30);

        Message command = receiveFor(Messaging.PROVISION_QUEUE, id);
        JsonNode create = body(command);
        assertThat(create.path("sequence").asLong()).isEqualTo(1);
        assertThat(create.path("owner").asString()).isEqualTo(owner);
        JsonNode container = create.path("containers").path(0);
        assertThat(container.path("image").asString()).isEqualTo("berth/workspace:latest");
        assertThat(container.path("env").path("GREETING").asString()).isEqualTo("hello");
        assertThat(container.path("ports").path(0).asInt()).isEqualTo(3000);
        assertThat(command.getMessageProperties().getMessageId()).isEqualTo(create.path("messageId").asString());
        assertThat(headers(command)).containsKey("traceparent");
    }

    @Test
    void anEmptyBodyGivesTheDefaults() {
        Response response = call("POST", "/api/v1/sessions", token(owner(), false), null);

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.json().path("image").asString()).isEqualTo("berth/workspace:latest");
        assertThat(response.json().path("ports").path(0).asInt()).isEqualTo(3000);
    }

    @Test
    void badRequestsAreProblemsNamingTheField() {
        String token = token(owner(), false);
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"imgae\": \"x\"}"), "imgae");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"durationMinutes\": \"soon\"}"), "durationMinutes");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"durationMinutes\": 1.5}"), "durationMinutes");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"durationMinutes\": 0}"), "durationMinutes");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"durationMinutes\": 121}"), "durationMinutes");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"durationMinutes\": 99999999999999}"),
                "durationMinutes");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"image\": \"nginx:latest\"}"), "image");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"projectId\": \"../etc\"}"), "projectId");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"labels\": {\"a b\": \"x\"}}"), "labels[a b]");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"labels\": [\"x\"]}"), "labels");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"env\": {\"PATH=x\": \"y\"}}"), "env[PATH=x]");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"env\": {\"A\": {\"nested\": 1}}}"), "env.A");
        assertInvalid(call("POST", "/api/v1/sessions", token, "{\"image\": "), "body");
        assertInvalid(call("POST", "/api/v1/sessions", token, "[]"), "body");
        assertInvalid(call("GET", "/api/v1/sessions/not-a-uuid", token, null), "id");
        assertInvalid(call("GET", "/api/v1/sessions?status=SLEEPING", token, null), "status");
        assertInvalid(call("GET", "/api/v1/sessions?page=-1", token, null), "page");
        assertInvalid(call("GET", "/api/v1/sessions?size=51", token, null), "size");
        assertInvalid(call("GET", "/api/v1/sessions?size=abc", token, null), "size");

        Response wrongType = call("POST", "/api/v1/sessions", token, "image=x", "text/plain");
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.contentType()).startsWith("application/problem+json");
        Response wrongMethod = call("PUT", "/api/v1/sessions", token, "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.contentType()).startsWith("application/problem+json");
    }

    @Test
    void manyLabelsAreRefused() {
        StringBuilder labels = new StringBuilder("{");
        for (int i = 0; i < 33; i++) {
            labels.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        Response response = call("POST", "/api/v1/sessions", token(owner(), false),
                "{\"labels\":" + labels + "}}");
        assertInvalid(response, "labels");
    }

    @Test
    void withoutAValidTokenTheAnswerIs401() {
        Response none = call("GET", "/api/v1/sessions", null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.json().path("type").asString()).isEqualTo("urn:berth:problem:unauthorized");

        String forged = token("mallory", true);
        forged = forged.substring(0, forged.length() - 4) + "AAAA";
        assertThat(call("GET", "/api/v1/sessions", forged, null).status()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/sessions", "garbage", "{}").status()).isEqualTo(401);
    }

    @Test
    void anotherOwnersSessionIsNotFoundLikeAMissingOne() {
        String alice = token(owner(), false);
        String bob = token(owner(), false);
        String id = create(alice, "{}").path("id").asString();

        Response foreign = call("GET", "/api/v1/sessions/" + id, bob, null);
        Response missing = call("GET", "/api/v1/sessions/" + java.util.UUID.randomUUID(), bob, null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(foreign.json().path("type").asString()).isEqualTo(missing.json().path("type").asString());
        assertThat(call("DELETE", "/api/v1/sessions/" + id, bob, null).status()).isEqualTo(404);
        assertThat(get(alice, id).path("status").asString()).isEqualTo("REQUESTED");

        assertThat(call("GET", "/api/v1/sessions/" + id, token("root", true), null).status()).isEqualTo(200);
    }

    @Test
    void listingFiltersPagesAndStaysWithinTheOwner() {
        String owner = owner();
        String token = token(owner, false);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create(token, "{\"projectId\": \"" + (i < 3 ? "alpha" : "beta") + "\"}").path("id").asString());
        }
        create(token(owner(), false), "{\"projectId\": \"alpha\"}");

        JsonNode alpha = call("GET", "/api/v1/sessions?projectId=alpha&size=2", token, null).json();
        assertThat(alpha.path("totalItems").asLong()).isEqualTo(3);
        assertThat(alpha.path("totalPages").asInt()).isEqualTo(2);
        assertThat(alpha.path("items")).hasSize(2);
        assertThat(alpha.path("items").path(0).path("id").asString()).as("newest first").isEqualTo(ids.get(2));
        JsonNode second = call("GET", "/api/v1/sessions?projectId=alpha&size=2&page=1", token, null).json();
        assertThat(second.path("items")).hasSize(1);
        assertThat(second.path("items").path(0).path("id").asString()).isEqualTo(ids.get(0));

        call("DELETE", "/api/v1/sessions/" + ids.get(4), token, null);
        JsonNode requested = call("GET", "/api/v1/sessions?status=REQUESTED", token, null).json();
        assertThat(requested.path("totalItems").asLong()).isEqualTo(4);

        assertThat(call("GET", "/api/v1/sessions?owner=someone-else", token, null).status()).isEqualTo(403);
        JsonNode own = call("GET", "/api/v1/sessions?owner=" + owner, token, null).json();
        assertThat(own.path("totalItems").asLong()).isEqualTo(5);
        JsonNode asAdmin = call("GET", "/api/v1/sessions?owner=" + owner, token("root", true), null).json();
        assertThat(asAdmin.path("totalItems").asLong()).isEqualTo(5);
    }

    @Test
    void deleteAllEndsEveryLiveSessionOfTheCallerOnly() {
        String token = token(owner(), false);
        String other = token(owner(), false);
        create(token, "{}");
        create(token, "{}");
        String othersId = create(other, "{}").path("id").asString();

        Response response = call("DELETE", "/api/v1/sessions", token, null);

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.json().path("count").asInt()).isEqualTo(2);
        JsonNode live = call("GET", "/api/v1/sessions?status=REQUESTED", token, null).json();
        assertThat(live.path("totalItems").asLong()).isZero();
        assertThat(get(other, othersId).path("status").asString()).isEqualTo("REQUESTED");
        assertThat(call("DELETE", "/api/v1/sessions", token, null).json().path("count").asInt()).isZero();
    }

    @Test
    void nodesAreForAdmins() {
        assertThat(call("GET", "/api/v1/nodes", token(owner(), false), null).status()).isEqualTo(403);
        assertThat(call("GET", "/api/v1/nodes", token("root", true), null).status()).isEqualTo(200);
    }

    @Test
    void anyCallerSeesTheImagesASessionMayUse() {
        Response response = call("GET", "/api/v1/images", token(owner(), false), null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("defaultImage").asString()).isEqualTo("berth/workspace:latest");
        List<String> images = new ArrayList<>();
        response.json().path("allowedImages").forEach(image -> images.add(image.asString()));
        assertThat(images).containsExactly("berth/workspace:latest", "berth/other:1");
        assertThat(call("GET", "/api/v1/images", null, null).status()).isEqualTo(401);
    }

    private static void assertInvalid(Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo("urn:berth:problem:invalid-request");
        List<String> fields = new ArrayList<>();
        response.json().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        assertThat(fields).as(response.body()).contains(field);
    }
}
