package dev.berth.relay.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Bounded capture, retained output and UTF-8 text cut between characters. */
class OutputTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void outputWithinTheLimitIsKeptWhole() {
        BoundedOutput output = new BoundedOutput(10);
        output.write(utf8("hello "));
        output.write(utf8("you"));
        assertThat(output.text()).isEqualTo("hello you");
        assertThat(output.truncated()).isFalse();
    }

    @Test
    void outputBeyondTheLimitIsDroppedAndFlagged() {
        BoundedOutput output = new BoundedOutput(5);
        output.write(utf8("hello"));
        assertThat(output.truncated()).isFalse();
        output.write(utf8("!"));
        output.write(new byte[1_000_000]);
        assertThat(output.text()).isEqualTo("hello");
        assertThat(output.truncated()).isTrue();
    }

    @Test
    void aCharacterCutByTheLimitIsLeftOut() {
        BoundedOutput output = new BoundedOutput(4);
        output.write(utf8("ab€")); // € is 3 bytes: only one of them fits
        assertThat(output.text()).isEqualTo("ab");
        assertThat(output.truncated()).isTrue();
    }

    @Test
    void invalidBytesBecomeReplacementCharacters() {
        BoundedOutput output = new BoundedOutput(100);
        output.write(new byte[] {'a', (byte) 0xFF, 'b', (byte) 0xC3});
        assertThat(output.text()).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void completeLengthStopsBeforeAnUnfinishedCharacter() {
        byte[] euro = utf8("x€");
        assertThat(Utf8.completeLength(euro, 4)).isEqualTo(4);
        assertThat(Utf8.completeLength(euro, 3)).isEqualTo(1);
        assertThat(Utf8.completeLength(euro, 2)).isEqualTo(1);
        byte[] emoji = utf8("😀");
        assertThat(Utf8.completeLength(emoji, 4)).isEqualTo(4);
        assertThat(Utf8.completeLength(emoji, 3)).isZero();
        byte[] continuations = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80};
        assertThat(Utf8.completeLength(continuations, 5)).isEqualTo(5);
        assertThat(Utf8.completeLength(new byte[0], 0)).isZero();
    }

    @Test
    void aDecoderJoinsCharactersSplitBetweenChunks() {
        byte[] text = utf8("é€😀!");
        Utf8.Decoder decoder = new Utf8.Decoder();
        StringBuilder decoded = new StringBuilder();
        for (int i = 0; i < text.length; i++) {
            decoded.append(decoder.decode(Arrays.copyOfRange(text, i, i + 1)));
        }
        assertThat(decoded.toString()).isEqualTo("é€😀!");
        assertThat(decoder.finish()).isEmpty();
        assertThat(decoder.decode(new byte[] {(byte) 0xE2, (byte) 0x82})).isEmpty();
        assertThat(decoder.finish()).isEqualTo("\uFFFD");
    }

    @Test
    void retainedOutputKeepsTheNewestText() {
        RetainedOutput retained = new RetainedOutput(10);
        retained.add(new ProcessEvent.Output("stdout", "12345"));
        retained.add(new ProcessEvent.Output("stderr", "abc"));
        assertThat(retained.snapshot()).extracting(ProcessEvent.Output::text).containsExactly("12345", "abc");
        retained.add(new ProcessEvent.Output("stdout", "6789"));
        assertThat(retained.snapshot()).containsExactly(new ProcessEvent.Output("stdout", "345"),
                new ProcessEvent.Output("stderr", "abc"), new ProcessEvent.Output("stdout", "6789"));
        retained.add(new ProcessEvent.Output("stderr", "0123456789ABCDEF"));
        assertThat(retained.snapshot()).containsExactly(new ProcessEvent.Output("stderr", "6789ABCDEF"));
        retained.add(new ProcessEvent.Output("stdout", ""));
        assertThat(retained.snapshot()).hasSize(1);
    }

    @Test
    void retainedOutputDoesNotStartInsideASurrogatePair() {
        RetainedOutput retained = new RetainedOutput(3);
        retained.add(new ProcessEvent.Output("stdout", "a😀bc"));
        assertThat(retained.snapshot()).containsExactly(new ProcessEvent.Output("stdout", "bc"));
    }
}
