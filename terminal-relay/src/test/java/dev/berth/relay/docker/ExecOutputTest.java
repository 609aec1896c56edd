package dev.berth.relay.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

class ExecOutputTest {

    private static final String UPGRADED = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream"
            + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";

    @Test
    void framesAreSplitIntoStdoutAndStderrWhereverTheReadsEnd() {
        byte[] answer = concat(UPGRADED.getBytes(StandardCharsets.US_ASCII), frame(1, "R 1000 1000 /work"),
                frame(2, "oops"), frame(1, "space\n644 new"));
        for (int step = 1; step <= answer.length; step++) {
            ExecOutput.Reader reader = new ExecOutput.Reader(64);
            for (int from = 0; from < answer.length; from += step) {
                reader.read(Unpooled.wrappedBuffer(answer, from, Math.min(step, answer.length - from)));
            }
            assertThat(reader.upgraded()).isTrue();
            assertThat(reader.firstLine()).isEqualTo("R 1000 1000 /workspace");
            ExecOutput output = reader.output();
            assertThat(new String(output.stdout(), StandardCharsets.UTF_8)).isEqualTo("R 1000 1000 /workspace\n644 new");
            assertThat(output.stderr()).isEqualTo("oops");
            assertThat(output.truncated()).isFalse();
        }
    }

    @Test
    void stdoutIsKeptUpToItsLimit() {
        ExecOutput.Reader reader = new ExecOutput.Reader(3);
        reader.read(Unpooled.wrappedBuffer(concat(UPGRADED.getBytes(StandardCharsets.US_ASCII), frame(1, "abcdef"),
                frame(2, "e"))));
        ExecOutput output = reader.output();
        assertThat(new String(output.stdout(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(output.truncated()).isTrue();
        assertThat(output.stderr()).isEqualTo("e");
    }

    @Test
    void aRefusalIsReadInFullWithItsMessage() {
        String body = "{\"message\":\"No such exec instance: 42\"}\n";
        ExecOutput.Reader reader = new ExecOutput.Reader(64);
        String head = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n";
        reader.read(Unpooled.wrappedBuffer((head + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII)));
        assertThat(reader.upgraded()).isFalse();
        assertThat(reader.refusedInFull()).isFalse();
        reader.read(Unpooled.wrappedBuffer(body.substring(10).getBytes(StandardCharsets.US_ASCII)));
        assertThat(reader.refusedInFull()).isTrue();
        assertThat(reader.firstLine()).isNull();
        assertThat(EngineStreams.refusal(reader.status(), reader.refusal()).getMessage())
                .contains("No such exec instance: 42");
    }

    private static byte[] frame(int stream, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[8 + bytes.length];
        frame[0] = (byte) stream;
        frame[4] = (byte) (bytes.length >>> 24);
        frame[5] = (byte) (bytes.length >>> 16);
        frame[6] = (byte) (bytes.length >>> 8);
        frame[7] = (byte) bytes.length;
        System.arraycopy(bytes, 0, frame, 8, bytes.length);
        return frame;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
