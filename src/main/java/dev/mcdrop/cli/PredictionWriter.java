package dev.mcdrop.cli;

import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.predict.ImagePrediction;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Writes predictions as JSON Lines (one object per image) or CSV (a header, then one row per
 * image); with picture files as input, each record also names its file. Streams: {@link #write}
 * takes one batch at a time and flushes it, so rows reach a pipe as each batch is done, and
 * throws as soon as the destination fails (a full disk, a closed pipe) instead of going on.
 */
final class PredictionWriter {
    private final String format;
    private final PrintWriter out;
    private final LabeledImages images;
    private final java.util.List<String> files;
    private final String destination;
    private boolean headerDone;

    /** {@code files}: the picture file of each image (null when the input was not picture files). */
    PredictionWriter(String format, PrintWriter out, LabeledImages images, java.util.List<String> files, String destination) {
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw new IllegalArgumentException("unknown --format '" + format + "' (jsonl, csv)");
        }
        if (files != null && files.size() != images.count()) {
            throw new IllegalArgumentException(files.size() + " file names for " + images.count() + " images");
        }
        this.format = format;
        this.out = out;
        this.images = images;
        this.files = files;
        this.destination = destination;
    }

    /** All predictions at once (tests, small outputs). */
    static void write(String format, PrintWriter out, LabeledImages images, java.util.List<String> files,
                      ImagePrediction[] predictions) throws java.io.IOException {
        if (predictions.length != images.count()) {
            throw new IllegalArgumentException(predictions.length + " predictions for " + images.count() + " images");
        }
        new PredictionWriter(format, out, images, files, "output").write(0, predictions);
    }

    /** Writes the records of images {@code first …} and flushes them; throws if the destination failed. */
    void write(int first, ImagePrediction[] batch) throws java.io.IOException {
        int classes = batch.length == 0 ? 0 : batch[0].meanProbs().length;
        if (format.equals("csv") && !headerDone) csvHeader(classes);
        headerDone = true;
        for (int j = 0; j < batch.length; j++) {
            out.println(format.equals("csv") ? csvRow(first + j, batch[j]) : jsonLine(first + j, batch[j]));
        }
        out.flush();
        if (out.checkError()) throw new java.io.IOException("cannot write the predictions to " + destination);
    }

    private String jsonLine(int i, ImagePrediction p) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"index\":").append(i);
        if (files != null) sb.append(",\"file\":").append(jsonString(files.get(i)));
        if (images.hasLabels()) sb.append(",\"label\":").append(images.label(i));
        sb.append(",\"predicted\":").append(p.predicted());
        sb.append(",\"probability\":").append(f(p.meanProbs()[p.predicted()]));
        sb.append(",\"entropy\":").append(f(p.entropy()));
        sb.append(",\"mutual_information\":").append(f(p.mutualInformation()));
        sb.append(",\"variation_ratio\":").append(f(p.variationRatio()));
        sb.append(",\"std\":").append(f(p.predictedStd()));
        sb.append(",\"probs\":");
        array(sb, p.meanProbs());
        sb.append(",\"standard_predicted\":").append(p.standardPredicted());
        sb.append(",\"standard_probs\":");
        array(sb, p.standardProbs());
        return sb.append('}').toString();
    }

    private void csvHeader(int k) {
        StringBuilder h = new StringBuilder(files != null ? "index,file," : "index,")
                .append("label,predicted,probability,entropy,mutual_information,variation_ratio,std,standard_predicted");
        for (int c = 0; c < k; c++) h.append(",p").append(c);
        for (int c = 0; c < k; c++) h.append(",standard_p").append(c);
        out.println(h);
    }

    private String csvRow(int i, ImagePrediction p) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(i).append(',');
        if (files != null) sb.append(csvField(files.get(i))).append(',');
        sb.append(images.hasLabels() ? Integer.toString(images.label(i)) : "")
                .append(',').append(p.predicted()).append(',').append(f(p.meanProbs()[p.predicted()]))
                .append(',').append(f(p.entropy())).append(',').append(f(p.mutualInformation()))
                .append(',').append(f(p.variationRatio())).append(',').append(f(p.predictedStd()))
                .append(',').append(p.standardPredicted());
        for (float v : p.meanProbs()) sb.append(',').append(f(v));
        for (float v : p.standardProbs()) sb.append(',').append(f(v));
        return sb.toString();
    }

    private static void array(StringBuilder sb, float[] v) {
        sb.append('[');
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(f(v[i]));
        sb.append(']');
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** RFC 4180: quoted (inner quotes doubled) when it holds a comma, quote or line break. */
    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String f(double v) { return String.format(Locale.ROOT, "%.6g", v); }
}
