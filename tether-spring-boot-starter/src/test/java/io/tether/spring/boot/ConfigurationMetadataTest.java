package io.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The metadata IDEs complete {@code tether.*} from (generated, plus the defaults the processor cannot
 * see): every property is described, and binding the defaults it states gives exactly the defaults
 * the classes have, so the IDE never shows a default the starter does not use.
 */
class ConfigurationMetadataTest {

    @ParameterizedTest
    @CsvSource({"tether.server, io.tether.spring.boot.TetherServerProperties",
            "tether.client, io.tether.spring.boot.TetherClientProperties",
            "tether, io.tether.spring.boot.TetherStoreProperties"})
    void everyPropertyIsDescribedAndItsStatedDefaultIsTheRealOne(String prefix, Class<?> type) throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, Object> stated = new HashMap<>();
        int properties = 0;
        for (JsonNode property : metadata.path("properties")) {
            if (!property.path("sourceType").asText().equals(type.getName())
                    && !property.path("sourceType").asText().startsWith(type.getName() + "$")
                    && !(property.path("name").asText().startsWith(prefix + ".heartbeat."))) {
                continue;
            }
            properties++;
            assertThat(property.path("description").asText()).as(property.path("name").asText()).isNotBlank();
            if (property.has("defaultValue")) {
                stated.put(property.path("name").asText(), property.path("defaultValue").asText());
            }
        }
        assertThat(properties).isGreaterThan(3);
        Object bound = new Binder(new MapConfigurationPropertySource(stated)).bind(prefix, type).get();
        Object fresh = type.getDeclaredConstructor().newInstance();
        assertThat(bound).usingRecursiveComparison().isEqualTo(fresh);
    }
}
