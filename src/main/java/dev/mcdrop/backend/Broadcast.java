package dev.mcdrop.backend;

/**
 * How an operand of {@link Backend#binary} is read over the output's
 * {@code [channels][columns][plane]}: element (c, n, i) is at {@code c·channel + n·column + i·element}.
 * A stride of 0 repeats the operand along that axis: {@link #dense} is a tensor laid out like the
 * output, {@link #perChannel} a constant [C] (ONNX [C,1,1]), {@link #perChannelPerColumn} a
 * computed [C][columns][1] (squeeze-excitation's gate), {@link #scalar} one value, {@link #perPlane}
 * a constant [H,W] shared by every channel and column.
 */
public record Broadcast(long channel, long column, long element) {
    public Broadcast {
        if (channel < 0 || column < 0 || element < 0) throw new IllegalArgumentException("negative stride in " + this);
    }

    public static Broadcast dense(int columns, int plane) { return new Broadcast((long) columns * plane, plane, 1); }

    public static Broadcast perChannel() { return new Broadcast(1, 0, 0); }

    public static Broadcast perChannelPerColumn(int columns) { return new Broadcast(columns, 1, 0); }

    public static Broadcast scalar() { return new Broadcast(0, 0, 0); }

    public static Broadcast perPlane() { return new Broadcast(0, 0, 1); }

    /** The element index (c, n, i) reads. */
    public long index(long c, long n, long i) { return c * channel + n * column + i * element; }

    /** Elements an operand so read must hold for the given output extent. */
    public long extent(int channels, int columns, int plane) {
        return index(channels - 1, columns - 1, plane - 1) + 1;
    }
}
