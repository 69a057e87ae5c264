package io.tether.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.tether.core.WebSocketListener;
import io.tether.redis.RedisSessionStores;
import io.tether.redis.RedisStoreConfig;
import io.tether.server.Authenticator;
import io.tether.server.Endpoint;
import io.tether.server.OriginPolicy;
import io.tether.server.ServerConfig;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.store.SessionStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Starts a {@link TetherServer} from the {@code tether.server.*} properties, with the application's
 * endpoints ({@link Endpoint} beans and {@link TetherEndpoint @TetherEndpoint} beans), its
 * {@link Authenticator}, {@link OriginPolicy} and {@link MeterRegistry} beans if there are any, and
 * the session store {@code tether.store} names. {@code tether.server.enabled=false} turns it off; a
 * {@link ServerConfig} bean of the application's own replaces the one built here.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration"})
@ConditionalOnClass(TetherServer.class)
@ConditionalOnProperty(prefix = "tether.server", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties({TetherServerProperties.class, TetherStoreProperties.class})
public class TetherServerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ServerConfig tetherServerConfig(TetherServerProperties properties, TetherStoreProperties store,
            ApplicationContext context, ObjectProvider<SessionStore.Factory> sessionStores,
            ObjectProvider<MeterRegistry> meters, ObjectProvider<Authenticator> authenticator,
            ObjectProvider<OriginPolicy> origins, ObjectProvider<TetherServerCustomizer> customizers) {
        ServerConfig.Builder builder = ServerConfig.builder()
                .host(properties.getHost()).port(properties.getPort())
                .handshakeTimeout(properties.getHandshakeTimeout()).closeTimeout(properties.getCloseTimeout())
                .maxFrameSize(properties.maxFrameBytes()).maxMessageSize(properties.maxMessageBytes())
                .heartbeat(properties.getHeartbeat().toConfig())
                .limits(properties.getLimits().toLimits())
                .sessions(properties.getSessions().toConfig())
                .drainWindow(properties.getShutdown().getDrainWindow())
                .restartRetryAfter(properties.getShutdown().getRestartRetryAfter())
                .nodeLease(properties.getNodeLease())
                .storeOutageWait(properties.getStoreOutageWait());
        if (properties.getNodeId() != null) {
            builder.nodeId(properties.getNodeId());
        }
        SessionStore.Factory stores = sessionStores.getIfAvailable();
        if (stores != null) {
            builder.sessionStores(stores);
        } else if (store.getStore() == TetherStoreProperties.StoreType.REDIS) {
            throw new IllegalStateException("tether.store=redis needs io.tether:tether-redis on the class path"
                    + " (or a SessionStore.Factory bean of your own)");
        }
        meters.ifAvailable(builder::meterRegistry);
        authenticator.ifAvailable(builder::authenticator);
        origins.ifAvailable(builder::origins);
        endpoints(context).forEach(builder::endpoint);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        ServerConfig config = builder.build();
        if (config.endpoints().isEmpty()) {
            throw new IllegalStateException("the Tether server has no endpoint: declare an Endpoint bean or a"
                    + " @TetherEndpoint(\"/path\") SessionListener or WebSocketListener bean, or set"
                    + " tether.server.enabled=false");
        }
        return config;
    }

    @Bean
    @ConditionalOnMissingBean
    public TetherServerLifecycle tetherServerLifecycle(ServerConfig config) {
        return new TetherServerLifecycle(config);
    }

    /** Endpoint beans, then the {@code @TetherEndpoint} beans, refusing two at one path. */
    static List<Endpoint> endpoints(ApplicationContext context) {
        Map<String, String> beanByPath = new LinkedHashMap<>();
        List<Endpoint> endpoints = new ArrayList<>();
        context.getBeansOfType(Endpoint.class).forEach((name, endpoint) -> {
            claim(beanByPath, endpoint.path(), name);
            endpoints.add(endpoint);
        });
        for (String name : context.getBeanNamesForAnnotation(TetherEndpoint.class)) {
            TetherEndpoint annotation = context.findAnnotationOnBean(name, TetherEndpoint.class);
            Object bean = context.getBean(name);
            String path = annotation.value();
            claim(beanByPath, path, name);
            endpoints.add(toEndpoint(path, name, bean));
        }
        return endpoints;
    }

    private static void claim(Map<String, String> beanByPath, String path, String bean) {
        String earlier = beanByPath.putIfAbsent(path, bean);
        if (earlier != null) {
            throw new IllegalStateException("two Tether endpoints at " + path + ": beans '" + earlier + "' and '"
                    + bean + "'");
        }
    }

    private static Endpoint toEndpoint(String path, String name, Object bean) {
        boolean sessions = bean instanceof SessionListener;
        boolean plain = bean instanceof WebSocketListener;
        if (sessions && plain) {
            return Endpoint.resumable(path, (WebSocketListener) bean, (SessionListener) bean);
        }
        if (sessions) {
            return Endpoint.sessionsOnly(path, (SessionListener) bean);
        }
        if (plain) {
            return Endpoint.of(path, (WebSocketListener) bean);
        }
        throw new IllegalStateException("@TetherEndpoint bean '" + name + "' (" + bean.getClass().getName()
                + ") is neither a SessionListener nor a WebSocketListener");
    }

    /** {@code tether.store=redis}: the sessions in Redis, shared by every node that names the same one. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RedisSessionStores.class)
    @ConditionalOnProperty(name = "tether.store", havingValue = "redis")
    static class RedisStoreConfiguration {
        /** Closed by Spring after the server stopped (the lifecycle stops before beans are destroyed). */
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(SessionStore.Factory.class)
        RedisSessionStores tetherRedisSessionStores(TetherStoreProperties store, Environment environment) {
            TetherStoreProperties.Redis redis = store.getRedis();
            String uri = redis.getUri() != null ? redis.getUri() : SpringRedisUri.from(environment);
            return RedisSessionStores.connect(uri, RedisStoreConfig.builder().keyPrefix(redis.getKeyPrefix())
                    .commandTimeout(redis.getCommandTimeout()).cluster(redis.isCluster()).build());
        }
    }
}
