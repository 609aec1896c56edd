package dev.berth.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.berth.contracts.ContainerSpec;
import dev.berth.contracts.CreateSession;
import dev.berth.contracts.Messaging;
import tools.jackson.databind.JsonNode;

/**
 * Templates from the operator's folder (written while the service runs): listing, what a create command of a
 * multi-container template carries, and the limits of a template.
 */
class TemplateTest extends IntegrationTest {

    static final Path FOLDER = Path.of(System.getProperty("java.io.tmpdir"), "berth-session-test-templates");

    @BeforeAll
    static void writeTemplates() throws IOException {
        Files.createDirectories(FOLDER);
        Files.writeString(FOLDER.resolve("pair.yml"), """
                name: pair
                description: An app and its database
                maxPerOwner: 1
                maxDurationMinutes: 30
                containers:
                  - name: app
                    image: berth/workspace:latest
                    command: ["node", "app.js", "--session", "${session.id}"]
                    env: {DB_PASSWORD: "${secret.db}", OWNER: "${session.owner}"}
                    ports: [3000]
                    dependsOn: [db]
                  - name: db
                    image: berth/workspace:latest
                    env: {PASSWORD: "${secret.db}"}
                    ports: [8081]
                    readiness: ["sh", "-c", "true"]
                    readinessTimeoutSeconds: 20
                    memory: 256MB
                    cpus: 0.5
                """);
        Files.writeString(FOLDER.resolve("locked.yml"), """
                name: locked
                enabled: false
                containers: [{name: box, image: berth/workspace:latest, privileged: true}]
                """);
        Files.writeString(FOLDER.resolve("staff.yml"), """
                name: staff
                role: teacher
                containers: [{name: box, image: berth/workspace:latest}]
                """);
        // enables the built-in docker template for one role, keeping the rest of it
        Files.writeString(FOLDER.resolve("docker.yml"), """
                name: docker
                enabled: true
                role: teacher
                """);
        Files.writeString(FOLDER.resolve("broken.yml"), """
                name: broken
                containers: [{name: a, image: x, dependsOn: [nobody]}]
                """);
    }

    @Test
    void theTemplatesACallerMayUseAreListed() {
        JsonNode listed = call("GET", "/api/v1/templates", token(owner(), false), null).json();
        List<String> names = new ArrayList<>();
        listed.forEach(template -> names.add(template.path("name").asString()));
        assertThat(names).startsWith("node").contains("pair", "todo-stack")
                .doesNotContain("locked", "staff", "broken", "docker");
        JsonNode pair = listed.get(names.indexOf("pair"));
        assertThat(pair.path("maxPerOwner").asInt()).isEqualTo(1);
        assertThat(pair.path("containers").findValues("name").stream().map(JsonNode::asString))
                .containsExactly("app", "db");

        List<String> forTeacher = new ArrayList<>();
        call("GET", "/api/v1/templates", token(owner(), List.of("teacher")), null).json()
                .forEach(template -> forTeacher.add(template.path("name").asString()));
        assertThat(forTeacher).contains("staff", "docker").doesNotContain("locked");
        List<String> forAdmin = new ArrayList<>();
        call("GET", "/api/v1/templates", token(owner(), true), null).json()
                .forEach(template -> forAdmin.add(template.path("name").asString()));
        assertThat(forAdmin).contains("staff", "locked").doesNotContain("broken");
    }

    @Test
    void aTemplateSessionSendsItsContainersWithValuesOfItsOwn() {
        String owner = owner();
        String token = token(owner, false);
        JsonNode first = create(token, "{\"template\": \"pair\"}");
        assertThat(first.path("template").asString()).isEqualTo("pair");
        assertThat(first.path("ports").toString()).isEqualTo("[3000,8081]");
        assertThat(first.path("previews").findValues("port").stream().map(JsonNode::asInt)).containsExactly(3000, 8081);

        CreateSession command = createCommandOf(first.path("id").asString());
        assertThat(command.containers()).extracting(ContainerSpec::name).containsExactly("app", "db");
        ContainerSpec app = command.containers().get(0);
        ContainerSpec db = command.containers().get(1);
        assertThat(app.command()).containsExactly("node", "app.js", "--session", first.path("id").asString());
        assertThat(app.env().get("OWNER")).isEqualTo(owner);
        assertThat(app.env().get("DB_PASSWORD")).hasSize(24).isEqualTo(db.env().get("PASSWORD"));
        assertThat(app.dependsOn()).containsExactly("db");
        assertThat(db.readiness()).isEqualTo(new ContainerSpec.Readiness(List.of("sh", "-c", "true"), 20));
        assertThat(db.limits()).isEqualTo(new ContainerSpec.Limits(256L << 20, 500_000_000L, false));

        String other = create(token(owner(), false), "{\"template\": \"pair\"}").path("id").asString();
        assertThat(createCommandOf(other).containers().get(1).env().get("PASSWORD"))
                .as("each session has its own secrets").isNotEqualTo(db.env().get("PASSWORD"));
    }

    @Test
    void anOperatorFileWithoutContainersEnablesABuiltInTemplateKeepingTheRestOfIt() {
        String teacher = token(owner(), List.of("teacher"));
        JsonNode session = create(teacher, "{\"template\": \"docker\"}");
        ContainerSpec box = createCommandOf(session.path("id").asString()).containers().get(0);
        assertThat(box.image()).isEqualTo("berth/docker:latest");
        assertThat(box.limits()).isEqualTo(new ContainerSpec.Limits(2L << 30, null, true));
        Response second = call("POST", "/api/v1/sessions", teacher, "{\"template\": \"docker\"}");
        assertThat(second.status()).as("one per owner, as built in").isEqualTo(409);
        assertThat(call("POST", "/api/v1/sessions", token(owner(), false), "{\"template\": \"docker\"}").status())
                .isEqualTo(403);
    }

    @Test
    void aTemplateLimitedToOnePerOwnerAnswers409WithTheSessionThereIs() {
        String token = token(owner(), false);
        String first = create(token, "{\"template\": \"pair\"}").path("id").asString();
        Response second = call("POST", "/api/v1/sessions", token, "{\"template\": \"pair\"}");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().path("type").asString()).isEqualTo("urn:berth:problem:template-limit");
        assertThat(second.json().path("existingSessionId").asString()).isEqualTo(first);
        call("DELETE", "/api/v1/sessions/" + first, token, null);
        assertThat(call("POST", "/api/v1/sessions", token, "{\"template\": \"pair\"}").status()).isEqualTo(202);
    }

    @Test
    void templatesThatMayNotBeUsedAreRefused() {
        String token = token(owner(), false);
        Response disabled = call("POST", "/api/v1/sessions", token(owner(), true), "{\"template\": \"locked\"}");
        assertThat(disabled.status()).isEqualTo(403);
        assertThat(disabled.json().path("type").asString()).isEqualTo("urn:berth:problem:template-disabled");
        assertThat(call("POST", "/api/v1/sessions", token, "{\"template\": \"staff\"}").status()).isEqualTo(403);
        assertThat(call("POST", "/api/v1/sessions", token(owner(), List.of("teacher")), "{\"template\": \"staff\"}")
                .status()).isEqualTo(202);
        for (String body : List.of("{\"template\": \"nope\"}", "{\"template\": \"broken\"}",
                "{\"template\": \"Pair!\"}", "{\"template\": \"pair\", \"image\": \"berth/workspace:latest\"}",
                "{\"template\": \"pair\", \"env\": {\"A\": \"b\"}}", "{\"template\": \"pair\", \"durationMinutes\": 31}")) {
            Response refused = call("POST", "/api/v1/sessions", token, body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.json().path("errors").path(0).path("field").asString()).as(body)
                    .isIn("template", "image", "env", "durationMinutes");
        }
    }

    private CreateSession createCommandOf(String sessionId) {
        return json.readValue(receiveFor(Messaging.PROVISION_QUEUE, sessionId).getBody(), CreateSession.class);
    }
}
