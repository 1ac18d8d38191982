package dev.mcdrop.cuda;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Published dense peak throughput of the data-centre GPUs mcdrop is benchmarked on, so that
 * {@code mcdrop bench} can say what fraction of the card's peak it reached for the GEMM precision
 * in use (FP32 on the CUDA cores; TF32, FP16, BF16 on the tensor cores, without sparsity).
 * Unknown cards give no number rather than a guess.
 *
 * <p>Sources: NVIDIA's H100 / H200 / A100 datasheets (dense figures = half the "with sparsity"
 * tensor figures).
 */
public final class GpuPeak {
    private GpuPeak() {}

    /** TFLOP/s {FP32, TF32, FP16/BF16} per card. */
    private record Card(String label, double fp32, double tf32, double half) {}

    private static final Card H100_SXM = new Card("H100 SXM", 67, 494.7, 989.4);
    private static final Card H100_PCIE = new Card("H100 PCIe", 51.2, 378, 756);
    private static final Card H100_NVL = new Card("H100 NVL", 60, 417.5, 835.5);
    private static final Card H200_SXM = new Card("H200 SXM", 67, 494.7, 989.4);
    private static final Card H200_NVL = new Card("H200 NVL", 60, 417.5, 835.5);
    private static final Card A100 = new Card("A100", 19.5, 156, 312);

    /** Peak FLOP/s of the card named {@code deviceName} (as cuDeviceGetName reports it) at {@code precision}. */
    public static OptionalDouble flopsPerSecond(String deviceName, GemmPrecision precision) {
        Card c = card(deviceName);
        if (c == null) return OptionalDouble.empty();
        double tflops = switch (precision) {
            case FP32 -> c.fp32();
            case TF32 -> c.tf32();
            case FP16, BF16 -> c.half();
        };
        return OptionalDouble.of(tflops * 1e12);
    }

    /** "H100 SXM" etc., or null for a card not in the table. */
    public static String label(String deviceName) {
        Card c = card(deviceName);
        return c == null ? null : c.label();
    }

    private static Card card(String deviceName) {
        String n = deviceName.toUpperCase(Locale.ROOT);
        if (n.contains("H200")) return n.contains("NVL") ? H200_NVL : H200_SXM;
        if (n.contains("H100")) return n.contains("PCIE") ? H100_PCIE : n.contains("NVL") ? H100_NVL : H100_SXM;
        if (n.contains("A100")) return A100;
        return null;
    }
}
