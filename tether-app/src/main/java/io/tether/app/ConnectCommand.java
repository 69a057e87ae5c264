package io.tether.app;

import io.tether.client.ClientConfig;
import io.tether.client.Disconnect;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.CloseCodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tether connect URL}: a wscat-like client that reconnects. Each stdin line is sent as a
 * text message (queued while reconnecting); each message received is printed on stdout, one per
 * line; connection events go to stderr.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connect to a WebSocket server; stdin lines are sent, messages received are printed.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:closed with a close handshake", "1:could not connect", "2:bad usage",
                "3:connection failed and was not (or no longer) retried",
                "4:with --count: a message was lost, duplicated or out of order"})
final class ConnectCommand implements Callable<Integer> {
    static final int CANNOT_CONNECT = 1;
    static final int FAILED = 3;
    static final int NOT_EXACTLY_ONCE = 4;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "ws:// or wss:// URL")
    URI url;

    @Option(names = "--subprotocol", paramLabel = "NAME", description = "Offer this subprotocol (repeatable).")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE", description = "Extra handshake header (repeatable).")
    Map<String, String> headers = Map.of();

    @Option(names = "--plain", description = "Do not offer tether.v1 sessions; speak plain WebSocket only.")
    boolean plain;

    @Option(names = "--json", description = "One JSON object per event and message, on stdout (for scripts).")
    boolean json;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Instead of stdin, send N numbered messages (to an echo endpoint) and report at the end how"
                    + " many came back lost, duplicated or out of order; exit 4 unless none.")
    int count;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "100",
            description = "With --count: messages per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--wait", converter = DurationConverter.class, paramLabel = "D", defaultValue = "10s",
            description = "With --count: how long to wait for the last echoes after the last send (default ${DEFAULT-VALUE}).")
    java.time.Duration waitForEchoes;

    @Mixin
    HeartbeatOptions heartbeat;

    @Mixin
    ReconnectOptions reconnect;

    @Mixin
    CompressionOptions compression;

    private final InputStream stdin;

    ConnectCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ClientConfig config;
        try {
            ClientConfig.Builder builder = ClientConfig.builder().subprotocols(subprotocols).resumable(!plain)
                    .heartbeat(heartbeat.toConfig()).reconnect(reconnect.toPolicy())
                    .compression(compression.toConfig());
            headers.forEach(builder::header);
            config = builder.build();
        } catch (IllegalArgumentException e) {
            err.println("tether connect: " + e.getMessage());
            return 2;
        }
        if (count < 0 || !(rate > 0) || Double.isInfinite(rate)) {
            err.println("tether connect: --count must not be negative and --rate must be a positive number");
            return 2;
        }
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        NumberedMessages numbered = count > 0 ? new NumberedMessages(count) : null;
        // The command prints the socket's events itself; the client's own log would repeat them.
        LogSetup.apply(LogSetup.Format.TEXT, "warn");
        StatusLine status = !json && System.console() != null ? new StatusLine(err) : null;
        try (TetherClient client = TetherClient.create(config)) {
            TetherSocket socket;
            Printer printer = new Printer(spec.commandLine().getOut(), err, exit, json, numbered, status);
            try {
                socket = client.open(url, printer);
            } catch (IllegalArgumentException e) {
                err.println("tether connect: " + e.getMessage());
                return 2;
            }
            if (status != null) {
                status.start(socket);
                exit.whenComplete((code, e) -> status.close());
            }
            if (numbered != null) {
                sendNumbered(socket, numbered, printer, exit);
                int closed = exit.join();
                return closed == 0 && !numbered.clean() ? NOT_EXACTLY_ONCE : closed;
            }
            pumpStdin(socket, printer.opened, exit);
            return exit.join();
        }
    }

    /**
     * Sends {@code tether-seq:1..N} at {@code --rate} once the socket opened (queued through any
     * reconnect), waits until every echo came back or {@code --wait} passed after the last send
     * completed, prints the report and closes with 1000.
     */
    private void sendNumbered(TetherSocket socket, NumberedMessages numbered, Printer printer,
            CompletableFuture<Integer> exit) {
        Thread sender = new Thread(() -> {
            try {
                printer.opened.get();
                long intervalNanos = (long) (1e9 / rate);
                long next = System.nanoTime();
                CompletableFuture<?> last = CompletableFuture.completedFuture(null);
                for (int n = 1; n <= count && !exit.isDone(); n++) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    next += intervalNanos;
                    last = socket.sendText(NumberedMessages.message(n)).toCompletableFuture();
                }
                last.handle((v, e) -> null).get();
                try {
                    numbered.allReceived().get(waitForEchoes.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException someMissing) {
                    // The report says how many.
                }
                printer.report(numbered.report(json));
                socket.close(CloseCodes.NORMAL, "");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                // The socket never opened: its failure decides the exit code.
            }
        }, "tether-count");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * Sends stdin lines from a daemon thread. At end of input it waits until every line was sent (or
     * failed), then closes with 1000, so {@code printf 'a\nb\n' | tether connect URL} sends both.
     */
    private void pumpStdin(TetherSocket socket, CompletableFuture<Void> opened, CompletableFuture<Integer> exit) {
        Thread reader = new Thread(() -> {
            CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
                String line;
                while (!exit.isDone() && (line = in.readLine()) != null) {
                    String sent = line;
                    lastSend = socket.sendText(sent).toCompletableFuture().whenComplete((v, e) -> {
                        if (e != null) {
                            spec.commandLine().getErr().println("not sent: " + sent + " (" + e.getMessage() + ")");
                        }
                    });
                }
            } catch (IOException e) {
                spec.commandLine().getErr().println("tether connect: cannot read stdin: " + e.getMessage());
            }
            // Sends complete in order, so the last one completing means all did. Close only once the
            // socket has opened: if it never does, its failure (not our close) decides the exit code.
            lastSend.handle((v, e) -> opened.thenRun(() -> socket.close(CloseCodes.NORMAL, "")));
        }, "tether-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    /** Prints messages to stdout and state changes to stderr; ends the command on close. */
    private static final class Printer implements SocketListener {
        private final PrintWriter out;
        private final PrintWriter err;
        private final CompletableFuture<Integer> exit;
        private final CompletableFuture<Void> opened = new CompletableFuture<>();
        private final boolean json;
        private final @Nullable NumberedMessages numbered;
        private final @Nullable StatusLine status;
        private boolean everOpen;

        Printer(PrintWriter out, PrintWriter err, CompletableFuture<Integer> exit, boolean json,
                @Nullable NumberedMessages numbered, @Nullable StatusLine status) {
            this.status = status;
            this.out = out;
            this.err = err;
            this.exit = exit;
            this.json = json;
            this.numbered = numbered;
        }

        /** A state change: a line on stderr, or with --json an object on stdout. */
        private void event(String line) {
            if (json) {
                int space = line.indexOf(' ');
                String kind = (space < 0 ? line : line.substring(0, space)).replace(":", "");
                synchronized (out) {
                    out.println(JSON.createObjectNode().put("event", kind).put("detail", line)
                            .put("atMillis", System.currentTimeMillis()).toString());
                    out.flush();
                }
            } else if (status != null) {
                status.println(line);
            } else {
                err.println(line);
                err.flush();
            }
        }

        /** The --count report, on stdout. */
        void report(String line) {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }

        @Override
        public void onOpen(TetherSocket socket) {
            everOpen = true;
            opened.complete(null);
            event("opened " + socket.uri() + socket.connection().map(c -> c.subprotocol() == null ? ""
                    : " subprotocol " + c.subprotocol()).orElse("")
                    + socket.sessionId().map(id -> " session " + id).orElse(""));
        }

        @Override
        public void onText(TetherSocket socket, String text) {
            if (numbered != null && numbered.offer(text)) {
                return;
            }
            if (status != null) {
                status.println(out, text);
                return;
            }
            synchronized (out) {
                out.println(json ? JSON.createObjectNode().put("event", "message").put("text", text).toString() : text);
                out.flush();
            }
        }

        @Override
        public void onBinary(TetherSocket socket, byte[] data) {
            out.println("<binary " + data.length + " bytes>");
            out.flush();
        }

        @Override
        public void onDisconnected(TetherSocket socket, Disconnect info) {
            event("disconnected: " + info.cause().getMessage() + (info.willRetry()
                    ? " — retry " + info.attempt() + " in " + info.nextDelay().orElseThrow().toMillis() + " ms"
                    : " — not retrying (" + info.why() + ")"));
        }

        @Override
        public void onReconnecting(TetherSocket socket, int attempt) {
            event("reconnecting (attempt " + attempt + ")");
        }

        @Override
        public void onReconnected(TetherSocket socket, int attempts) {
            event("reconnected after " + attempts + (attempts == 1 ? " attempt" : " attempts"));
        }

        @Override
        public void onResumed(TetherSocket socket) {
            event("resumed session " + socket.sessionId().orElse("?") + ": nothing lost");
        }

        @Override
        public void onSessionReset(TetherSocket socket, io.tether.core.SessionExpiredException reason) {
            event("session reset: " + reason.getMessage());
            reason.unacknowledged().forEach(m -> event("  " + describe(m) + ": " + (m.binary() ? "<binary>" : m.text())));
        }

        private static String describe(io.tether.core.UnacknowledgedMessage m) {
            return switch (m.fate()) {
                case CARRIED_OVER -> "never sent, carried into the new session";
                case RESENT -> "in doubt, resent as a possible duplicate";
                case FAILED -> m.inDoubt() ? "in doubt (sent, never acknowledged)" : "not delivered";
            };
        }

        @Override
        public void onClosed(TetherSocket socket, int code, String reason, @Nullable Throwable cause) {
            if (cause == null) {
                event("closed " + code + (reason.isEmpty() ? "" : " " + reason));
                exit.complete(0);
            } else if (!everOpen) {
                event("tether connect: cannot connect to " + socket.uri() + ": " + cause.getMessage());
                exit.complete(CANNOT_CONNECT);
            } else {
                event("failed: " + cause.getMessage());
                exit.complete(FAILED);
            }
        }
    }
}
