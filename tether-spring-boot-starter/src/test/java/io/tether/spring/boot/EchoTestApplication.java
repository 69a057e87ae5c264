package io.tether.spring.boot;

import io.tether.server.Session;
import io.tether.server.SessionListener;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** An application with one {@code @TetherEndpoint}: sessions at /echo that send every text back. */
@SpringBootConfiguration
@EnableAutoConfiguration
class EchoTestApplication {

    /** Counts what the server side saw, for the tests to compare with the client's view. */
    static final class CountingEcho implements SessionListener {
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger resumed = new AtomicInteger();

        @Override
        public void onSessionCreated(Session session) {
            created.incrementAndGet();
        }

        @Override
        public void onSessionResumed(Session session) {
            resumed.incrementAndGet();
        }

        @Override
        public void onText(Session session, String text) {
            session.sendText(text);
        }
    }

    @Bean
    @TetherEndpoint("/echo")
    CountingEcho echo() {
        return new CountingEcho();
    }
}
