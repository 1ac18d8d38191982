package dev.mcdrop.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Erf} and the reference Gelu against CPython 3's math.erf / math.erfc (an independent implementation), on both sides of the switch at |x| = 2. */
class ErfTest {
    /** x, math.erf(x), math.erfc(x). */
    private static final double[][] TABLE = {
            {-30.0, -1.0, 2.0},
            {-6.0, -1.0, 2.0},
            {-5.5, -0.9999999999999927, 1.9999999999999927},
            {-3.0, -0.9999779095030014, 1.9999779095030015},
            {-2.0000001, -0.9953222670856509, 1.9953222670856507},
            {-2.0, -0.9953222650189527, 1.9953222650189528},
            {-1.9999999, -0.9953222629522538, 1.9953222629522538},
            {-1.0, -0.8427007929497149, 1.842700792949715},
            {-0.5, -0.5204998778130465, 1.5204998778130465},
            {-0.001, -0.0011283787909692365, 1.0011283787909693},
            {0.0, 0.0, 1.0},
            {1e-08, 1.1283791670955126e-08, 0.9999999887162083},
            {0.3, 0.3286267594591274, 0.6713732405408726},
            {0.5, 0.5204998778130465, 0.4795001221869535},
            {1.0, 0.8427007929497149, 0.15729920705028513},
            {1.5, 0.9661051464753108, 0.033894853524689274},
            {1.9999999, 0.9953222629522538, 0.004677737047746216},
            {2.0, 0.9953222650189527, 0.004677734981047265},
            {2.5, 0.999593047982555, 0.0004069520174449589},
            {3.0, 0.9999779095030014, 2.2090496998585438e-05},
            {4.0, 0.9999999845827421, 1.541725790028002e-08},
            {5.0, 0.9999999999984626, 1.5374597944280351e-12},
            {6.0, 1.0, 2.1519736712498916e-17},
            {10.0, 1.0, 2.088487583762545e-45},
    };

    /** x, x/2 · math.erfc(−x/√2). */
    private static final double[][] GELU = {
            {-10.0, -7.619853024160593e-23}, {-4.0, -0.00012668496733247986}, {-2.0, -0.04550026389635844},
            {-1.0, -0.15865525393145707}, {-0.5, -0.15426876936299344}, {0.0, 0.0}, {0.5, 0.34573123063700656},
            {1.0, 0.8413447460685429}, {2.0, 1.9544997361036416}, {4.0, 3.9998733150326675}, {10.0, 10.0},
    };

    @Test
    void erfAndErfcAgreeWithCPython() {
        for (double[] row : TABLE) {
            assertEquals(row[1], Erf.erf(row[0]), 1e-15 * Math.max(1e-300, Math.abs(row[1])) + 1e-300, "erf(" + row[0] + ")");
            assertEquals(row[2], Erf.erfc(row[0]), 5e-14 * Math.abs(row[2]), "erfc(" + row[0] + ")");
        }
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(Double.NaN, Erf.erf(Double.NaN));
    }

    @Test
    void geluIsXTimesTheNormalCdf() {
        for (double[] row : GELU) assertEquals(row[1], Activation.GELU.apply(row[0]), 1e-14 * Math.abs(row[1]), "gelu(" + row[0] + ")");
    }
}
