package dev.mcdrop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcdrop.experiment.UncertaintyExperiment.Method;
import dev.mcdrop.experiment.UncertaintyMetrics;
import dev.mcdrop.experiment.UncertaintyReport;
import dev.mcdrop.predict.McOptions;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code mcdrop eval} prints: one JSON object on one line ({@code --json}), or a few aligned
 * lines for a person. JSON numbers are always finite (a non-finite one, which the report's checks
 * should make impossible, would be written as null, never as NaN). The JSON keeps the keys of the
 * first version at the top level ({@code standard_error_percent}, {@code mc_error_percent},
 * {@code standard_nll}, {@code mc_nll}) for scripts that read them.
 */
final class EvalOutput {
    private EvalOutput() {}

    /** What ran: model name, inputs, MC options, backend, seconds of prediction (both sets). */
    record Run(String model, Path input, Path ood, McOptions options, String backend, double seconds) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static String json(Run run, UncertaintyReport r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("model", run.model());
        o.put("input", run.input().toString());
        o.put("images", r.images());
        o.put("samples", run.options().samples());
        o.put("seed", run.options().seed());
        o.put("mask_key", run.options().maskKey().option());
        number(o, "standard_error_percent", r.standard().errorPercent());
        number(o, "mc_error_percent", r.mc().errorPercent());
        number(o, "standard_nll", r.standard().nll());
        number(o, "mc_nll", r.mc().nll());
        scores(o.putObject("standard"), r.standard());
        scores(o.putObject("mc"), r.mc());
        ArrayNode selective = o.putArray("selective");
        for (UncertaintyReport.Selective s : r.selective()) {
            ObjectNode row = method(selective.addObject(), s.method());
            number(row, "aurc", s.aurc());
            number(row, "e_aurc", s.excessAurc());
        }
        if (r.ood() == null) {
            o.putNull("ood");
        } else {
            ObjectNode ood = o.putObject("ood");
            ood.put("input", run.ood().toString());
            ood.put("images", r.ood().images());
            ArrayNode detection = ood.putArray("detection");
            for (UncertaintyReport.Detection d : r.ood().methods()) {
                ObjectNode row = method(detection.addObject(), d.method());
                UncertaintyMetrics.Detection x = d.metrics();
                number(row, "auroc", x.auroc());
                number(row, "aupr_in", x.auprIn());
                number(row, "aupr_out", x.auprOut());
                number(row, "fpr95_in_positive", x.fpr95InPositive());
                number(row, "fpr95_ood_positive", x.fpr95OodPositive());
                number(row, "mean_in", d.meanIn());
                number(row, "mean_ood", d.meanOod());
            }
        }
        o.put("backend", run.backend());
        number(o, "seconds", run.seconds());
        return o + "\n";
    }

    static String text(Run run, UncertaintyReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s on %s (%d images), T=%d, seed %d, %s mask keys, backend %s, %.1f s%n", run.model(),
                run.input(), r.images(), run.options().samples(), run.options().seed(), run.options().maskKey().option(), run.backend(),
                run.seconds()));
        for (boolean mc : new boolean[]{false, true}) {
            UncertaintyReport.Scores s = r.scores(mc);
            sb.append(String.format(Locale.ROOT, "  %-18s error %.2f%% (%d), NLL %.4f, Brier %.4f, ECE %.4f%n",
                    mc ? "MC dropout T=" + run.options().samples() + ":" : "standard dropout:", s.errorPercent(), s.errors(), s.nll(),
                    s.brier(), s.ece()));
        }
        sb.append(String.format(Locale.ROOT, "  %-42s %7s %7s%n", "risk-coverage (x1000, lower is better)", "AURC", "E-AURC"));
        for (UncertaintyReport.Selective s : r.selective()) {
            sb.append(String.format(Locale.ROOT, "    %-40s %7.3f %7.3f%n", s.method().label(), 1000 * s.aurc(), 1000 * s.excessAurc()));
        }
        if (r.ood() != null) {
            sb.append(String.format(Locale.ROOT, "  out-of-distribution: %s (%d images)%n", run.ood(), r.ood().images()));
            sb.append(String.format(Locale.ROOT, "    %-40s %7s %7s %8s %10s %11s%n", "", "AUROC", "AUPR-In", "AUPR-Out", "FPR95(in+)",
                    "FPR95(ood+)"));
            for (UncertaintyReport.Detection d : r.ood().methods()) {
                UncertaintyMetrics.Detection x = d.metrics();
                sb.append(String.format(Locale.ROOT, "    %-40s %7.4f %7.4f %8.4f %10.4f %11.4f%n", d.method().label(), x.auroc(), x.auprIn(),
                        x.auprOut(), x.fpr95InPositive(), x.fpr95OodPositive()));
            }
        }
        return sb.toString();
    }

    private static void scores(ObjectNode o, UncertaintyReport.Scores s) {
        o.put("errors", s.errors());
        number(o, "error_percent", s.errorPercent());
        number(o, "nll", s.nll());
        number(o, "brier", s.brier());
        number(o, "ece_15_bins", s.ece());
    }

    private static ObjectNode method(ObjectNode row, Method m) {
        row.put("dropout", m.dropout());
        row.put("score", m.score().name().toLowerCase(Locale.ROOT));
        return row;
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v); else o.putNull(key);
    }
}
