package dev.mcdrop.experiment;

import dev.mcdrop.predict.Evaluation;

/** The stored result of evaluating one checkpoint: test error and NLL, standard and MC dropout. */
public final class EvalRow {
    private EvalRow() {}

    public static final String[] HEADER = {"images", "samples", "standard_error_percent", "mc_error_percent", "standard_nll", "mc_nll"};

    public static Table of(Evaluation e, int samples) {
        return new Table(HEADER).add(e.images(), samples, e.standardErrorPercent(), e.mcErrorPercent(), e.standardNll(), e.mcNll());
    }

    public static double standardError(Table t) { return t.getDouble(0, "standard_error_percent"); }

    public static double mcError(Table t) { return t.getDouble(0, "mc_error_percent"); }
}
