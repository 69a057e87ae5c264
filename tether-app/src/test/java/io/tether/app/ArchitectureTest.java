package io.tether.app;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.lang.module.ResolvedModule;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The package graph of Tether's main code (core, netty, server, client, app) has no cycles.
 *
 * <p>Two kinds of edge from an API type into its own module's {@code internal} package are allowed,
 * and only from the types listed in {@link #ENTRY_POINTS}: a facade's factory constructing the
 * implementation ({@code TetherServer.start}, {@code TetherClient.create}, {@code EncodedText.of})
 * and a sealed interface naming its permitted implementation. Every other edge counts.
 */
class ArchitectureTest {
    private static final Set<String> ENTRY_POINTS = Set.of(
            "io.tether.server.TetherServer",
            "io.tether.client.TetherClient",
            "io.tether.client.TetherSocket",
            "io.tether.core.WebSocketConnection",
            "io.tether.core.EncodedText");

    @Test
    void packages_haveNoCycles() {
        JavaClasses classes = mainClasses();
        assertThat(List.of("io.tether.core.CloseCodes", "io.tether.netty.internal.Transports",
                "io.tether.server.TetherServer", "io.tether.client.TetherClient", "io.tether.app.TetherCli"))
                .as("classes imported").allMatch(classes::contain);
        slices().matching("io.tether.(**)").should().beFreeOfCycles()
                .ignoreDependency(entryPoint(), DescribedPredicate.describe("internal classes",
                        c -> c.getPackageName().contains(".internal")))
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> entryPoint() {
        return DescribedPredicate.describe("an API entry point " + ENTRY_POINTS, c -> {
            String name = c.getName();
            int nested = name.indexOf('$');
            return ENTRY_POINTS.contains(nested < 0 ? name : name.substring(0, nested));
        });
    }

    /** The Tether modules resolved at boot (module path), else the io.tether packages (class path). */
    private static JavaClasses mainClasses() {
        List<Location> modules = ModuleLayer.boot().configuration().modules().stream()
                .filter(m -> m.name().startsWith("io.tether.") && !m.name().equals("io.tether.testkit"))
                .map(ResolvedModule::reference)
                .map(r -> r.location())
                .flatMap(Optional::stream)
                .map(Location::of)
                .toList();
        ClassFileImporter importer = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS);
        return modules.isEmpty() ? importer.importPackages("io.tether") : importer.importLocations(modules);
    }
}
