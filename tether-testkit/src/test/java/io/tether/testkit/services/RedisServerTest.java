package io.tether.testkit.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.testing.ConfigRoundTrip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("services")
class RedisServerTest {

    @Test
    void start_answersPingAndKeepsWhatIsSet() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(Resp.call(redis.port(), "PING")).isEqualTo("PONG");
            assertThat(Cli.redis(redis.port(), "SET", "greeting", "hello")).isEqualTo("OK");
            assertThat(Cli.redis(redis.port(), "GET", "greeting")).isEqualTo("hello");
            assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "no"));
            assertThat(redis.command("CONFIG", "GET", "bind")).isEqualTo(List.of("bind", "127.0.0.1"));
        }
    }

    @Test
    void killThenRestart_samePort_appendOnlyDataSurvives() {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.builder().appendOnly(true).build())) {
            int port = redis.port();
            long pid = redis.pid();
            redis.command("SET", "order", "42");

            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid)).isEmpty();
            assertThat(FreePort.accepting(port)).isFalse();

            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.pid()).isNotEqualTo(pid);
            assertThat(redis.command("GET", "order")).isEqualTo("42");
        }
    }

    @Test
    void restartEmpty_deletesTheData() {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.builder().appendOnly(true).build())) {
            redis.command("SET", "order", "42");
            redis.restartEmpty();
            assertThat(redis.command("GET", "order")).isNull();
            assertThat(redis.command("DBSIZE")).isEqualTo(0L);
        }
    }

    @Test
    void withoutPersistence_killLosesTheData() {
        try (RedisServer redis = RedisServer.start()) {
            redis.command("SET", "order", "42");
            redis.kill();
            redis.restart();
            assertThat(redis.command("GET", "order")).isNull();
        }
    }

    @Test
    void saveOnStop_stopWritesASnapshotThatRestartLoads() {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.builder().saveOnStop(true).build())) {
            redis.command("SET", "order", "42");
            redis.stop();
            assertThat(redis.dataDir().resolve("dump.rdb")).exists();
            redis.restart();
            assertThat(redis.command("GET", "order")).isEqualTo("42");
        }
    }

    @Test
    void close_endsTheProcessAndDeletesItsDirectory() {
        RedisServer redis = RedisServer.start();
        long pid = redis.pid();
        Path dir = redis.dataDir().getParent();
        redis.close();
        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(dir).doesNotExist();
        assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void start_badArgument_failsQuotingTheLog() {
        RedisServer.Options options = RedisServer.Options.builder().arg("--no-such-option", "1")
                .startTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> RedisServer.start(options))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("no-such-option");
    }

    @Test
    void start_portInUse_failsInsteadOfTalkingToTheOtherServer() throws IOException {
        try (RedisServer first = RedisServer.start()) {
            RedisServer.Options options = RedisServer.Options.builder().port(first.port()).build();
            assertThatThrownBy(() -> RedisServer.start(options))
                    .isInstanceOf(ServiceException.class)
                    .hasMessageContaining("Address already in use");
            assertThat(first.isRunning()).isTrue();
        }
    }

    @Test
    void options_roundTrip() {
        RedisServer.Options options = ConfigRoundTrip.of(RedisServer.Options.class, RedisServer.Options::builder,
                        RedisServer.Options.Builder::build, RedisServer.Options::toBuilder)
                .value("executable", Path.of("/opt/redis/bin/redis-server"))
                .verify();
        assertThat(options.toBuilder().build()).isEqualTo(options);
    }

    @Test
    void options_rejectBadValues() {
        assertThatThrownBy(() -> RedisServer.Options.builder().port(70000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> RedisServer.Options.builder().startTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startTimeout");
    }
}
