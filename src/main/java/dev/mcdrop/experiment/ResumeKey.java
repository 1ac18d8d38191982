package dev.mcdrop.experiment;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.ArchitectureJson;
import dev.mcdrop.model.Weights;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What an experiment folder's recorded units were computed from, in {@code settings.txt}: one
 * {@code key: value} line per option that changes the numbers, and for the model and each image
 * set a SHA-256 of its content (the decoded pixels and labels, the architecture and every
 * tensor), so a path or an image count is never taken for the data. A rerun in the same folder
 * must have the same lines, or its new units would be mixed with the old: the refusal is one line
 * naming what changed (data, model or option) and how to start afresh.
 */
final class ResumeKey {
    private ResumeKey() {}

    /** The first line: folders without it were keyed by path and image count only. */
    static final String FORMAT = "resume key: content hashes (2026-12)";

    /** "option name: value" for every component of an experiment's settings record. */
    static String options(Record settings) {
        StringBuilder sb = new StringBuilder();
        for (RecordComponent c : settings.getClass().getRecordComponents()) {
            try {
                sb.append("option ").append(c.getName()).append(": ").append(c.getAccessor().invoke(settings)).append('\n');
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read setting " + c.getName(), e);
            }
        }
        return sb.toString().strip();
    }

    /** The model: architecture name, parameter count and a SHA-256 of the architecture and every tensor. */
    static String of(Weights w) {
        MessageDigest md = sha256();
        md.update(ArchitectureJson.toJson(w.network().architecture()).getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (var e : new TreeMap<>(w.tensors()).entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            float[] v = e.getValue();
            for (int i = 0; i < v.length; ) {
                buf.clear();
                int n = Math.min(v.length - i, buf.capacity() / Float.BYTES);
                buf.asFloatBuffer().put(v, i, n);
                md.update(buf.array(), 0, n * Float.BYTES);
                i += n;
            }
        }
        return w.network().architecture().displayName() + ", " + w.network().parameterCount() + " parameters, sha256 " + hex(md);
    }

    /** An image set: count, shape, labels or not, and a SHA-256 of its pixels and labels in order. */
    static String of(LabeledImages set) {
        MessageDigest md = sha256();
        md.update(ByteBuffer.allocate(16).putInt(set.count()).putInt(set.channels()).putInt(set.height()).putInt(set.width()).array());
        for (int i = 0; i < set.count(); i++) md.update(set.imageBytes(i));
        if (set.hasLabels()) for (int i = 0; i < set.count(); i++) md.update((byte) set.label(i));
        return set.count() + " images " + set.channels() + "x" + set.height() + "x" + set.width()
                + (set.hasLabels() ? ", labelled" : ", unlabelled") + ", sha256 " + hex(md);
    }

    /**
     * Writes {@code text} (the key lines) to {@code out/settings.txt}, or checks it against the one
     * there; throws with one line if the folder's units were computed from anything else.
     */
    static void require(Path out, String text) throws IOException {
        Path file = out.resolve("settings.txt");
        String now = FORMAT + "\n" + text.strip() + "\n";
        String afresh = "; to start afresh, give a new --out folder (or delete " + out + ")";
        if (!Files.exists(file)) {
            if (hasUnits(out)) {
                throw new IllegalStateException(out + " holds recorded units but no settings.txt, so what they were computed from "
                        + "is unknown" + afresh);
            }
            Table.writeAtomically(file, now);
            return;
        }
        String stored = Files.readString(file);
        if (stored.equals(now)) return;
        if (!stored.startsWith(FORMAT + "\n")) {
            throw new IllegalStateException(out + " was written by an earlier mcdrop, which keyed its data by path and image count "
                    + "only, so its units cannot be checked against these inputs" + afresh);
        }
        throw new IllegalStateException(out + " holds results computed from other inputs: " + changes(stored, now) + afresh);
    }

    /** "test data changed (was …, now …)", for every key whose value differs; unkeyed lines as they are. */
    static String changes(String stored, String now) {
        Map<String, String> was = lines(stored), is = lines(now);
        List<String> changed = new ArrayList<>();
        List<String> gone = new ArrayList<>(), added = new ArrayList<>();
        for (var e : was.entrySet()) {
            String other = is.get(e.getKey());
            if (!is.containsKey(e.getKey())) gone.add(line(e.getKey(), e.getValue()));
            else if (!java.util.Objects.equals(other, e.getValue())) changed.add(e.getKey() + " changed (was " + shortHashes(e.getValue()) + ", now " + shortHashes(other) + ")");
        }
        for (var e : is.entrySet()) if (!was.containsKey(e.getKey())) added.add(line(e.getKey(), e.getValue()));
        if (!gone.isEmpty() || !added.isEmpty()) {
            changed.add("settings changed (was " + shortHashes(String.join(", ", gone)) + ", now " + shortHashes(String.join(", ", added)) + ")");
        }
        return String.join("; ", changed);
    }

    private static Map<String, String> lines(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : text.strip().split("\n")) {
            int colon = l.indexOf(": ");
            if (colon < 0) m.put(l, null);
            else m.put(l.substring(0, colon), l.substring(colon + 2));
        }
        return m;
    }

    private static String line(String key, String value) { return value == null ? key : key + ": " + value; }

    /** sha256 values cut to 12 hex digits for a message (the file keeps them whole). */
    private static String shortHashes(String s) { return s.replaceAll("(sha256 [0-9a-f]{12})[0-9a-f]{52}", "$1…"); }

    private static boolean hasUnits(Path out) throws IOException {
        Path units = out.resolve("units");
        if (!Files.isDirectory(units)) return false;
        try (Stream<Path> s = Files.list(units)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".csv"));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
    }

    private static String hex(MessageDigest md) { return HexFormat.of().formatHex(md.digest()); }
}
