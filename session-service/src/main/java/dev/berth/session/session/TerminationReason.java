package dev.berth.session.session;

/** Why a session ended. */
public enum TerminationReason {
    /** Its owner deleted it. */
    USER,
    /** Its lease ran out. */
    EXPIRED,
    /** Nobody used it for the idle timeout. */
    IDLE,
    /** An admin ended it. */
    ADMIN,
    /** Its containers were found without a live session, or the reverse. */
    ORPHANED
}
