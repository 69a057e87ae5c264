package io.tether.testkit.services;

/**
 * A service process could not be started, did not become ready in time, died, or refused a
 * command. The message names the process and quotes the tail of its log.
 */
public final class ServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceException(String message) {
        super(message);
    }

    public ServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
