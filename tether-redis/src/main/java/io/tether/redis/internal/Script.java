package io.tether.redis.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.tether.core.internal.session.Stages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * One Lua script, run with EVALSHA by its SHA-1; where Redis does not have it (NOSCRIPT: a fresh or
 * restarted server, a new cluster node) it is sent once more with EVAL, which also caches it there.
 * Immutable and thread-safe.
 */
public final class Script {
    private final String name;
    private final byte[] source;
    private final String sha1;
    private final ScriptOutputType output;

    private Script(String name, byte[] source, ScriptOutputType output) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
        this.output = output;
    }

    /** {@code <name>.lua} from this package's resources, after {@code prelude} (may be empty). */
    static Script load(String name, String prelude, ScriptOutputType output) {
        return new Script(name, (prelude + resource(name + ".lua")).getBytes(StandardCharsets.UTF_8), output);
    }

    static String resource(String file) {
        try (InputStream in = Script.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The script's name, for messages. */
    public String name() {
        return name;
    }

    /** Its text, as sent by EVAL and SCRIPT LOAD. */
    byte[] source() {
        return source.clone();
    }

    /** The SHA-1 that EVALSHA names it by. */
    public String sha1() {
        return sha1;
    }

    /** Runs the script: one EVALSHA, plus one EVAL if Redis answers NOSCRIPT. Never blocks. */
    public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<byte[], byte[]> redis, byte[][] keys, byte[]... args) {
        CompletableFuture<T> sha = redis.<T>evalsha(sha1, output, keys, args).toCompletableFuture();
        return sha.exceptionallyCompose(e -> {
            Throwable cause = Stages.cause(e);
            if (cause instanceof RedisNoScriptException) {
                return redis.<T>eval(source, output, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private static String sha1(byte[] source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
