package dev.berth.relay.exec;

import java.util.concurrent.TimeUnit;

import dev.berth.relay.docker.Execution;

/** The output of one foreground command while it runs, each stream bounded. */
final class CommandRun implements Execution.Listener {

    private final BoundedOutput stdout;
    private final BoundedOutput stderr;
    private final long startedNanos = System.nanoTime();

    CommandRun(int maxOutput) {
        this.stdout = new BoundedOutput(maxOutput);
        this.stderr = new BoundedOutput(maxOutput);
    }

    @Override
    public synchronized void output(String stream, byte[] bytes) {
        (Execution.STDERR.equals(stream) ? stderr : stdout).write(bytes);
    }

    synchronized CommandResult result(Integer exitCode, boolean timedOut) {
        return new CommandResult(timedOut ? null : exitCode, stdout.text(), stderr.text(), stdout.truncated(),
                stderr.truncated(), timedOut, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
    }
}
