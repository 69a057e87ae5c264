package io.tether.app;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tether} command. */
@Command(name = "tether", mixinStandardHelpOptions = true, version = "tether 0.1.0",
        description = "WebSocket connections that stay alive and lose nothing.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class TetherCli {

    private TetherCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command with the given streams and returns its exit code (tests call this). */
    static int run(String[] args, InputStream stdin, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new TetherCli());
        cli.addSubcommand("connect", new ConnectCommand(stdin));
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }
}
