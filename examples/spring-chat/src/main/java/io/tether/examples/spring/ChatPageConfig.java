package io.tether.examples.spring;

import io.tether.spring.boot.TetherServerLifecycle;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Tells the page where the Tether server listens: its port is not the web server's. */
@RestController
class ChatPageConfig {
    private final TetherServerLifecycle tether;

    ChatPageConfig(TetherServerLifecycle tether) {
        this.tether = tether;
    }

    @GetMapping("/chat-config")
    Map<String, Object> config() {
        return Map.of("port", tether.port(), "path", "/chat");
    }
}
