package dev.berth.relay.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.berth.relay.web.SocketRefusals;

class LogLinesTest {

    private static final String T1 = "2026-11-23T11:52:58.800000694Z";
    private static final String T2 = "2026-11-23T11:52:59.100000000Z";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void framesAreSplitIntoLinesWithTheirTimestamps() {
        LogLines lines = new LogLines(1024);
        assertThat(lines.accept("stdout", utf8(T1 + " hello\n" + T2 + " world\n"), false)).containsExactly(
                new LogLine(T1, "stdout", "hello"), new LogLine("2026-11-23T11:52:59.100Z", "stdout", "world"));
    }

    @Test
    void aLineSplitAcrossFramesIsKeptPerStream() {
        LogLines lines = new LogLines(1024);
        assertThat(lines.accept("stdout", utf8(T1 + " par"), false)).isEmpty();
        assertThat(lines.accept("stderr", utf8(T2 + " oops\n"), false)).containsExactly(
                new LogLine("2026-11-23T11:52:59.100Z", "stderr", "oops"));
        assertThat(lines.accept("stdout", utf8("tial\r\n" + T1.substring(0, 10)), false)).containsExactly(
                new LogLine(T1, "stdout", "partial"));
        assertThat(lines.accept("stdout", utf8(T1.substring(10) + " next\n"), false)).containsExactly(
                new LogLine(T1, "stdout", "next"));
    }

    @Test
    void aCharacterSplitAcrossFramesComesOutWhole() {
        LogLines lines = new LogLines(1024);
        byte[] frame = utf8(T1 + " caf\u00e9 \u20ac\n");
        List<LogLine> out = new ArrayList<>();
        for (byte b : frame) {
            out.addAll(lines.accept("stdout", new byte[] {b}, false));
        }
        assertThat(out).containsExactly(new LogLine(T1, "stdout", "café €"));
    }

    @Test
    void aLongLineComesInPiecesWithItsTimestampCutBetweenCharacters() {
        LogLines lines = new LogLines(64);
        String message = "x".repeat(63) + "€" + "y".repeat(10);
        List<LogLine> out = lines.accept("stdout", utf8(T1 + " " + message + "\n"), false);
        assertThat(out).containsExactly(new LogLine(T1, "stdout", "x".repeat(63)),
                new LogLine(T1, "stdout", "€" + "y".repeat(10)));
        assertThat(String.join("", out.stream().map(LogLine::message).toList())).isEqualTo(message);
    }

    @Test
    void aLongLineTheEngineStoredInPiecesComesTogetherUnderItsFirstTimestamp() {
        LogLines lines = new LogLines(16 * 1024);
        String piece = "a".repeat(16 * 1024);
        assertThat(lines.accept("stdout", utf8(T1 + " " + piece), true)).containsExactly(
                new LogLine(T1, "stdout", piece));
        assertThat(lines.accept("stderr", utf8(T2 + " between\n"), true)).containsExactly(
                new LogLine("2026-11-23T11:52:59.100Z", "stderr", "between"));
        assertThat(lines.accept("stdout", utf8(T2 + " " + "b".repeat(100)), true)).isEmpty();
        assertThat(lines.accept("stdout", utf8(T2 + " end\n"), true)).containsExactly(
                new LogLine(T1, "stdout", "b".repeat(100) + "end"));
        assertThat(lines.accept("stdout", utf8(T2 + " next\n"), true)).containsExactly(
                new LogLine("2026-11-23T11:52:59.100Z", "stdout", "next"));
        assertThat(lines.accept("stdout", utf8("no timestamp\n"), true)).containsExactly(
                new LogLine(null, "stdout", "no timestamp"));
    }

    @Test
    void aLineWithoutATimestampIsKeptWhole() {
        LogLines lines = new LogLines(1024);
        assertThat(lines.accept("stdout", utf8("no timestamp here\n\n"), false)).containsExactly(
                new LogLine(null, "stdout", "no timestamp here"), new LogLine(null, "stdout", ""));
        assertThat(lines.accept("stdout", utf8("x".repeat(100) + "\n"), false)).containsExactly(
                new LogLine(null, "stdout", "x".repeat(100)));
    }

    @Test
    void theLastLineWithoutABreakComesAtTheEnd() {
        LogLines lines = new LogLines(1024);
        assertThat(lines.accept("stdout", utf8(T1 + " first\n" + T2 + " last"), false)).hasSize(1);
        assertThat(lines.accept("stderr", utf8(T1 + " "), false)).isEmpty();
        assertThat(lines.finish()).containsExactly(new LogLine("2026-11-23T11:52:59.100Z", "stdout", "last"));
        assertThat(lines.finish()).isEmpty();
    }

    @Test
    void queryParametersAreChecked() {
        assertThat(LogsQuery.parse(null, null)).isEqualTo(new LogsQuery(null, false));
        assertThat(LogsQuery.parse("all", "true")).isEqualTo(new LogsQuery(null, true));
        assertThat(LogsQuery.parse("0", "FALSE")).isEqualTo(new LogsQuery(0, false));
        assertThat(LogsQuery.parse("10000", null)).isEqualTo(new LogsQuery(10_000, false));
        for (String tail : List.of("-1", "10001", "ten", "", "1.5")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogsQuery.parse(tail, null))
                    .hasMessageStartingWith("tail must be all or a whole number from 0 to 10000");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogsQuery.parse("5", "yes"))
                .hasMessageStartingWith("follow must be true or false");
    }

    @Test
    void closeReasonsFitAFrame() {
        assertThat(SocketRefusals.reason("short")).isEqualTo("short");
        String reason = SocketRefusals.reason("é".repeat(100));
        assertThat(reason.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(123);
        assertThat(reason).isEqualTo("é".repeat(61));
    }
}
