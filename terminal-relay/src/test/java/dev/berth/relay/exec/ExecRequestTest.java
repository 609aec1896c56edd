package dev.berth.relay.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.berth.relay.web.RelayException;
import tools.jackson.databind.json.JsonMapper;

class ExecRequestTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ExecRequest parse(String body) {
        return ExecRequest.parse(JSON.readTree(body));
    }

    private static void refused(String body, String detail) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(RelayException.class, e -> {
            assertThat(e.status().value()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith(detail);
        });
    }

    @Test
    void anArgvRunsAsGivenWithTheDefaults() {
        ExecRequest request = parse("{\"command\": [\"echo\", \"a b\"]}");
        assertThat(request.argv()).containsExactly("echo", "a b");
        assertThat(request.command()).isEqualTo(List.of("echo", "a b"));
        assertThat(request.cwd()).isNull();
        assertThat(request.env()).isEmpty();
        assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(request.background()).isFalse();
    }

    @Test
    void aStringRunsWithAShell() {
        ExecRequest request = parse("{\"command\": \"echo $HOME | wc -c\"}");
        assertThat(request.argv()).containsExactly("sh", "-c", "echo $HOME | wc -c");
        assertThat(request.command()).isEqualTo("echo $HOME | wc -c");
    }

    @Test
    void everyFieldIsRead() {
        ExecRequest request = parse("""
                {"command": ["node", "server.js"], "cwd": "/workspace/app", "env": {"PORT": "3001", "_X1": ""},
                 "timeoutSeconds": 3600, "background": true}""");
        assertThat(request.cwd()).isEqualTo("/workspace/app");
        assertThat(request.env()).isEqualTo(Map.of("PORT", "3001", "_X1", ""));
        assertThat(request.timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(request.background()).isTrue();
    }

    @Test
    void aBackgroundProcessHasNoTimeoutUnlessAsked() {
        assertThat(parse("{\"command\": \"npm run dev\", \"background\": true}").timeout()).isNull();
        assertThat(parse("{\"command\": \"ls\", \"background\": false, \"cwd\": null, \"env\": null}").timeout())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theCommandIsRequiredAndMustBeUsable() {
        refused("{}", "command is required");
        refused("{\"command\": null}", "command is required");
        refused("{\"command\": \"  \"}", "command must not be blank");
        refused("{\"command\": []}", "command must not be an empty array");
        refused("{\"command\": [\"\"]}", "command[0] must name the program");
        refused("{\"command\": [\"echo\", 3]}", "command[1] must be a string");
        refused("{\"command\": {\"run\": \"ls\"}}", "command must be an array of strings, or a string");
        refused("{\"command\": 42}", "command must be an array of strings, or a string");
        refused("{\"command\": [\"echo\", \"a\\u0000b\"]}", "command[1] must not contain NUL");
        refused("{\"command\": \"" + "x".repeat(ExecRequest.MAX_COMMAND_CHARS + 1) + "\"}",
                "command must have at most");
        String many = "\"a\",".repeat(ExecRequest.MAX_ARGS) + "\"a\"";
        refused("{\"command\": [" + many + "]}", "command must have at most 1024 elements");
    }

    @Test
    void unknownFieldsAreNamed() {
        refused("{\"command\": \"ls\", \"timeout\": 5}", "timeout is not a known field");
        refused("[\"ls\"]", "body must be a JSON object");
    }

    @Test
    void theWorkingDirectoryMustBeAbsolute() {
        refused("{\"command\": \"ls\", \"cwd\": \"workspace\"}", "cwd must be an absolute path");
        refused("{\"command\": \"ls\", \"cwd\": 7}", "cwd must be a string");
        refused("{\"command\": \"ls\", \"cwd\": \"/" + "d".repeat(ExecRequest.MAX_CWD) + "\"}",
                "cwd must have at most");
    }

    @Test
    void environmentNamesAndValuesAreChecked() {
        refused("{\"command\": \"ls\", \"env\": [\"A=1\"]}", "env must be an object");
        refused("{\"command\": \"ls\", \"env\": {\"1A\": \"x\"}}", "env names must be");
        refused("{\"command\": \"ls\", \"env\": {\"A-B\": \"x\"}}", "env names must be");
        refused("{\"command\": \"ls\", \"env\": {\"A\": 1}}", "env.A must be a string");
        refused("{\"command\": \"ls\", \"env\": {\"A\": \"x\\u0000\"}}", "env.A must not contain NUL");
        refused("{\"command\": \"ls\", \"env\": {\"A\": \"" + "v".repeat(ExecRequest.MAX_ENV_VALUE + 1) + "\"}}",
                "env.A must have at most");
        refused("{\"command\": \"ls\", \"env\": {\"BERTH_PROCESS\": \"x\"}}", "env.BERTH_PROCESS is reserved");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= ExecRequest.MAX_ENV; i++) {
            many.append(i == 0 ? "" : ",").append("\"V").append(i).append("\": \"\"");
        }
        refused("{\"command\": \"ls\", \"env\": {" + many + "}}", "env must have at most 64 entries");
    }

    @Test
    void theTimeoutIsAWholeNumberOfSecondsUpToAnHour() {
        refused("{\"command\": \"ls\", \"timeoutSeconds\": 0}", "timeoutSeconds must be a whole number from 1 to 3600");
        refused("{\"command\": \"ls\", \"timeoutSeconds\": 3601}", "timeoutSeconds must be");
        refused("{\"command\": \"ls\", \"timeoutSeconds\": 1.5}", "timeoutSeconds must be");
        refused("{\"command\": \"ls\", \"timeoutSeconds\": \"10\"}", "timeoutSeconds must be");
        refused("{\"command\": \"ls\", \"timeoutSeconds\": 99999999999}", "timeoutSeconds must be");
        assertThat(parse("{\"command\": \"ls\", \"timeoutSeconds\": 1}").timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void backgroundIsABoolean() {
        refused("{\"command\": \"ls\", \"background\": \"yes\"}", "background must be true or false");
    }
}
