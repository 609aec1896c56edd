package dev.berth.relay.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

import dev.berth.relay.docker.ContainerProcesses;
import dev.berth.relay.docker.EngineStreams;
import dev.berth.relay.docker.ExecOutput;
import dev.berth.relay.exec.ContainerFailures;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Short commands the files API runs in a session container, as the container's own user, with the argv given
 * (paths are arguments, never part of a shell string). Blocks: call it off the event loop.
 */
@Component
class ContainerShell {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_STDERR = ExecOutput.MAX_STDERR;

    /**
     * Sets {@code uid} and {@code gid} to the container user's ids, read by the shell itself from
     * {@code /proc/self/status}, without starting {@code id} twice.
     */
    static final String USER_IDS = """
            while read -r k v _; do case $k in Uid:) uid=$v;; Gid:) gid=$v;; esac; done </proc/self/status
            """;

    /**
     * Tells, for each path, what it is for the container's user, as a NUL-separated answer: the user's uid and
     * gid, then per path its kind ({@code l} symbolic link, {@code d} directory, {@code f} file, {@code o} other,
     * {@code -} missing), {@code r} or {@code -}, {@code w} or {@code -}; last the permission bits of the file
     * named by $1 (if it is one).
     */
    private static final String PROBE = USER_IDS + """
            m=$1; shift
            printf '%s\\0%s\\0' "$uid" "$gid"
            for p; do
              if [ -L "$p" ]; then t=l; elif [ -d "$p" ]; then t=d; elif [ -f "$p" ]; then t=f
              elif [ -e "$p" ]; then t=o; else t=-; fi
              r=-; [ -r "$p" ] && r=r
              w=-; [ -w "$p" ] && w=w
              printf '%s%s%s\\0' "$t" "$r" "$w"
            done
            if [ -n "$m" ] && [ -f "$m" ] && [ ! -L "$m" ]; then stat -c %a -- "$m"; fi
            true""";

    /** Arguments per probe, well below the argv limit of a process. */
    private static final int PROBE_CHARS = 96 * 1024;

    private final DockerClient docker;
    private final ContainerProcesses processes;
    private final EngineStreams engine;

    ContainerShell(DockerClient docker, ContainerProcesses processes, EngineStreams engine) {
        this.docker = docker;
        this.processes = processes;
        this.engine = engine;
    }

    /** How a command ended. */
    record Result(int exitCode, byte[] stdout, boolean truncated, String stderr) {
    }

    /** What the paths are, for the container's user. */
    record Probe(int uid, int gid, Map<String, Kind> kinds, String mode) {

        Kind of(String path) {
            return kinds.get(path);
        }
    }

    /** What a path is for the container's user. */
    record Kind(char type, boolean readable, boolean writable) {

        boolean missing() {
            return type == '-';
        }

        boolean directory() {
            return type == 'd';
        }

        boolean file() {
            return type == 'f';
        }

        boolean symlink() {
            return type == 'l';
        }
    }

    /**
     * Probes paths in the container.
     *
     * @param modeOf a path whose permission bits are wanted, or null
     */
    Probe probe(String containerId, List<String> paths, String modeOf) {
        Map<String, Kind> kinds = new HashMap<>();
        int uid = -1;
        int gid = -1;
        String mode = null;
        int from = 0;
        do {
            List<String> argv = new ArrayList<>(List.of("sh", "-c", PROBE, "probe", modeOf == null ? "" : modeOf));
            int chars = 0;
            int to = from;
            while (to < paths.size() && (to == from || chars + paths.get(to).length() < PROBE_CHARS)) {
                chars += paths.get(to).length() + 1;
                argv.add(paths.get(to++));
            }
            Result result = run(containerId, argv, 4 * (to - from) + 64);
            List<String> fields = fields(result.stdout());
            if (result.exitCode() != 0 || fields.size() < 2 + (to - from)) {
                throw failed("probe", result);
            }
            uid = Integer.parseInt(fields.get(0));
            gid = Integer.parseInt(fields.get(1));
            for (int i = from; i < to; i++) {
                String code = fields.get(2 + i - from);
                kinds.put(paths.get(i), new Kind(code.charAt(0), code.charAt(1) == 'r', code.charAt(2) == 'w'));
            }
            if (fields.size() > 2 + (to - from)) {
                mode = fields.get(2 + (to - from)).strip();
            }
            from = to;
        } while (from < paths.size());
        return new Probe(uid, gid, kinds, mode == null || mode.isEmpty() ? null : mode);
    }

    /** Runs a command; its stdout is kept up to {@code maxStdout} bytes. */
    Result run(String containerId, List<String> argv, int maxStdout) {
        Output output = new Output(maxStdout);
        String execId;
        try {
            execId = processes.create(containerId, "files-" + UUID.randomUUID(), argv, false, false, null, Map.of());
            docker.execStartCmd(execId).exec(output);
            if (!output.awaitCompletion(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                output.close();
                throw new RelayException(HttpStatus.SERVICE_UNAVAILABLE, Problems.SERVICE_UNAVAILABLE,
                        "Service unavailable", "The session's container did not answer in time; try again shortly");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            throw ContainerFailures.of(e);
        }
        return new Result(exitCode(execId), output.stdout.toByteArray(), output.truncated,
                output.stderr.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs a command that reads what {@code input} makes of the first line it writes to stdout, sent once that line
     * came. Does not block. Fails with the input's own error, after the command ended, when the input failed, and
     * with the engine's when it refused.
     *
     * @param loop the event loop that reads {@code input}, or null
     */
    Mono<Result> feed(String containerId, List<String> argv, Function<String, Publisher<ByteBuf>> input,
            int maxStdout, EventLoop loop) {
        return Mono.fromCallable(() -> processes.create(containerId, "files-" + UUID.randomUUID(), argv, false, true,
                        null, Map.of()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(execId -> engine.exec(execId, input, maxStdout, loop)
                        .publishOn(Schedulers.boundedElastic())
                        .map(output -> new Result(exitCode(execId), output.stdout(), output.truncated(),
                                output.stderr())));
    }

    /** The exit code; the engine may note it a moment after the output ended. */
    private int exitCode(String execId) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Long code = processes.exitCode(execId);
            if (code != null) {
                return code.intValue();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new RelayException(HttpStatus.SERVICE_UNAVAILABLE, Problems.SERVICE_UNAVAILABLE, "Service unavailable",
                "The session's container did not answer in time; try again shortly");
    }

    /** The NUL-separated fields of an answer, decoded as UTF-8. */
    static List<String> fields(byte[] bytes) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                fields.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            fields.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return fields;
    }

    /** An unexpected answer: an internal error, logged. */
    static IllegalStateException failed(String what, Result result) {
        return new IllegalStateException(what + " failed with exit code " + result.exitCode() + ": "
                + result.stderr().strip());
    }

    private static final class Output extends ResultCallback.Adapter<Frame> {

        private final int maxStdout;
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private boolean truncated;

        Output(int maxStdout) {
            this.maxStdout = maxStdout;
        }

        @Override
        public synchronized void onNext(Frame frame) {
            byte[] payload = frame.getPayload();
            if (frame.getStreamType() == StreamType.STDERR) {
                stderr.write(payload, 0, Math.max(0, Math.min(payload.length, MAX_STDERR - stderr.size())));
                return;
            }
            int room = maxStdout - stdout.size();
            if (payload.length > room) {
                truncated = true;
            }
            stdout.write(payload, 0, Math.max(0, Math.min(room, payload.length)));
        }
    }
}
