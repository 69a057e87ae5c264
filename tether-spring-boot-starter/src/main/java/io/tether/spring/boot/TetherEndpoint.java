package io.tether.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Serves a bean at a WebSocket path of the starter's Tether server. The bean must be a
 * {@link io.tether.server.SessionListener} (the endpoint then speaks {@code tether.v1} resumable
 * sessions), a {@link io.tether.core.WebSocketListener} (plain WebSocket), or both (sessions for the
 * clients that ask for them, plain WebSocket for the others). A {@code SessionListener} that is not
 * also a {@code WebSocketListener} closes plain clients with 1008. Put it on a {@code @Component}
 * class or on a {@code @Bean} method.
 *
 * <p>For anything beyond a path (a gate, an authorizer, subprotocols), declare an
 * {@link io.tether.server.Endpoint} bean instead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface TetherEndpoint {
    /** The absolute request path, exact match, e.g. {@code /chat}. */
    String value();
}
