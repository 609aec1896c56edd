package dev.berth.relay.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.CloseStatus;

import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

class TerminalBuffersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void scrollbackKeepsTheNewestBytesInOrder() {
        Scrollback scrollback = new Scrollback(8);
        assertThat(scrollback.snapshot()).isEmpty();
        scrollback.add(bytes("abc"));
        assertThat(scrollback.snapshot()).isEqualTo(bytes("abc"));
        scrollback.add(bytes("defgh"));
        assertThat(scrollback.snapshot()).isEqualTo(bytes("abcdefgh"));
        scrollback.add(bytes("ij"));
        assertThat(scrollback.snapshot()).isEqualTo(bytes("cdefghij"));
        scrollback.add(bytes("0123456789xyz"));
        assertThat(scrollback.snapshot()).isEqualTo(bytes("56789xyz"));
        Scrollback none = new Scrollback(0);
        none.add(bytes("abc"));
        assertThat(none.snapshot()).isEmpty();
    }

    @Test
    void inputIsReadInOrderAndHoldsWritersBackWhenFull() throws Exception {
        TerminalInput input = new TerminalInput(4);
        input.offer(bytes("ab")).block(Duration.ofSeconds(1));
        input.offer(bytes("cd")).block(Duration.ofSeconds(1));
        CompletableFuture<Void> third = input.offer(bytes("ef")).toFuture();
        assertThat(third).isNotDone();
        byte[] buffer = new byte[3];
        assertThat(input.read(buffer, 0, 3)).isEqualTo(3);
        assertThat(new String(buffer, StandardCharsets.UTF_8)).isEqualTo("abc");
        third.get(1, TimeUnit.SECONDS);
        assertThat(input.read(buffer, 0, 3)).isEqualTo(3);
        assertThat(new String(buffer, StandardCharsets.UTF_8)).isEqualTo("def");
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> input.read(buffer, 0, 3));
        Thread.sleep(50);
        assertThat(blocked).isNotDone();
        input.close();
        assertThat(blocked.get(1, TimeUnit.SECONDS)).isEqualTo(-1);
        input.offer(bytes("late")).block(Duration.ofSeconds(1));
        assertThat(input.read(buffer, 0, 3)).isEqualTo(-1);
    }

    @Test
    void aViewerGetsOutputAndControlMessagesInOrderAsItAsks() {
        Viewer viewer = new Viewer(1024);
        viewer.output(bytes("hel"), Duration.ofSeconds(1));
        viewer.output(bytes("lo"), Duration.ofSeconds(1));
        viewer.control("{\"type\":\"error\"}");
        viewer.output(bytes("!"), Duration.ofSeconds(1));
        viewer.finish(new CloseStatus(1000, "bye"), "{\"type\":\"exit\",\"code\":0}");
        StepVerifier.create(viewer.outbound().map(TerminalBuffersTest::describe), 1)
                .expectNext("bytes:hello")
                .thenRequest(10)
                .expectNext("control:{\"type\":\"error\"}", "bytes:!", "control:{\"type\":\"exit\",\"code\":0}")
                .verifyComplete();
        assertThat(viewer.closeStatus().getReason()).isEqualTo("bye");
    }

    @Test
    void aViewerThatDoesNotKeepUpIsDroppedAndTheOutputGoesOn() {
        Viewer viewer = new Viewer(4);
        viewer.output(bytes("abcd"), Duration.ofMillis(50));
        long started = System.nanoTime();
        viewer.output(bytes("e"), Duration.ofMillis(50));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
        assertThat(viewer.closeStatus()).isEqualTo(Viewer.TOO_SLOW);
        StepVerifier.create(viewer.outbound()).verifyComplete();
        viewer.output(bytes("f"), Duration.ofSeconds(10));
    }

    @Test
    void bigOutputGoesOutInFramesOfBoundedSize() {
        Viewer viewer = new Viewer(1 << 20);
        viewer.output(new byte[Viewer.MAX_FRAME * 2 + 5], Duration.ofSeconds(1));
        viewer.finish(CloseStatus.NORMAL, null);
        List<Integer> sizes = viewer.outbound().map(out -> out.bytes().length).collectList().block();
        assertThat(sizes).containsExactly(Viewer.MAX_FRAME, Viewer.MAX_FRAME, 5);
    }

    @Test
    void requestsAreChecked() {
        TerminalRequest shell = TerminalRequest.parse(null);
        assertThat(shell.argv()).isEqualTo(TerminalRequest.SHELL);
        assertThat(shell.cols()).isEqualTo(80);
        assertThat(shell.rows()).isEqualTo(24);
        TerminalRequest custom = TerminalRequest.parse(JSON.readTree(
                "{\"cols\":120,\"rows\":40,\"command\":\"top\",\"cwd\":\"/tmp\"}"));
        assertThat(custom.argv()).containsExactly("sh", "-c", "top");
        assertThat(custom.cwd()).isEqualTo("/tmp");
        assertThat(custom.cols()).isEqualTo(120);
        assertThat(TerminalRequest.parse(JSON.readTree("{\"command\":[\"bash\",\"-l\"]}")).argv())
                .containsExactly("bash", "-l");
        for (String body : List.of("{\"cols\":0}", "{\"rows\":1001}", "{\"cols\":\"80\"}", "{\"rows\":2.5}")) {
            assertThatThrownBy(() -> TerminalRequest.parse(JSON.readTree(body)))
                    .hasMessageContaining("must be a whole number from 1 to 1000");
        }
        assertThatThrownBy(() -> TerminalRequest.parse(JSON.readTree("{\"shell\":\"bash\"}")))
                .hasMessageStartingWith("shell is not a known field");
        assertThatThrownBy(() -> TerminalRequest.parse(JSON.readTree("{\"cwd\":\"tmp\"}")))
                .hasMessage("cwd must be an absolute path");
        assertThatThrownBy(() -> TerminalRequest.parse(JSON.readTree("[]")))
                .hasMessage("body must be a JSON object");
    }

    private static String describe(Viewer.Outbound out) {
        return out.bytes() != null ? "bytes:" + new String(out.bytes(), StandardCharsets.UTF_8)
                : "control:" + out.control();
    }
}
