package io.agentd.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategy;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentd.client.ApiDurations;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Binds the settings of one process into a typed settings object: its defaults, then a YAML
 * file, then the environment, then flags, each overriding the one before. Every source is merged
 * into one JSON tree that Jackson binds into the settings class, so a value keeps its type from
 * the file (a mapping stays a mapping) and is parsed once.
 *
 * <p>A settings class has a public no-argument constructor that sets the defaults and public
 * fields marked {@link Setting}; it may implement {@link Checked} for checks across fields, which
 * run after binding. Unknown keys, empty values and values of the wrong shape are errors naming
 * the key and where its value came from. Thread-safe once built.
 *
 * @param <T> the settings class
 */
public final class ConfigBinder<T> {
    /** Settings with checks that need every field bound: ranges, keys that must agree. */
    public interface Checked {
        /** Throws {@link ConfigException} naming the key at fault. */
        void check();
    }

    private final Class<T> type;
    private final Supplier<T> defaults;
    private final String envPrefix;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final Map<Class<?>, String> nouns = new LinkedHashMap<>();
    private final SimpleModule types = new SimpleModule("agentd-config-types");
    private ObjectMapper mapper;

    private ConfigBinder(Class<T> type, Supplier<T> defaults, String envPrefix) {
        this.type = type;
        this.defaults = defaults;
        this.envPrefix = envPrefix;
        for (Field f : type.getFields()) {
            if (f.isAnnotationPresent(Setting.class) && !Modifier.isStatic(f.getModifiers())) {
                fields.put(key(f), f);
            }
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException(type + " has no @Setting fields");
        }
        withType(Duration.class, "a duration such as 500ms, 10s or 5m", ApiDurations::parse, ApiDurations::format);
        withType(Path.class, "a path", text -> Path.of(text), Path::toString);
        nouns.put(int.class, "a whole number");
        nouns.put(Integer.class, "a whole number");
        nouns.put(long.class, "a whole number");
        nouns.put(Long.class, "a whole number");
        nouns.put(boolean.class, "true or false");
        nouns.put(Boolean.class, "true or false");
    }

    /**
     * @param envPrefix the environment's prefix: with {@code AGENTD_}, key {@code data-dir} is
     *                  {@code AGENTD_DATA_DIR}
     */
    public static <T> ConfigBinder<T> of(Class<T> type, Supplier<T> defaults, String envPrefix) {
        return new ConfigBinder<>(type, defaults, envPrefix);
    }

    /**
     * Teaches the binder a value type written as text: {@code parse} throws
     * IllegalArgumentException with a message for bad text; {@code noun} says what a good one looks like.
     */
    public synchronized <V> ConfigBinder<T> withType(Class<V> valueType, String noun, Function<String, V> parse,
                                                     Function<V, String> format) {
        types.addDeserializer(valueType, new StdScalarDeserializer<V>(valueType) {
            @Override
            public V deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.currentToken().isScalarValue()) {
                    throw MismatchedInputException.from(p, valueType, "expected " + noun);
                }
                String text = p.getValueAsString();
                if (text == null || text.isBlank()) {
                    throw InvalidFormatException.from(p, "has no value", text, valueType);
                }
                try {
                    return parse.apply(text.trim());
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), text, valueType);
                }
            }
        });
        types.addSerializer(valueType, new StdSerializer<V>(valueType) {
            @Override
            public void serialize(V value, JsonGenerator g, SerializerProvider provider) throws IOException {
                g.writeString(format.apply(value));
            }
        });
        nouns.put(valueType, noun);
        mapper = null;
        return this;
    }

    private synchronized ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper()
                    .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                    .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
                    .setPropertyNamingStrategy(new PropertyNamingStrategy() {
                        @Override
                        public String nameForField(MapperConfig<?> config, AnnotatedField field, String name) {
                            return key(field.getAnnotated());
                        }
                    })
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .registerModule(types);
        }
        return mapper;
    }

    /** Every key, in the order the settings class declares them, with its default. */
    public List<ConfigKey> keys() {
        JsonNode base = mapper().valueToTree(defaults.get());
        List<ConfigKey> out = new ArrayList<>();
        fields.forEach((name, f) -> {
            Setting s = f.getAnnotation(Setting.class);
            String dflt = s.defaultText().isEmpty() ? text(base.get(name)) : s.defaultText();
            out.add(new ConfigKey(name, env(name), dflt, s.value(), kind(f), !s.defaultText().isEmpty()));
        });
        return out;
    }

    /** The environment variable of {@code key}. */
    public String env(String key) {
        return envPrefix + key.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * The settings: defaults, then {@code file} (when not null), then the environment's variables
     * of known keys, then {@code flags} (key → the values given, in order; a key given more than
     * once only when it is a map or list). Throws ConfigException naming the key and its source.
     */
    public T bind(Path file, Map<String, String> environment, Map<String, List<String>> flags) {
        ObjectNode tree = mapper().valueToTree(defaults.get());
        Map<String, String> source = new LinkedHashMap<>();
        if (file != null) {
            mergeFile(tree, file, source);
        }
        for (String key : fields.keySet()) {
            String value = environment.get(env(key));
            if (value != null) {
                tree.set(key, fromText(key, List.of(value), env(key)));
                source.put(key, env(key));
            }
        }
        for (Map.Entry<String, List<String>> e : flags.entrySet()) {
            String key = e.getKey();
            if (!fields.containsKey(key)) {
                throw new ConfigException(key, "--" + key + ": unknown config key (known: " + known() + ")");
            }
            tree.set(key, fromText(key, e.getValue(), "--" + key));
            source.put(key, "--" + key);
        }
        T settings;
        try {
            settings = mapper().treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw translate(e, source);
        } catch (IOException e) {
            throw new ConfigException("cannot bind the settings: " + e.getMessage());
        }
        if (settings instanceof Checked c) {
            try {
                c.check();
            } catch (ConfigException e) {
                throw e.key() == null || !source.containsKey(e.key()) ? e
                        : new ConfigException(e.key(), source.get(e.key()) + ": " + e.getMessage());
            }
        }
        return settings;
    }

    private void mergeFile(ObjectNode tree, Path file, Map<String, String> source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file sets nothing
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a mapping of key: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (!fields.containsKey(key)) {
                throw new ConfigException(key, file + ": unknown config key '" + key + "' (known: " + known() + ")");
            }
            if (e.getValue().isNull()) {
                throw new ConfigException(key, file + ": " + key + ": has no value (leave the key out to use its"
                        + " default)");
            }
            tree.set(key, e.getValue());
            source.put(key, file.toString());
        }
    }

    /**
     * A flag's or variable's text as the JSON value of {@code key}. A list is comma-separated. A
     * map is KEY=VALUE, several of them comma-separated when every part holds a '=', else one pair
     * whose value holds commas (in the file, a mapping says it without doubt).
     */
    private JsonNode fromText(String key, List<String> values, String where) {
        ConfigKey.Kind kind = kind(fields.get(key));
        if (kind == ConfigKey.Kind.VALUE) {
            if (values.size() != 1) {
                throw new ConfigException(key, where + ": given " + values.size() + " times; it takes one value");
            }
            String v = values.get(0);
            if (v.isBlank()) {
                throw new ConfigException(key, where + ": " + key + ": has no value");
            }
            return TextNode.valueOf(v.trim());
        }
        List<String> items = new ArrayList<>();
        for (String v : values) {
            List<String> parts = new ArrayList<>();
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    parts.add(part.trim());
                }
            }
            if (kind == ConfigKey.Kind.LIST || parts.stream().allMatch(part -> part.contains("="))) {
                items.addAll(parts);
            } else {
                items.add(v.trim());
            }
        }
        if (kind == ConfigKey.Kind.LIST) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            items.forEach(a::add);
            return a;
        }
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(key, where + ": " + key + ": '" + item + "' is not KEY=VALUE");
            }
            String k = item.substring(0, eq).trim();
            if (m.has(k)) {
                throw new ConfigException(key, where + ": " + key + ": '" + k + "' is given twice");
            }
            m.put(k, item.substring(eq + 1).trim());
        }
        return m;
    }

    private ConfigException translate(JsonMappingException e, Map<String, String> source) {
        List<JsonMappingException.Reference> path = e.getPath();
        String key = path.isEmpty() || path.get(0).getFieldName() == null ? null : path.get(0).getFieldName();
        StringBuilder where = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            where.append(where.length() == 0 ? "" : ".").append(r.getFieldName() != null ? r.getFieldName()
                    : Integer.toString(r.getIndex()));
        }
        String why;
        if (e instanceof InvalidFormatException f) {
            String noun = nouns.getOrDefault(f.getTargetType(), "a valid " + f.getTargetType().getSimpleName());
            String original = f.getOriginalMessage();
            boolean ours = original != null && !original.startsWith("Cannot deserialize");
            if (!ours) {
                why = "'" + f.getValue() + "' is not " + noun;
            } else {
                why = original.contains("'" + f.getValue() + "'") ? original : "'" + f.getValue() + "': " + original;
            }
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String noun = nouns.get(m.getTargetType());
            why = noun != null ? "expected " + noun : "expected " + describe(m.getTargetType());
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            why = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
        }
        String from = key == null ? "config" : source.getOrDefault(key, "default");
        return new ConfigException(key, from + ": " + (where.length() == 0 ? "" : where + ": ") + why);
    }

    private static String describe(Class<?> t) {
        if (Map.class.isAssignableFrom(t)) {
            return "a mapping of KEY: VALUE";
        }
        if (Collection.class.isAssignableFrom(t)) {
            return "a list";
        }
        return "a " + t.getSimpleName();
    }

    private String known() {
        return String.join(", ", fields.keySet());
    }

    private static ConfigKey.Kind kind(Field f) {
        if (Map.class.isAssignableFrom(f.getType())) {
            return ConfigKey.Kind.MAP;
        }
        if (Collection.class.isAssignableFrom(f.getType())) {
            return ConfigKey.Kind.LIST;
        }
        return ConfigKey.Kind.VALUE;
    }

    /** A default as it would be written: "" for none or empty. */
    private static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        List<String> parts = new ArrayList<>();
        if (v.isObject()) {
            v.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        } else {
            v.forEach(x -> parts.add(x.asText()));
        }
        return String.join(",", parts);
    }

    /** A field's key: its {@link Setting#name}, or its name in kebab case. */
    static String key(Field f) {
        Setting s = f.getAnnotation(Setting.class);
        return s != null && !s.name().isEmpty() ? s.name() : kebab(f.getName());
    }

    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
