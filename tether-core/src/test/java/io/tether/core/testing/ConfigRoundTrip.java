package io.tether.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Round-trip check of a configuration record and its builder, for <em>every</em> record component:
 * a value different from the builder's default is generated for each one (found by reflection, so
 * a component added later is covered without touching the test), set through the builder method
 * named after it, built; then every component must read back as set, and
 * {@code cfg.toBuilder().build()} must equal {@code cfg}. Fails, naming the component, when one
 * has no builder method or no way to generate a value.
 *
 * <p>Generated values: booleans flipped, numbers one up (doubles halved, zero becomes 0.25),
 * durations 1.234 s longer, strings suffixed, enums the next constant, lists, sets and maps of one
 * generated element, nested config records built the same way (through their builder when they
 * have one, else their canonical constructor). Where validation needs something else, or for types
 * it cannot make up (interfaces such as a backoff formula), give a value per component
 * ({@link #value}) or per type ({@link #with}); components set through a differently named method
 * (e.g. {@code header(name, value)} for {@code headers}) get a {@link #setter}.
 *
 * @param <C> the configuration record
 * @param <B> its builder
 */
public final class ConfigRoundTrip<C extends Record, B> {
    private final Class<C> type;
    private final Supplier<B> newBuilder;
    private final Function<B, C> build;
    private final Function<C, B> toBuilder;
    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, BiConsumer<B, Object>> setters = new HashMap<>();
    private final Map<Class<?>, Object> byType = new HashMap<>();
    private final java.util.Set<String> skipped = new java.util.HashSet<>();

    private ConfigRoundTrip(Class<C> type, Supplier<B> newBuilder, Function<B, C> build, Function<C, B> toBuilder) {
        this.type = type;
        this.newBuilder = newBuilder;
        this.build = build;
        this.toBuilder = toBuilder;
    }

    public static <C extends Record, B> ConfigRoundTrip<C, B> of(Class<C> type, Supplier<B> newBuilder,
            Function<B, C> build, Function<C, B> toBuilder) {
        return new ConfigRoundTrip<>(type, newBuilder, build, toBuilder);
    }

    /** The value to set for {@code component} instead of a generated one. */
    public ConfigRoundTrip<C, B> value(String component, Object value) {
        values.put(component, value);
        return this;
    }

    /** The value to use wherever a component of {@code type} appears, here or in nested records. */
    public <T> ConfigRoundTrip<C, B> with(Class<T> componentType, T value) {
        byType.put(componentType, value);
        return this;
    }

    /** How {@code component} is set when the builder has no method named after it. */
    @SuppressWarnings("unchecked")
    public <V> ConfigRoundTrip<C, B> setter(String component, BiConsumer<B, V> setter) {
        setters.put(component, (BiConsumer<B, Object>) setter);
        return this;
    }

    /**
     * Leaves {@code component} at its default, for one that excludes another (two ways to give
     * the same thing, where giving both is an error): the caller checks its round trip itself.
     * {@code why} documents the exclusion.
     */
    public ConfigRoundTrip<C, B> skip(String component, String why) {
        skipped.add(component);
        return this;
    }

    /** Runs the check; returns the configuration built with every component changed. */
    public C verify() {
        C defaults = build.apply(newBuilder.get());
        B builder = newBuilder.get();
        Map<RecordComponent, Object> set = new LinkedHashMap<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (skipped.contains(component.getName())) {
                continue;
            }
            Object before = read(component, defaults);
            Object value = values.containsKey(component.getName()) ? values.get(component.getName())
                    : generate(component.getType(), component.getGenericType(), before, where(component));
            assertThat(value).as("%s: the value set must differ from the default", where(component)).isNotEqualTo(before);
            set(builder, component, value);
            set.put(component, value);
        }
        C built = build.apply(builder);
        set.forEach((component, value) ->
                assertThat(read(component, built)).as("%s after build()", where(component)).isEqualTo(value));
        C again = build.apply(toBuilder.apply(built));
        for (RecordComponent component : type.getRecordComponents()) {
            assertThat(read(component, again)).as("%s after toBuilder().build()", where(component))
                    .isEqualTo(read(component, built));
        }
        assertThat(again).isEqualTo(built);
        return built;
    }

    private String where(RecordComponent component) {
        return component.getDeclaringRecord().getSimpleName() + "." + component.getName();
    }

    private void set(B builder, RecordComponent component, Object value) {
        BiConsumer<B, Object> custom = setters.get(component.getName());
        if (custom != null) {
            custom.accept(builder, value);
            return;
        }
        Method setter = builderMethod(builder.getClass(), component);
        invoke(setter, builder, value);
    }

    private static Method builderMethod(Class<?> builderType, RecordComponent component) {
        for (Method m : builderType.getMethods()) {
            if (m.getName().equals(component.getName()) && m.getParameterCount() == 1
                    && m.getParameterTypes()[0].equals(component.getType())) {
                return m;
            }
        }
        throw new AssertionError(component.getDeclaringRecord().getSimpleName() + "." + component.getName()
                + ": the builder " + builderType.getName() + " has no method " + component.getName() + "("
                + component.getType().getSimpleName() + "); add one, or tell the test how the component is set"
                + " with setter(\"" + component.getName() + "\", ...)");
    }

    private static Object read(RecordComponent component, Record record) {
        return invoke(component.getAccessor(), record);
    }

    private static Object invoke(Method method, Object target, Object... args) {
        try {
            method.setAccessible(true);
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw new AssertionError(method + " threw " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** A valid value of {@code type} different from {@code before} (which may be null). */
    private Object generate(Class<?> type, Type generic, Object before, String where) {
        Object preset = byType.get(type);
        if (preset != null) {
            return preset;
        }
        if (type == boolean.class || type == Boolean.class) {
            return before == null || !(Boolean) before;
        }
        if (type == int.class || type == Integer.class) {
            return before == null ? 1 : (Integer) before + 1;
        }
        if (type == long.class || type == Long.class) {
            return before == null ? 1L : (Long) before + 1;
        }
        if (type == double.class || type == Double.class) {
            return before == null || (Double) before == 0 ? 0.25 : (Double) before / 2;
        }
        if (type == Duration.class) {
            return before == null ? Duration.ofMillis(1234) : ((Duration) before).plusMillis(1234);
        }
        if (type == String.class) {
            return before == null ? where.substring(where.indexOf('.') + 1) : before + "-changed";
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[before == null ? 0 : (((Enum<?>) before).ordinal() + 1) % constants.length];
        }
        if (type == List.class) {
            Class<?> element = typeArgument(generic, 0, where);
            return List.of(generate(element, element, null, where + "[0]"));
        }
        if (type == java.util.Set.class) {
            Class<?> element = typeArgument(generic, 0, where);
            return java.util.Set.of(generate(element, element, null, where + "[0]"));
        }
        if (type == Map.class) {
            Class<?> key = typeArgument(generic, 0, where);
            Class<?> value = typeArgument(generic, 1, where);
            return Map.of(generate(key, key, null, where + ".key"), generate(value, value, null, where + ".value"));
        }
        if (type.isRecord()) {
            return nestedRecord(type, before, where);
        }
        throw new AssertionError(where + ": no generator for " + type.getName() + "; give a value with value(\""
                + where.substring(where.indexOf('.') + 1) + "\", ...) or with(" + type.getSimpleName() + ".class, ...)");
    }

    /** A nested config record with every component changed: through its builder if it has one. */
    @SuppressWarnings("unchecked")
    private Object nestedRecord(Class<?> type, Object before, String where) {
        Method builderFactory = staticMethod(type, "builder");
        Method toBuilderMethod = publicMethod(type, "toBuilder");
        if (builderFactory != null && toBuilderMethod != null) {
            Class<?> builderType = builderFactory.getReturnType();
            Method buildMethod = publicMethod(builderType, "build");
            Objects.requireNonNull(buildMethod, builderType + ".build()");
            ConfigRoundTrip<Record, Object> nested = new ConfigRoundTrip<>((Class<Record>) type,
                    () -> invoke(builderFactory, null), b -> (Record) invoke(buildMethod, b),
                    c -> invoke(toBuilderMethod, c));
            nested.byType.putAll(byType);
            return nested.verify();
        }
        if (before == null) {
            throw new AssertionError(where + ": no default " + type.getSimpleName() + " to change; give one with with("
                    + type.getSimpleName() + ".class, ...)");
        }
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = generate(types[i], components[i].getGenericType(), read(components[i], (Record) before),
                    type.getSimpleName() + "." + components[i].getName());
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new AssertionError(where + ": the generated " + type.getSimpleName() + " is invalid: " + e.getCause()
                    + "; give one with with(" + type.getSimpleName() + ".class, ...)", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Class<?> typeArgument(Type generic, int index, String where) {
        if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[index] instanceof Class<?> c) {
            return c;
        }
        throw new AssertionError(where + ": cannot tell the element type of " + generic);
    }

    private static Method staticMethod(Class<?> type, String name) {
        Method m = publicMethod(type, name);
        return m != null && Modifier.isStatic(m.getModifiers()) ? m : null;
    }

    private static Method publicMethod(Class<?> type, String name) {
        try {
            return type.getMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
