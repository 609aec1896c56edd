package dev.berth.relay.exec;

/** What someone following a background process's output receives. */
sealed interface ProcessEvent {

    /** The event's name in an event stream. */
    String name();

    /** Text the process wrote to {@code stdout} or {@code stderr}. */
    record Output(String stream, String text) implements ProcessEvent {

        @Override
        public String name() {
            return "output";
        }
    }

    /** The process ended; the last event. {@code exitCode} is null when it is not known. */
    record Exit(Integer exitCode, ProcessStatus status) implements ProcessEvent {

        @Override
        public String name() {
            return "exit";
        }
    }

    /** The follower could not keep up with the output and was dropped; the last event. */
    record Dropped(String reason, String message) implements ProcessEvent {

        @Override
        public String name() {
            return "error";
        }
    }
}
