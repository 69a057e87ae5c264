package io.tether.app;

import io.tether.client.ClientConfig;
import io.tether.client.TetherClient;
import io.tether.core.CloseCodes;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tether connect URL}: a wscat-like client. Each stdin line is sent as a text message; each
 * message received is printed on stdout, one per line; connection events go to stderr.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connect to a WebSocket server; stdin lines are sent, messages received are printed.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:closed with a close handshake", "1:could not connect", "2:bad usage",
                "3:connection failed (heartbeat timeout, connection lost, protocol error)"})
final class ConnectCommand implements Callable<Integer> {
    static final int CANNOT_CONNECT = 1;
    static final int FAILED = 3;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "ws:// or wss:// URL")
    URI url;

    @Option(names = "--subprotocol", paramLabel = "NAME", description = "Offer this subprotocol (repeatable).")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE", description = "Extra handshake header (repeatable).")
    Map<String, String> headers = Map.of();

    @Mixin
    HeartbeatOptions heartbeat;

    private final InputStream stdin;

    ConnectCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClientConfig.Builder builder = ClientConfig.builder().subprotocols(subprotocols)
                .heartbeat(heartbeat.toConfig());
        headers.forEach(builder::header);
        ClientConfig config;
        try {
            config = builder.build();
        } catch (IllegalArgumentException e) {
            err.println("tether connect: " + e.getMessage());
            return 2;
        }
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        try (TetherClient client = TetherClient.create(config)) {
            WebSocketConnection connection;
            try {
                connection = client.connect(url, new Printer(out, err, exit)).toCompletableFuture().get();
            } catch (ExecutionException e) {
                err.println("tether connect: " + e.getCause().getMessage());
                err.flush();
                return CANNOT_CONNECT;
            } catch (IllegalArgumentException e) {
                err.println("tether connect: " + e.getMessage());
                return 2;
            }
            pumpStdin(connection, exit);
            return exit.join();
        } catch (CompletionException e) {
            err.println("tether connect: " + e.getCause().getMessage());
            return FAILED;
        }
    }

    /** Sends stdin lines from a daemon thread; at end of input closes with 1000. */
    private void pumpStdin(WebSocketConnection connection, CompletableFuture<Integer> exit) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
                String line;
                while (!exit.isDone() && (line = in.readLine()) != null) {
                    connection.sendText(line);
                }
            } catch (IOException e) {
                spec.commandLine().getErr().println("tether connect: cannot read stdin: " + e.getMessage());
            }
            connection.close(CloseCodes.NORMAL, "");
        }, "tether-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    /** Prints messages to stdout and events to stderr; ends the command on the terminal event. */
    private static final class Printer implements WebSocketListener {
        private final PrintWriter out;
        private final PrintWriter err;
        private final CompletableFuture<Integer> exit;

        Printer(PrintWriter out, PrintWriter err, CompletableFuture<Integer> exit) {
            this.out = out;
            this.err = err;
            this.exit = exit;
        }

        @Override
        public void onOpen(WebSocketConnection connection) {
            err.println("opened " + connection.remoteAddress()
                    + (connection.subprotocol() == null ? "" : " subprotocol " + connection.subprotocol()));
            err.flush();
        }

        @Override
        public void onText(WebSocketConnection connection, String text) {
            out.println(text);
            out.flush();
        }

        @Override
        public void onBinary(WebSocketConnection connection, byte[] data) {
            out.println("<binary " + data.length + " bytes>");
            out.flush();
        }

        @Override
        public void onClosed(WebSocketConnection connection, int code, String reason) {
            err.println("closed " + code + (reason.isEmpty() ? "" : " " + reason));
            err.flush();
            exit.complete(0);
        }

        @Override
        public void onFailure(WebSocketConnection connection, Throwable cause) {
            err.println("failed: " + cause.getMessage());
            err.flush();
            exit.complete(FAILED);
        }
    }
}
