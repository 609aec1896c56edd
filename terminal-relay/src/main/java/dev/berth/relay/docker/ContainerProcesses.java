package dev.berth.relay.docker;

import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;

/**
 * Processes the relay starts in session containers (terminals, commands). Each carries the environment
 * variable {@value #MARKER} with its own id, inherited by everything it starts, because closing an exec's
 * stdin does not end its process and Docker has no call that does: {@link #kill} ends all processes with
 * that mark from inside the container. Every method blocks: call it off the event loop.
 */
@Component
public class ContainerProcesses {

    public static final String MARKER = "BERTH_PROCESS";
    private static final Logger log = LoggerFactory.getLogger(ContainerProcesses.class);
    /** Signals every process whose environment holds BERTH_PROCESS=$1 with signal $2. */
    private static final String KILL_SCRIPT = """
            for d in /proc/[0-9]*; do
              if tr '\\0' '\\n' < "$d/environ" 2>/dev/null | grep -qx "BERTH_PROCESS=$1"; then
                kill -"$2" "${d#/proc/}" 2>/dev/null
              fi
            done
            true""";

    private final DockerClient docker;
    private final URI host;

    public ContainerProcesses(DockerClient docker, DockerProperties engine) {
        this.docker = docker;
        this.host = engine.host();
    }

    /**
     * Starts an exec created with a TTY, its input read from {@code input}, its stream going to {@code callback}:
     * on a connection of its own that moves input in large writes where the engine is on a unix socket or plain
     * tcp, else through {@code streams}.
     */
    void startTty(DockerClient streams, String execId, InputStream input, ResultCallback<Frame> callback) {
        if (TtyAttach.reaches(host)) {
            TtyAttach.start(host, execId, input, callback);
        } else {
            streams.execStartCmd(execId).withTty(true).withStdIn(input).exec(callback);
        }
    }

    /**
     * Creates (does not start) an exec of {@code command} marked with {@code processId}, reading its stdin from
     * the attach stream.
     *
     * @param cwd null for the container's working directory
     * @return Docker's exec id
     */
    public String create(String containerId, String processId, List<String> command, boolean tty, String cwd,
            Map<String, String> env) {
        return create(containerId, processId, command, tty, true, cwd, env);
    }

    /**
     * Creates (does not start) an exec of {@code command} marked with {@code processId}.
     *
     * @param stdin whether the process reads what is sent on its attach stream; without, it reads /dev/null
     *              and sees the end of its input at once
     * @param cwd   null for the container's working directory
     * @return Docker's exec id
     */
    public String create(String containerId, String processId, List<String> command, boolean tty, boolean stdin,
            String cwd, Map<String, String> env) {
        List<String> environment = new ArrayList<>();
        env.forEach((name, value) -> environment.add(name + "=" + value));
        environment.add(MARKER + "=" + processId);
        ExecCreateCmd exec = docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
                .withTty(tty).withAttachStdin(stdin).withAttachStdout(true).withAttachStderr(true)
                .withEnv(environment);
        if (cwd != null) {
            exec.withWorkingDir(cwd);
        }
        return exec.exec().getId();
    }

    /** The exit code of a finished exec, or null while it runs. */
    public Long exitCode(String execId) {
        var inspected = docker.inspectExecCmd(execId).exec();
        return Boolean.TRUE.equals(inspected.isRunning()) ? null : inspected.getExitCodeLong();
    }

    /** Whether the container runs; false once it has stopped or is gone. */
    public boolean running(String containerId) {
        try {
            return Boolean.TRUE.equals(docker.inspectContainerCmd(containerId).exec().getState().getRunning());
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Sends {@code signal} (such as {@code HUP}, {@code TERM}, {@code KILL}) to every process of the mark. */
    public void kill(String containerId, String processId, String signal) {
        try {
            String exec = docker.execCreateCmd(containerId)
                    .withCmd("sh", "-c", KILL_SCRIPT, "kill", processId, signal)
                    .withAttachStdout(false).withAttachStderr(false).exec().getId();
            docker.execStartCmd(exec).exec(new ResultCallback.Adapter<>()).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("Could not signal process {} in container {}: {}", processId, containerId, e.toString());
        }
    }
}
