package dev.berth.relay.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.berth.relay.web.RelayException;

class FilePathTest {

    private static final List<String> ROOTS = List.of("/workspace", "/tmp");

    @Test
    void aPathUnderARootIsNormalized() {
        FilePath path = FilePath.parse("/workspace//src/./app.js", ROOTS);
        assertThat(path.value()).isEqualTo("/workspace/src/app.js");
        assertThat(path.root()).isEqualTo("/workspace");
        assertThat(path.name()).isEqualTo("app.js");
        assertThat(path.parent()).isEqualTo("/workspace/src");
        assertThat(path.chain()).containsExactly("/workspace", "/workspace/src", "/workspace/src/app.js");
        assertThat(path.isRoot()).isFalse();
        assertThat(FilePath.parse("/tmp/", ROOTS).isRoot()).isTrue();
        assertThat(FilePath.parse("/tmp/", ROOTS).chain()).containsExactly("/tmp");
    }

    @Test
    void namesWithSpacesNewlinesAndOtherScriptsAreKept() {
        assertThat(FilePath.parse("/workspace/my file\n$(x);'.txt", ROOTS).value())
                .isEqualTo("/workspace/my file\n$(x);'.txt");
        assertThat(FilePath.parse("/tmp/日本語/ü.txt", ROOTS).value()).isEqualTo("/tmp/日本語/ü.txt");
    }

    @Test
    void badPathsAreRefusedSayingWhy() {
        refused(null, "path is required");
        refused("", "path is required");
        refused("workspace/app.js", "path must be absolute");
        refused("/workspace/../etc/passwd", "path must not contain .. segments");
        refused("/workspace/a/..", "path must not contain .. segments");
        refused("/workspace/a\0b", "path must not contain NUL");
        refused("/etc/passwd", "path must be under /workspace or /tmp; /etc/passwd is not");
        refused("/workspaces/x", "path must be under /workspace or /tmp");
        refused("/", "path must be under");
        refused("/workspace/" + "a".repeat(256), "path has a name longer than 255 bytes");
        refused("/workspace/" + "a/".repeat(2100), "path must have at most 4096 characters");
    }

    private static void refused(String raw, String detail) {
        assertThatThrownBy(() -> FilePath.parse(raw, ROOTS))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.slug()).isEqualTo("invalid-path");
                    assertThat(e.getMessage()).startsWith(detail);
                });
    }
}
