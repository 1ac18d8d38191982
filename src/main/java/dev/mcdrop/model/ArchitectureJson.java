package dev.mcdrop.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcdrop.io.InputFiles;
import dev.mcdrop.io.Names;
import dev.mcdrop.io.StrictJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Architecture ⇄ JSON. The same text is stored in a safetensors file's {@code __metadata__}
 * under "architecture", so a weights file describes its own network. Example:
 * <pre>{"name": "lenet-all", "input": {"channels": 1, "height": 28, "width": 28, "scale": 0.00390625},
 *  "layers": [{"type": "conv2d", "name": "conv1", "filters": 20, "kernel": 5}, {"type": "dropout", "p": 0.5},
 *             {"type": "maxpool", "kernel": 2, "stride": 2}, ...]}</pre>
 * Unknown fields are errors (a typo must not silently change a network), and so are a key given
 * twice and text after the object ({@link StrictJson}, the policy of every JSON mcdrop reads). {@link #toJson} writes
 * every field, one layer per line; docs/MODEL-FORMAT.md documents the format.
 */
public final class ArchitectureJson {
    private static final ObjectMapper JSON = StrictJson.MAPPER;

    private ArchitectureJson() {}

    /** Largest architecture file read (a real one is a few KB); see {@link InputFiles#readText}. */
    public static final long MAX_FILE_BYTES = 16L << 20;

    public static Architecture read(Path file) throws IOException {
        return read(file, null);
    }

    /** Reads a regular UTF-8 file of at most {@link #MAX_FILE_BYTES}; {@code option} ("--arch") is named in refusals. */
    public static Architecture read(Path file, String option) throws IOException {
        return parse(InputFiles.readText(file, option, MAX_FILE_BYTES), file.toString());
    }

    public static Architecture parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ArchitectureException(source + ": architecture is not valid JSON: " + StrictJson.problem(e));
        }
        if (root == null || !root.isObject()) throw new ArchitectureException(source + ": architecture must be a JSON object");
        allowOnly(root, source, Set.of("name", "input", "layers"));
        String name = text(root, "name", source, "unnamed");
        JsonNode in = root.get("input");
        if (in == null || !in.isObject()) throw new ArchitectureException(source + ": field 'input' (object) is missing");
        allowOnly(in, source + " input", Set.of("channels", "height", "width", "scale"));
        Shape input;
        try {
            input = new Shape(integer(in, "channels", source + " input", null), integer(in, "height", source + " input", null),
                    integer(in, "width", source + " input", null));
        } catch (IllegalArgumentException e) {
            throw new ArchitectureException(source + ": field 'input': " + e.getMessage());
        }
        float scale = (float) number(in, "scale", source + " input", 1.0);
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) throw new ArchitectureException(source + ": field 'layers' (array) is missing");
        ArchitectureLimits.checkLayerCount(layers.size(), source);
        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) list.add(layer(layers.get(i), source + " layer " + i, i));
        return checkedAtLoad(new Architecture(name, input, scale, list), source);
    }

    /**
     * Compiles {@code a} once, so that every bound ({@link ArchitectureLimits}) and every shape is
     * checked when the file is read, and a refusal names the file ({@code source}) besides the
     * layer and the field: a field that would overflow is never carried on to the backends.
     */
    private static Architecture checkedAtLoad(Architecture a, String source) {
        try {
            a.compile();
        } catch (ArchitectureException e) {
            throw new ArchitectureException(source + ": " + e.getMessage());
        }
        return a;
    }

    private static Layer layer(JsonNode n, String at, int index) {
        if (!n.isObject()) throw new ArchitectureException(at + ": must be an object");
        String type = text(n, "type", at, null);
        String defaultName = Integer.toString(index);
        return switch (type) {
            case "conv2d" -> {
                allowOnly(n, at, Set.of("type", "name", "filters", "kernel", "stride", "padding"));
                yield new Layer.Conv2d(text(n, "name", at, defaultName), integer(n, "filters", at, null),
                        integer(n, "kernel", at, null), integer(n, "stride", at, 1), integer(n, "padding", at, 0));
            }
            case "dense" -> {
                allowOnly(n, at, Set.of("type", "name", "units"));
                yield new Layer.Dense(text(n, "name", at, defaultName), integer(n, "units", at, null));
            }
            case "maxpool", "avgpool" -> {
                allowOnly(n, at, Set.of("type", "kernel", "stride"));
                int k = integer(n, "kernel", at, null);
                yield new Layer.Pool(type.equals("maxpool"), k, integer(n, "stride", at, k));
            }
            case "relu" -> { allowOnly(n, at, Set.of("type")); yield new Layer.Relu(); }
            case "flatten" -> { allowOnly(n, at, Set.of("type")); yield new Layer.Flatten(); }
            case "softmax" -> { allowOnly(n, at, Set.of("type")); yield new Layer.Softmax(); }
            case "dropout" -> {
                allowOnly(n, at, Set.of("type", "p", "per"));
                String per = text(n, "per", at, "element");
                if (!per.equals("element") && !per.equals("channel")) {
                    throw new ArchitectureException(at + ": field 'per' must be \"element\" or \"channel\", got " + Names.quote(per));
                }
                yield new Layer.Dropout((float) number(n, "p", at, null), per.equals("channel"));
            }
            default -> throw new ArchitectureException(at + ": unknown layer type " + Names.quote(type)
                    + " (known: conv2d, dense, maxpool, avgpool, relu, dropout, flatten, softmax)");
        };
    }

    public static String toJson(Architecture a) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", a.name());
        ObjectNode in = root.putObject("input");
        in.put("channels", a.input().channels());
        in.put("height", a.input().height());
        in.put("width", a.input().width());
        in.put("scale", a.inputScale());
        ArrayNode layers = root.putArray("layers");
        for (Layer l : a.layers()) {
            ObjectNode o = layers.addObject();
            o.put("type", l.type());
            switch (l) {
                case Layer.Conv2d c -> {
                    o.put("name", c.name());
                    o.put("filters", c.filters());
                    o.put("kernel", c.kernel());
                    o.put("stride", c.stride());
                    o.put("padding", c.padding());
                }
                case Layer.Dense d -> {
                    o.put("name", d.name());
                    o.put("units", d.units());
                }
                case Layer.Pool p -> {
                    o.put("kernel", p.kernel());
                    o.put("stride", p.stride());
                }
                case Layer.Dropout d -> {
                    o.put("p", d.p());
                    o.put("per", d.perChannel() ? "channel" : "element");
                }
                default -> {}
            }
        }
        StringBuilder sb = new StringBuilder("{\n  \"name\": ").append(value(root.get("name")))
                .append(",\n  \"input\": ").append(line(in)).append(",\n  \"layers\": [");
        for (int i = 0; i < layers.size(); i++) sb.append(i == 0 ? "\n    " : ",\n    ").append(line(layers.get(i)));
        return sb.append("\n  ]\n}\n").toString();
    }

    /** {@code {"a": 1, "b": "x"}} on one line: one layer per line reads (and diffs) best. */
    private static String line(JsonNode object) {
        StringBuilder sb = new StringBuilder("{");
        object.properties().forEach(e -> {
            if (sb.length() > 1) sb.append(", ");
            sb.append(value(JSON.getNodeFactory().textNode(e.getKey()))).append(": ").append(value(e.getValue()));
        });
        return sb.append('}').toString();
    }

    private static String value(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value from the file, for a message: escaped and shortened. */
    private static String shown(JsonNode v) {
        return Names.display(v.toString(), Names.MAX_NAME);
    }

    private static void allowOnly(JsonNode n, String at, Set<String> allowed) {
        n.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) throw new ArchitectureException(at + ": unknown field " + Names.quote(f) + " (allowed: " + allowed + ")");
        });
    }

    private static String text(JsonNode n, String field, String at, String fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) throw new ArchitectureException(at + ": field '" + field + "' is missing");
            return fallback;
        }
        if (!v.isTextual()) throw new ArchitectureException(at + ": field '" + field + "' must be a string");
        return v.asText();
    }

    private static int integer(JsonNode n, String field, String at, Integer fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) throw new ArchitectureException(at + ": field '" + field + "' is missing");
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ArchitectureException(at + ": field '" + field + "' must be an integer, got " + shown(v));
        }
        return v.intValue();
    }

    private static double number(JsonNode n, String field, String at, Double fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) throw new ArchitectureException(at + ": field '" + field + "' is missing");
            return fallback;
        }
        if (!v.isNumber()) throw new ArchitectureException(at + ": field '" + field + "' must be a number, got " + shown(v));
        return v.doubleValue();
    }
}
