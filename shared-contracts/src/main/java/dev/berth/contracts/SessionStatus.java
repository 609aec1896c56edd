package dev.berth.contracts;

/** Lifecycle of a session; see DESIGN.md, "Session lifecycle". */
public enum SessionStatus {
    REQUESTED,
    PROVISIONING,
    RUNNING,
    STOPPED,
    TERMINATING,
    TERMINATED,
    FAILED
}
