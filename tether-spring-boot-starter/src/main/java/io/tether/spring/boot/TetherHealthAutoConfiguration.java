package io.tether.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tether} health contributor ({@link TetherHealthIndicator}) when the application has
 * Spring Boot Actuator; {@code management.health.tether.enabled=false} turns it off.
 */
@AutoConfiguration(after = TetherServerAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(TetherServerLifecycle.class)
@ConditionalOnProperty(prefix = "management.health.tether", name = "enabled", havingValue = "true", matchIfMissing = true)
public class TetherHealthAutoConfiguration {

    /** Actuator names a contributor after its bean, less "HealthIndicator": here {@code tether}. */
    @Bean
    @ConditionalOnMissingBean(name = "tetherHealthIndicator")
    public TetherHealthIndicator tetherHealthIndicator(TetherServerLifecycle lifecycle) {
        return new TetherHealthIndicator(lifecycle);
    }
}
