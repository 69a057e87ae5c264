package io.tether.core.internal.session;

import java.util.concurrent.CompletionException;

/** Helpers for the completion stages the engines pass around. */
public final class Stages {
    private Stages() {
    }

    /** What failed: the cause a {@link CompletionException} wraps, or {@code error} itself. */
    public static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
