package io.tether.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.tether.client.ClientConfig;
import io.tether.client.TetherClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

/**
 * A {@link TetherClient} bean from the {@code tether.client.*} properties, with the application's
 * {@link MeterRegistry} if it has one. The client is created the first time something needs it
 * (its event-loop threads cost nothing to an application that never connects out) and closed with
 * the context. A {@link ClientConfig} or {@link TetherClient} bean of the application's own
 * replaces the one built here.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration"})
@ConditionalOnClass(TetherClient.class)
@EnableConfigurationProperties(TetherClientProperties.class)
public class TetherClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ClientConfig tetherClientConfig(TetherClientProperties properties, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<TetherClientCustomizer> customizers) {
        ClientConfig.Builder builder = properties.toBuilder();
        meters.ifAvailable(builder::meterRegistry);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    @Bean(destroyMethod = "close")
    @Lazy
    @ConditionalOnMissingBean
    public TetherClient tetherClient(ClientConfig config) {
        return TetherClient.create(config);
    }
}
