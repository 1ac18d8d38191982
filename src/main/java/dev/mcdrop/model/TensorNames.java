package dev.mcdrop.model;

import dev.mcdrop.io.Names;
import dev.mcdrop.io.WeightsFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds an architecture's parameter tensors among the tensor names of a file. Two namings are
 * tried, in this order:
 * <ol>
 * <li>by layer name: {@code conv1.weight}, {@code conv1.bias} (what mcdrop writes; a JSON layer
 *     without a "name" is named by its index);</li>
 * <li>by {@code nn.Sequential} position: the conv2d or dense layer at index i of the layer list is
 *     module i, {@code i.weight} and {@code i.bias}, because every mcdrop layer (relu, dropout,
 *     pool, flatten) is a module of its own in a Sequential too; optionally under one prefix
 *     shared by the file, such as {@code module.} (DataParallel) or {@code net.} (a Sequential
 *     held in an attribute).</li>
 * </ol>
 * The caller checks shapes. When neither naming covers every tensor, the error lists the missing,
 * expected and found names (shortened), since guessing further could load weights into the wrong
 * layers. docs/MODEL-FORMAT.md says what loads and what does not.
 */
final class TensorNames {
    /** At most this many names of a list go into a message. */
    static final int SHOWN = 10;
    /** A Sequential tensor: optional prefix ending in '.', module index, weight or bias. */
    private static final Pattern SEQUENTIAL = Pattern.compile("((?:.*\\.)?)(\\d+)\\.(weight|bias)");

    private TensorNames() {}

    /**
     * @param fileNameOf each architecture tensor name → the file's name for it, in parameter order
     * @param how        "" for layer names, else how the names were matched, for messages
     */
    record Match(Map<String, String> fileNameOf, String how) {}

    static Match match(Path file, Network network, Set<String> found) throws WeightsFormatException {
        List<Match> candidates = new ArrayList<>();
        Map<String, String> byName = new LinkedHashMap<>();
        for (ParamSpec p : network.params()) byName.put(p.tensorName(), p.tensorName());
        candidates.add(new Match(byName, ""));
        for (String prefix : prefixes(found)) {
            String how = "by nn.Sequential position" + (prefix.isEmpty() ? "" : " under " + Names.quote(prefix));
            candidates.add(new Match(sequential(network, prefix), how));
        }
        Match best = candidates.getFirst();
        int bestHits = -1;
        for (Match m : candidates) {
            int hits = (int) m.fileNameOf().values().stream().filter(found::contains).count();
            if (hits == m.fileNameOf().size()) return m;
            if (hits > bestHits) {
                best = m;
                bestHits = hits;
            }
        }
        List<String> missing = best.fileNameOf().values().stream().filter(n -> !found.contains(n)).toList();
        String closest = bestHits <= 0 ? "" : "; closest: " + (best.how().isEmpty() ? "by layer name" : best.how())
                + ", missing " + list(missing);
        throw new WeightsFormatException(file + ": tensor names do not match architecture " + Names.quote(network.architecture().name())
                + ": expected by layer name " + list(byName.keySet()) + " or by nn.Sequential position "
                + list(sequential(network, "").values()) + " (under at most one prefix such as 'module.'); found "
                + (found.isEmpty() ? "no tensors" : list(new TreeSet<>(found))) + closest + " (see docs/MODEL-FORMAT.md)");
    }

    /** The Sequential naming: each parameterised layer's tensors named by its index in the layer list. */
    private static Map<String, String> sequential(Network network, String prefix) {
        Map<String, String> names = new LinkedHashMap<>();
        for (Network.Stage s : network.stages()) {
            String layer = switch (s.layer()) {
                case Layer.Conv2d c -> c.name();
                case Layer.Dense d -> d.name();
                default -> null;
            };
            if (layer == null) continue;
            names.put(layer + ".weight", prefix + s.index() + ".weight");
            names.put(layer + ".bias", prefix + s.index() + ".bias");
        }
        return names;
    }

    /** Every prefix under which the file has Sequential-style names, sorted ("" first). */
    private static Set<String> prefixes(Set<String> found) {
        Set<String> prefixes = new TreeSet<>();
        for (String name : found) {
            Matcher m = SEQUENTIAL.matcher(name);
            if (m.matches()) prefixes.add(m.group(1));
        }
        return prefixes;
    }

    /** {@code ['a', 'b', … and N more]}: names quoted as in every weights message, at most {@link #SHOWN}. */
    static String list(Collection<String> names) {
        return Names.list(names, SHOWN);
    }
}
