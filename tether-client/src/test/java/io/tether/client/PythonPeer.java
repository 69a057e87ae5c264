package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testkit.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Debian's python3 with python3-websockets, and the interop scripts under src/test/python. */
final class PythonPeer {
    static final String PYTHON = "/usr/bin/python3";

    private PythonPeer() {
    }

    /** Fails the calling test class, saying what to install, unless python3-websockets imports. */
    static void requireWebsockets(Duration wait) throws Exception {
        try (PeerProcess check = PeerProcess.start(PYTHON, "-c", "import websockets")) {
            assertThat(check.awaitExit(wait)).as("python3-websockets must be installed (apt-get install "
                    + "python3-websockets); stderr: %s", check.stderr()).isZero();
        }
    }

    /** The path of the interop script {@code name}, checked to exist. */
    static String script(String name) {
        Path path = Path.of("src", "test", "python", name);
        assertThat(Files.exists(path)).as(path.toAbsolutePath().toString()).isTrue();
        return path.toString();
    }
}
