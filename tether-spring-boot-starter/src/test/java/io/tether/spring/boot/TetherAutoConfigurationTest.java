package io.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.client.ClientConfig;
import io.tether.client.TetherClient;
import io.tether.core.CompressionConfig;
import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.Detection;
import io.tether.redis.RedisSessionStores;
import io.tether.server.Endpoint;
import io.tether.server.OriginPolicy;
import io.tether.server.ServerConfig;
import io.tether.server.SessionListener;
import io.tether.server.demo.EchoSessions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the auto-configuration builds from properties and beans, and the errors it gives for a
 * configuration that cannot work. Each context here starts its server, on a free loopback port.
 */
class TetherAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TetherServerAutoConfiguration.class,
                    TetherHealthAutoConfiguration.class, TetherClientAutoConfiguration.class))
            .withPropertyValues("tether.server.port=0");

    @Configuration(proxyBeanMethods = false)
    static class OneSessionEndpoint {
        @Bean
        @TetherEndpoint("/echo")
        SessionListener echo() {
            return new EchoSessions();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PlainAndEndpointBean {
        @Bean
        @TetherEndpoint("/plain")
        WebSocketListener plain() {
            return new WebSocketListener() {
            };
        }

        @Bean
        Endpoint custom() {
            return Endpoint.of("/custom", new WebSocketListener() {
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoAtOnePath {
        @Bean
        @TetherEndpoint("/same")
        SessionListener first() {
            return new EchoSessions();
        }

        @Bean
        Endpoint second() {
            return Endpoint.of("/same", new WebSocketListener() {
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NotAListener {
        @Bean
        @TetherEndpoint("/what")
        String what() {
            return "not a listener";
        }
    }

    @Test
    void propertiesReachTheServerConfiguration() {
        runner.withUserConfiguration(OneSessionEndpoint.class).withPropertyValues(
                "tether.server.host=localhost", "tether.server.node-id=node-a",
                "tether.server.heartbeat.interval=5s", "tether.server.heartbeat.timeout=3s",
                "tether.server.heartbeat.detection=phi-accrual", "tether.server.max-frame-size=64KB",
                "tether.server.max-message-size=1MB", "tether.server.limits.max-connections=500",
                "tether.server.limits.max-queued-bytes=8MB", "tether.server.limits.trusted-proxies=10.0.0.1",
                "tether.server.sessions.ttl=5m", "tether.server.sessions.replay-max-bytes=4MB",
                "tether.server.shutdown.drain-window=7s", "tether.server.shutdown.restart-retry-after=3s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ServerConfig config = context.getBean(ServerConfig.class);
                    assertThat(config.host()).isEqualTo("localhost");
                    assertThat(config.nodeId()).isEqualTo("node-a");
                    assertThat(config.heartbeat().pingInterval()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(config.heartbeat().pingTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(config.heartbeat().detection()).isEqualTo(Detection.PHI_ACCRUAL);
                    assertThat(config.maxFrameSize()).isEqualTo(64 * 1024);
                    assertThat(config.maxMessageSize()).isEqualTo(1024 * 1024);
                    assertThat(config.limits().maxConnections()).isEqualTo(500);
                    assertThat(config.limits().maxQueuedBytes()).isEqualTo(8L * 1024 * 1024);
                    assertThat(config.limits().trustedProxies()).containsExactly("10.0.0.1");
                    assertThat(config.sessions().ttl()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(config.sessions().replayMaxBytes()).isEqualTo(4L * 1024 * 1024);
                    assertThat(config.drainWindow()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(config.restartRetryAfter()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(config.endpoints()).singleElement().satisfies(e -> {
                        assertThat(e.path()).isEqualTo("/echo");
                        assertThat(e.sessions()).isInstanceOf(EchoSessions.class);
                        assertThat(e.subprotocols()).containsExactly("tether.v1");
                    });
                    assertThat(context).hasSingleBean(TetherServerLifecycle.class).hasSingleBean(TetherHealthIndicator.class);
                    TetherServerLifecycle lifecycle = context.getBean(TetherServerLifecycle.class);
                    assertThat(lifecycle.isRunning()).isTrue();
                    assertThat(lifecycle.port()).isPositive();
                });
    }

    @Test
    void plainListenersAndEndpointBeansAreServedToo() {
        runner.withUserConfiguration(PlainAndEndpointBean.class).run(context -> {
            ServerConfig config = context.getBean(ServerConfig.class);
            assertThat(new TetherServerProperties().getPort()).isEqualTo(TetherServerProperties.DEFAULT_PORT).isEqualTo(8081);
            assertThat(config.endpoints()).extracting(Endpoint::path).containsExactlyInAnyOrder("/plain", "/custom");
            assertThat(config.endpoints()).allSatisfy(e -> assertThat(e.sessions()).isNull());
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class ContextBeans {
        @Bean
        OriginPolicy origins() {
            return OriginPolicy.SAME_ORIGIN;
        }

        @Bean
        SimpleMeterRegistry meters() {
            return new SimpleMeterRegistry();
        }

        @Bean
        @org.springframework.core.annotation.Order(2)
        TetherServerCustomizer second() {
            return builder -> builder.nodeId("second-wins");
        }

        @Bean
        @org.springframework.core.annotation.Order(1)
        TetherServerCustomizer first() {
            return builder -> builder.nodeId("first").compression(CompressionConfig.ENABLED);
        }
    }

    @Test
    void beansOfTheContextAndCustomizersInOrderShapeTheServer() {
        runner.withUserConfiguration(OneSessionEndpoint.class, ContextBeans.class).run(context -> {
            ServerConfig config = context.getBean(ServerConfig.class);
            assertThat(config.origins()).isSameAs(OriginPolicy.SAME_ORIGIN);
            assertThat(config.meterRegistry()).isSameAs(context.getBean(SimpleMeterRegistry.class));
            assertThat(config.compression().enabled()).isTrue();
            assertThat(config.nodeId()).isEqualTo("second-wins");
        });
    }

    @Test
    void noEndpointIsAClearError() {
        runner.run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("the Tether server has no endpoint")
                .hasMessageContaining("tether.server.enabled=false"));
    }

    @Test
    void twoEndpointsAtOnePathAreRefusedByName() {
        runner.withUserConfiguration(TwoAtOnePath.class).run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("two Tether endpoints at /same")
                .hasMessageContaining("'first'").hasMessageContaining("'second'"));
    }

    @Test
    void anAnnotatedBeanThatListensToNothingIsRefused() {
        runner.withUserConfiguration(NotAListener.class).run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("@TetherEndpoint bean 'what'")
                .hasMessageContaining("neither a SessionListener nor a WebSocketListener"));
    }

    @Test
    void disabledMeansNoServerAndNoHealthButStillAClient() {
        runner.withPropertyValues("tether.server.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(TetherServerLifecycle.class)
                    .doesNotHaveBean(TetherHealthIndicator.class).hasSingleBean(ClientConfig.class);
        });
    }

    @Test
    void redisWithoutTetherRedisOnTheClassPathSaysWhatToAdd() {
        runner.withUserConfiguration(OneSessionEndpoint.class).withPropertyValues("tether.store=redis")
                .withClassLoader(new FilteredClassLoader(RedisSessionStores.class))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("tether.store=redis needs io.tether:tether-redis"));
    }

    @Test
    void theClientIsBuiltFromItsPropertiesAndOnlyWhenAskedFor() {
        runner.withPropertyValues("tether.server.enabled=false", "tether.client.connect-timeout=3s",
                "tether.client.resumable=false", "tether.client.headers.X-Team=blue",
                "tether.client.reconnect.max-attempts=4", "tether.client.reconnect.backoff=constant",
                "tether.client.reconnect.base=300ms", "tether.client.heartbeat.enabled=false").run(context -> {
                    ClientConfig config = context.getBean(ClientConfig.class);
                    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(config.resumable()).isFalse();
                    assertThat(config.headers()).containsEntry("X-Team", "blue");
                    assertThat(config.reconnect().maxAttempts()).isEqualTo(4);
                    assertThat(config.reconnect().backoff().next(5, Duration.ofMillis(300), new java.util.Random(1)))
                            .isEqualTo(Duration.ofMillis(300));
                    assertThat(config.heartbeat().enabled()).isFalse();
                    // Lazy: no event loops until something asks for the client.
                    assertThat(context.getBeanFactory().containsSingleton("tetherClient")).isFalse();
                    TetherClient client = context.getBean(TetherClient.class);
                    assertThat(client.config()).isSameAs(config);
                });
    }

    @Test
    void theStarterDefaultsToResumableClients() {
        runner.withPropertyValues("tether.server.enabled=false")
                .run(context -> assertThat(context.getBean(ClientConfig.class).resumable()).isTrue());
    }
}
