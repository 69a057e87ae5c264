package io.tether.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A chat lobby on Tether in Spring Boot: the starter runs the Tether server (tether.server.port,
 * 8081) beside Spring's web server (8080: the page, and Actuator's /actuator/health), and
 * {@link LobbyChat} is its one endpoint. Run it with {@code examples/run.sh spring-chat}, open
 * http://127.0.0.1:8080/ in two tabs; stop and start it with {@code --tether.store=redis} and
 * the tabs resume their sessions.
 */
@SpringBootApplication
public class ChatApplication {
    public static void main(String[] args) {
        SpringApplication.run(ChatApplication.class, args);
    }
}
