package dev.berth.relay.exec;

/** Where a background process is in its life. */
public enum ProcessStatus {
    RUNNING, EXITED, KILLED
}
