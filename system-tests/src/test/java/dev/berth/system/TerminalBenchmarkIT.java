package dev.berth.system;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;

import tools.jackson.databind.JsonNode;

/**
 * A terminal through the gateway and the relay (and, for keystrokes, the relay alone) against the same
 * program on a docker-java exec attach with a TTY, in one run on the same container, interleaved: keystroke echo round trip (one byte typed into
 * {@code cat}, until the TTY's echo is back), output throughput (bytes from {@code head -c N /dev/zero}) and
 * input throughput (bytes typed into {@code head -c N > /dev/null} on a raw TTY). Prints figures; asserts none
 * about speed. Run with {@code infra/dev bench}.
 */
@EnabledIfSystemProperty(named = "berth.bench", matches = "true")
class TerminalBenchmarkIT {

    private static final int KEYSTROKE_WARMUP = 2000;
    private static final int KEYSTROKE_BLOCKS = 10;
    private static final int KEYSTROKES_PER_BLOCK = 50;
    private static final int THROUGHPUT_WARMUP = 3;
    private static final int THROUGHPUT_ROUNDS = 5;
    private static final long OUTPUT_BYTES = 64L << 20;
    private static final long INPUT_BYTES = 32L << 20;
    private static final int INPUT_CHUNK = 32 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void terminalThroughBerthAgainstADirectExecAttach() throws Exception {
        try (Stack stack = Stack.start(false)) {
            Api api = new Api(stack.gatewayUrl(), stack.token("bench-" + UUID.randomUUID(), false));
            String session = api.create("{}").path("id").asString();
            String container = api.awaitStatus(session, "RUNNING", Duration.ofSeconds(60)).path("containers")
                    .get(0).path("containerId").asString();
            DockerClient docker = stack.docker();

            List<Long> berthKeys = new ArrayList<>();
            List<Long> relayKeys = new ArrayList<>();
            List<Long> directKeys = new ArrayList<>();
            JsonNode cat = TerminalIT.open(api, session, "{\"command\": [\"cat\"]}");
            String ws = cat.path("links").path("ws").asString();
            try (TerminalClient berth = TerminalClient.connect(stack.gatewayUrl() + ws + "?ticket="
                            + cat.path("ticket").asString(), null, false);
                    TerminalClient relay = TerminalClient.connect(stack.node().relay().baseUrl() + ws + "?ticket="
                            + TerminalIT.ticket(api, session, cat.path("id").asString()), null, false);
                    Direct direct = Direct.start(docker, container, "cat")) {
                keystrokes(side(berth), KEYSTROKE_WARMUP);
                keystrokes(side(relay), KEYSTROKE_WARMUP);
                keystrokes(direct, KEYSTROKE_WARMUP);
                for (int block = 0; block < KEYSTROKE_BLOCKS; block++) {
                    berthKeys.addAll(keystrokes(side(berth), KEYSTROKES_PER_BLOCK));
                    relayKeys.addAll(keystrokes(side(relay), KEYSTROKES_PER_BLOCK));
                    directKeys.addAll(keystrokes(direct, KEYSTROKES_PER_BLOCK));
                }
            }

            String produce = "read go; head -c " + OUTPUT_BYTES + " /dev/zero; read done";
            String consume = "stty raw -echo; head -c " + INPUT_BYTES + " > /dev/null; printf E; read done";
            Throughput berth = new Throughput();
            Throughput relay = new Throughput();
            Throughput direct = new Throughput();
            for (int round = 0; round < THROUGHPUT_WARMUP + THROUGHPUT_ROUNDS; round++) {
                for (boolean out : new boolean[] {true, false}) {
                    String command = out ? produce : consume;
                    try (TerminalClient client = terminal(stack.gatewayUrl(), api, session, command)) {
                        berth.add(out, measure(out, side(client)));
                    }
                    try (TerminalClient client = terminal(stack.node().relay().baseUrl(), api, session, command)) {
                        relay.add(out, measure(out, side(client)));
                    }
                    try (Direct client = Direct.start(docker, container, command)) {
                        direct.add(out, measure(out, client));
                    }
                }
            }
            api.delete(session);
            report(Stats.of(berthKeys), Stats.of(relayKeys), Stats.of(directKeys), berth, relay, direct);
        }
    }

    /** A terminal running {@code command}, connected through {@code baseUrl}, its output only counted. */
    private static TerminalClient terminal(String baseUrl, Api api, String session, String command)
            throws Exception {
        JsonNode opened = TerminalIT.open(api, session, Api.JSON.writeValueAsString(
                Map.of("command", List.of("sh", "-c", command))));
        return TerminalClient.connect(baseUrl + opened.path("links").path("ws").asString() + "?ticket="
                + opened.path("ticket").asString(), null, false);
    }

    /** MB/s of every round of one side, each way; the first {@value #THROUGHPUT_WARMUP} are warm-up. */
    private record Throughput(List<Double> out, List<Double> in) {

        Throughput() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        void add(boolean output, double megabytesPerSecond) {
            (output ? out : in).add(megabytesPerSecond);
        }
    }

    /** Either side of the comparison: bytes in, bytes counted out. */
    private interface Side {

        void send(byte[] bytes) throws IOException;

        long size();

        void awaitSize(long bytes, Duration timeout) throws InterruptedException;
    }

    private static List<Long> keystrokes(Side s, int count) throws Exception {
        List<Long> rtts = new ArrayList<>();
        byte[] key = {'x'};
        for (int i = 0; i < count; i++) {
            long before = s.size();
            long started = System.nanoTime();
            s.send(key);
            s.awaitSize(before + 1, TIMEOUT);
            rtts.add(System.nanoTime() - started);
        }
        return rtts;
    }

    private static double measure(boolean output, Side s) throws Exception {
        return output ? output(s) : input(s);
    }

    /** MB/s from the go until the output is all there. */
    private static double output(Side s) throws Exception {
        Thread.sleep(300); // the shell is waiting in read
        long before = s.size();
        long started = System.nanoTime();
        s.send(new byte[] {'\r'});
        s.awaitSize(before + OUTPUT_BYTES, TIMEOUT);
        return megabytesPerSecond(OUTPUT_BYTES, System.nanoTime() - started);
    }

    /** MB/s from the first byte typed until the consumer says it read them all. */
    private static double input(Side s) throws Exception {
        Thread.sleep(300); // the TTY is raw and head is reading
        long before = s.size();
        byte[] chunk = new byte[INPUT_CHUNK];
        Arrays.fill(chunk, (byte) 'a');
        long started = System.nanoTime();
        for (long sent = 0; sent < INPUT_BYTES; sent += INPUT_CHUNK) {
            s.send(chunk);
        }
        s.awaitSize(before + 1, TIMEOUT);
        return megabytesPerSecond(INPUT_BYTES, System.nanoTime() - started);
    }

    private static Side side(TerminalClient client) {
        return new Side() {
            @Override
            public void send(byte[] bytes) {
                client.send(bytes);
            }

            @Override
            public long size() {
                return client.size();
            }

            @Override
            public void awaitSize(long bytes, Duration timeout) throws InterruptedException {
                client.awaitSize(bytes, timeout);
            }
        };
    }

    private static double megabytesPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    /** The same program on an exec with a TTY, attached straight with docker-java. */
    private static final class Direct extends ResultCallback.Adapter<Frame> implements Side {

        private final PipedOutputStream typed = new PipedOutputStream();
        private long size;

        static Direct start(DockerClient docker, String container, String command) throws IOException {
            Direct direct = new Direct();
            PipedInputStream stdin = new PipedInputStream(direct.typed, 1 << 20);
            String exec = docker.execCreateCmd(container).withCmd("sh", "-c", command).withTty(true)
                    .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true)
                    .withEnv(List.of("TERM=xterm-256color")).exec().getId();
            docker.execStartCmd(exec).withTty(true).withStdIn(stdin).exec(direct);
            return direct;
        }

        @Override
        public void onNext(Frame frame) {
            synchronized (this) {
                size += frame.getPayload().length;
                notifyAll();
            }
        }

        @Override
        public void send(byte[] bytes) throws IOException {
            typed.write(bytes);
            typed.flush();
        }

        @Override
        public synchronized long size() {
            return size;
        }

        @Override
        public synchronized void awaitSize(long bytes, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (size < bytes) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + size + " of " + bytes + " bytes within " + timeout);
                }
                wait(left / 1_000_000, (int) (left % 1_000_000));
            }
        }

        @Override
        public void close() throws IOException {
            typed.close();
            super.close();
        }
    }

    private static void report(Stats berthKeys, Stats relayKeys, Stats directKeys, Throughput berth,
            Throughput relay, Throughput direct) {
        System.out.printf(Locale.ROOT, "%nTerminal: %d keystrokes each way (after %d warm-up), %d rounds of %d MB out "
                + "and %d MB in (after %d warm-up)%n", KEYSTROKE_BLOCKS * KEYSTROKES_PER_BLOCK, KEYSTROKE_WARMUP,
                THROUGHPUT_ROUNDS, OUTPUT_BYTES >> 20, INPUT_BYTES >> 20, THROUGHPUT_WARMUP);
        System.out.printf(Locale.ROOT, "%-46s %8s %8s %8s%n", "keystroke echo round trip", "p50 ms", "p99 ms",
                "max ms");
        System.out.printf(Locale.ROOT, "%-46s %8.3f %8.3f %8.3f%n", "Berth: WebSocket via gateway and relay",
                berthKeys.p50(), berthKeys.p99(), berthKeys.max());
        System.out.printf(Locale.ROOT, "%-46s %8.3f %8.3f %8.3f%n", "  of which the relay alone (no gateway)",
                relayKeys.p50(), relayKeys.p99(), relayKeys.max());
        System.out.printf(Locale.ROOT, "%-46s %8.3f %8.3f %8.3f%n", "docker-java: exec attach with a TTY",
                directKeys.p50(), directKeys.p99(), directKeys.max());
        System.out.printf(Locale.ROOT, "%-46s %8.3f %8.3f%n", "added by Berth", berthKeys.p50() - directKeys.p50(),
                berthKeys.p99() - directKeys.p99());
        System.out.printf(Locale.ROOT, "%-46s %8s %8s%n", "throughput (median of rounds)", "MB/s", "ratio");
        throughput("output: Berth", berth.out(), direct.out());
        throughput("output: the relay alone (no gateway)", relay.out(), direct.out());
        throughput("output: docker-java", direct.out(), direct.out());
        throughput("input: Berth", berth.in(), direct.in());
        throughput("input: the relay alone (no gateway)", relay.in(), direct.in());
        throughput("input: docker-java", direct.in(), direct.in());
    }

    private static void throughput(String label, List<Double> measured, List<Double> baseline) {
        System.out.printf(Locale.ROOT, "%-46s %8.1f %8.2f%n", label, median(measured),
                median(measured) / median(baseline));
    }

    /** The median of the rounds after the warm-up. */
    private static double median(List<Double> rounds) {
        List<Double> sorted = rounds.subList(THROUGHPUT_WARMUP, rounds.size()).stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
