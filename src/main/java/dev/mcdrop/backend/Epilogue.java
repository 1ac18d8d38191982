package dev.mcdrop.backend;

/**
 * What {@link Backend#epilogue} does to each element of {@code x[channels][columns][plane]} after
 * a convolution or dense GEMM wrote it, in one pass over memory:
 * {@code x = mask(act(x·scale[c] + bias[c] + residual[c][n][i]))}. Each part is optional: a null
 * scale is 1 (a batch norm that could not be folded gives one), a null bias 0, a null residual
 * nothing (a residual block's skip tensor, laid out like x, gives one: the Add fused into its
 * producer), {@link Activation#IDENTITY} no activation, a null mask no dropout. The mask's element
 * index is {@code c·plane + i}, as in {@link Backend#biasActivation}; 1/(1 − p) is the mask's
 * {@link MaskSpec#scale()}.
 */
public record Epilogue(Buffer scale, Buffer bias, Buffer residual, Activation act, MaskSpec mask) {
    public Epilogue {
        if (act == null) throw new IllegalArgumentException("epilogue without an activation (use Activation.IDENTITY)");
    }

    public static Epilogue of(Buffer bias, Activation act, MaskSpec mask) { return new Epilogue(null, bias, null, act, mask); }

    public Epilogue withResidual(Buffer skip) { return new Epilogue(scale, bias, skip, act, mask); }

    public Epilogue withScale(Buffer channelScale) { return new Epilogue(channelScale, bias, residual, act, mask); }
}
