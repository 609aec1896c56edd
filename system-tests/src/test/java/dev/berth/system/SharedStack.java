package dev.berth.system;

/** One stack for all system tests of a run, stopped when the test JVM exits. */
final class SharedStack {

    private static Stack stack;

    private SharedStack() {
    }

    static synchronized Stack get() throws Exception {
        if (stack == null) {
            stack = Stack.start(true);
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        }
        return stack;
    }
}
